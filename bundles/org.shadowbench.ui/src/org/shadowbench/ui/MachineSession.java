package org.shadowbench.ui;

import java.util.concurrent.CompletableFuture;

import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.machine.RunResult;
import org.shadowbench.machine.RunState;
import org.shadowbench.pc.StandardPc;

/**
 * A machine running in the workbench, with its latest snapshot. Published as an OSGi service
 * (property {@value #NAME_PROPERTY}) for as long as it lives.
 *
 * <p>Nothing here waits for the guest: the control methods return the machine's futures, and
 * {@link #snapshot()} returns the newest snapshot already taken. While the guest runs, the session
 * takes a snapshot every {@link MachineDefaults#refreshMillis()} ms (by default {@value #REFRESH_MILLIS})
 * through the machine's request queue; after a pause, step or reset it takes one more.
 */
public interface MachineSession {
    /** The service property holding {@link #name()}. */
    String NAME_PROPERTY = "shadowbench.machine.name";
    /** Default period of snapshots while the guest runs ({@link MachineDefaults#refreshMillis()} may set another). */
    int REFRESH_MILLIS = 100;

    /** Told about new snapshots and state changes, on the session's refresh thread. */
    interface Listener {
        /** A new snapshot (or state) is there. */
        void changed(MachineSession session);
    }

    String name();

    MachineSpec spec();

    /** The engine; only for requests submitted to it (the engine belongs to its emulation thread). */
    Machine machine();

    /**
     * The standard PC's devices around the machine (COM1, the VGA text display, the IDE controller).
     * Their state belongs to the emulation thread: read it in a request ({@link Machine#submit}).
     *
     * @since 0.2
     */
    StandardPc pc();

    RunState state();

    /** The newest snapshot, or {@code null} before the first one. */
    MachineSnapshot snapshot();

    /** Guest instructions per second, in millions, between the last two snapshots of a run (0 when not running). */
    double mips();

    /** How the last run ended, or {@code null} while the first one lasts. */
    RunResult lastResult();

    /** Runs the guest until it stops, or resumes it after a pause. */
    CompletableFuture<RunResult> resume();

    CompletableFuture<Void> pause();

    /** Executes one instruction. */
    CompletableFuture<RunResult> step();

    /** Back to the moment after the load (the guest is loaded again). */
    CompletableFuture<Void> reset();

    /** Ends the machine; the session leaves the registry. */
    CompletableFuture<Void> terminate();

    void addListener(Listener listener);

    void removeListener(Listener listener);
}
