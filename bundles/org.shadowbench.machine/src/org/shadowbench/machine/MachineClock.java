package org.shadowbench.machine;

/**
 * The machine's virtual time: it advances by a fixed {@link #NANOS_PER_INSTRUCTION} for every
 * instruction retired, and jumps forward to the next timer while the CPU halts with interrupts
 * enabled, so that runs are reproducible and idle guests cost nothing. Timer callbacks run on the
 * emulation thread between instructions. Used on the emulation thread.
 */
public interface MachineClock {
    /** Virtual nanoseconds per instruction: a 100 MIPS machine. */
    long NANOS_PER_INSTRUCTION = 10;

    /** A one-shot timer, re-armed by its owner for periodic behaviour. */
    interface Timer {
        /** Fires at an absolute virtual time (replacing any earlier arming). */
        void at(long nanos);

        /** Disarms the timer. */
        void cancel();

        /** Whether it is armed. */
        boolean armed();
    }

    /** Virtual nanoseconds since the machine was built (or reset). */
    long nanos();

    /** A new, disarmed timer that calls {@code callback} when it fires. */
    Timer timer(Runnable callback);
}
