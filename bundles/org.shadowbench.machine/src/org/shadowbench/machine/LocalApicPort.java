package org.shadowbench.machine;

import org.shadowbench.cpu.InterruptController;

/**
 * A local APIC as the machine connects it: the CPU's interrupt input, the receiver of APIC bus
 * messages, and the owner of the IA32_APIC_BASE MSR's state. Used on the emulation thread.
 */
public interface LocalApicPort extends InterruptController {
    /** Fixed delivery: the vector goes to the IRR. */
    int FIXED = 0;
    /** Lowest-priority delivery: with one CPU, the same as fixed. */
    int LOWEST_PRIORITY = 1;
    /** System management interrupt. */
    int SMI = 2;
    /** Non-maskable interrupt. */
    int NMI = 4;
    /** INIT. */
    int INIT = 5;
    /** Start-up IPI. */
    int STARTUP = 6;
    /** External interrupt: the vector comes from the 8259. */
    int EXTINT = 7;

    /** The APIC ID. */
    int id();

    /** Whether a message to {@code destination} (physical or logical) addresses this APIC. */
    boolean addressedBy(int destination, boolean logical);

    /** Takes a message that addresses it. */
    void accept(int deliveryMode, int vector, boolean levelTriggered);

    /** The guest wrote the IA32_APIC_BASE MSR (the CPU has checked the value). */
    void baseWritten(long value);
}
