package org.shadowbench.machine;

/** Why a run of the machine ended. */
public enum StopCause {
    /** A device asked the machine to exit (debug-exit, power-off port); the exit code is the device's. */
    EXIT,
    /** The CPU shut down: a triple fault or a state it does not support. */
    SHUTDOWN,
    /** The CPU executed HLT and nothing can wake it (interrupts off, or no interrupt source). */
    HALTED,
    /** The CPU reached a breakpoint; the machine is paused before that instruction. */
    BREAKPOINT,
    /** The run's instruction budget (a step count, or --max-instructions) was used up. */
    INSTRUCTION_LIMIT,
    /** The run's wall-clock time limit passed. */
    TIMEOUT,
    /** Someone paused the machine. */
    PAUSED,
    /** The machine was reset or closed while running. */
    ABORTED,
    /**
     * An internal error of the emulator (an exception on the emulation thread) stopped the machine; the
     * result carries the exception, and the machine can only be inspected or reset.
     */
    FAILED
}
