package org.shadowbench.cpu;

/** Why {@link Cpu#run(long)} returned. */
public enum StopReason {
    /** The instruction budget was used up. */
    INSTRUCTION_LIMIT,
    /** The CPU executed HLT with interrupts disabled, or while nothing can wake it. */
    HALTED,
    /** A breakpoint address was reached (before executing the instruction there). */
    BREAKPOINT,
    /** A triple fault or an unsupported state: the machine must be reset. */
    SHUTDOWN,
    /** {@link Cpu#requestStop()} was called. */
    STOP_REQUESTED
}
