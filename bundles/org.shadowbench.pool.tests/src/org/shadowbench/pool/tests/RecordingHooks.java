package org.shadowbench.pool.tests;

import java.util.ArrayList;
import java.util.List;

import org.shadowbench.pool.FaultingInstruction;
import org.shadowbench.pool.PoolHooks;

/**
 * A CPU double: counts TLB flushes and sync requests, lists the frames whose TLB entries the pool had
 * dropped, and offers the instruction being executed.
 */
public final class RecordingHooks implements PoolHooks {
    public int tlbFlushes;
    /** The frames of {@link #flushGuestTlbFrame} calls, in order. */
    public final List<Integer> flushedFrames = new ArrayList<>();
    public int syncRequests;
    public int clearRequests;
    /** What {@link #currentInstruction()} answers; null means "not an instruction". */
    public FaultingInstruction instruction;

    @Override
    public void flushGuestTlbs() {
        tlbFlushes++;
    }

    @Override
    public void flushGuestTlbFrame(int frame) {
        flushedFrames.add(frame);
    }

    @Override
    public void requestCr3Sync(boolean clearPool) {
        syncRequests++;
        if (clearPool) {
            clearRequests++;
        }
    }

    @Override
    public FaultingInstruction currentInstruction() {
        return instruction == null ? null : instruction.reset();
    }
}
