package org.shadowbench.pool.tests;

import org.shadowbench.pool.FaultingInstruction;
import org.shadowbench.pool.PoolHooks;

/** A CPU double: counts TLB flushes and sync requests, and offers the instruction being executed. */
public final class RecordingHooks implements PoolHooks {
    public int tlbFlushes;
    public int syncRequests;
    public int clearRequests;
    /** What {@link #currentInstruction()} answers; null means "not an instruction". */
    public FaultingInstruction instruction;

    @Override
    public void flushGuestTlbs() {
        tlbFlushes++;
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
