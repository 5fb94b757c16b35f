package org.shadowbench.cpu;

/**
 * The CPU's external interrupt inputs, as an interrupt controller presents them: the maskable line
 * (INTR), polled by the CPU between instructions while EFLAGS.IF is set, and the non-maskable one
 * (NMI), polled between instructions while no NMI handler runs.
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

    /**
     * Takes a pending NMI. NMIs are edges latched at the source: several raised before the CPU takes
     * one are delivered once, and one raised while the CPU blocks NMIs waits here until it asks again.
     *
     * @return whether an NMI was pending (it no longer is)
     */
    default boolean takeNmi() {
        return false;
    }
}
