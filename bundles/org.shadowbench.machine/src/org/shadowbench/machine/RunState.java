package org.shadowbench.machine;

/** What the emulation thread is doing. */
public enum RunState {
    /** Not running guest code; requests are served. */
    PAUSED,
    /** Running guest code, serving requests between slices of instructions. */
    RUNNING,
    /** The guest has ended (exit, shutdown, or a halt nothing can wake); only reset or close help. */
    STOPPED,
    /** The emulation thread has ended. */
    CLOSED
}
