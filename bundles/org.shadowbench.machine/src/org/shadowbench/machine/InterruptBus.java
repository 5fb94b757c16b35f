package org.shadowbench.machine;

import org.shadowbench.cpu.InterruptController;

/**
 * How interrupts travel in the machine: the 16 ISA request lines that devices drive, the 8259's
 * INTR output, the APIC bus between I/O APIC and local APIC, and the CPU's interrupt input. Used
 * on the emulation thread.
 *
 * <p>Without a local APIC the CPU asks the 8259 (the {@linkplain #connectController legacy
 * controller}) for vectors. A connected {@linkplain #connectLocalApic local APIC} takes the CPU's
 * input over and reaches the 8259 itself, through its LINT0 input ({@link #externalInterrupt()}).
 * Any number of controllers listen to the ISA lines: the 8259 pair and the I/O APIC both do, as
 * on a PC.
 */
public interface InterruptBus {
    /** Number of ISA lines. */
    int LINES = 16;

    /** Receives line changes: an interrupt controller. */
    interface Listener {
        void lineChanged(int line, boolean high);
    }

    /** Drives an ISA line high or low (edge-triggered controllers see the rising edge). */
    void setLevel(int line, boolean high);

    /** Raises and lowers a line: one edge. */
    default void pulse(int line) {
        setLevel(line, true);
        setLevel(line, false);
    }

    /** The level a line is driven to now. */
    boolean level(int line);

    /** Adds a listener of the ISA lines; it hears at once of every line high now. */
    void addListener(Listener lines);

    /** Removes a listener of the ISA lines; unknown listeners are ignored. */
    void removeListener(Listener lines);

    /**
     * Connects the 8259 interrupt controller: it listens to the lines, and its INTR output is the CPU's
     * interrupt input (or the local APIC's LINT0).
     *
     * @throws IllegalStateException when another one is connected
     */
    void connectController(Listener lines, InterruptController intr);

    /** Disconnects the 8259 (the CPU, or LINT0, then sees no external interrupts). */
    void disconnectController(Listener lines);

    /** The 8259's INTR output, or {@link InterruptController#NONE}. */
    InterruptController externalInterrupt();

    // ---------------------------------------------------------------- APICs

    /** Which I/O APIC input an ISA line is wired to: IRQ 0 to pin 2, the others to their own number. */
    static int ioApicPin(int isaLine) {
        if (isaLine < 0 || isaLine >= LINES) {
            throw new IllegalArgumentException("ISA interrupt line " + isaLine + " does not exist (0 to 15)");
        }
        return isaLine == 0 ? 2 : isaLine;
    }

    /**
     * Connects the CPU's local APIC: it becomes the CPU's interrupt input, CPUID reports it, and
     * writes to the IA32_APIC_BASE MSR reach it.
     *
     * @throws IllegalStateException when another one is connected
     */
    void connectLocalApic(LocalApicPort apic);

    /** Disconnects the local APIC: the 8259 is the CPU's input again. */
    void disconnectLocalApic(LocalApicPort apic);

    /** The connected local APIC, or null. */
    LocalApicPort localApic();

    /**
     * Connects the I/O APIC: it hears the local APIC's end-of-interrupt broadcasts and is described in
     * the MP table the loader writes.
     *
     * @throws IllegalStateException when another one is connected
     */
    void connectIoApic(IoApicPort ioApic);

    /** Disconnects the I/O APIC. */
    void disconnectIoApic(IoApicPort ioApic);

    /** The connected I/O APIC, or null. */
    IoApicPort ioApic();

    /**
     * An interrupt message on the APIC bus, delivered to the local APIC when it is addressed.
     *
     * @param destination    an APIC ID (physical mode, 0xff for all) or a logical destination
     * @param logical        whether {@code destination} is logical
     * @param deliveryMode   one of {@link LocalApicPort}'s delivery modes
     * @param levelTriggered whether the source is level-triggered (its EOI is broadcast back)
     * @return whether a local APIC took it
     */
    boolean sendApicMessage(int destination, boolean logical, int deliveryMode, int vector, boolean levelTriggered);

    /** A local APIC's end of a level-triggered interrupt, broadcast to the I/O APIC. */
    void broadcastEoi(int vector);
}
