package org.shadowbench.cpu;

/**
 * The CPU's external interrupt line (INTR), as an interrupt controller presents it. Polled by the
 * CPU between instructions while EFLAGS.IF is set.
 */
public interface InterruptController {
    /** No controller: the line is never raised. */
    InterruptController NONE = new InterruptController() {
        @Override
        public boolean hasInterrupt() {
            return false;
        }

        @Override
        public int acknowledge() {
            throw new IllegalStateException("no interrupt pending");
        }
    };

    /** Whether an interrupt is pending. */
    boolean hasInterrupt();

    /** Takes the pending interrupt (the INTA cycle) and returns its vector. */
    int acknowledge();
}
