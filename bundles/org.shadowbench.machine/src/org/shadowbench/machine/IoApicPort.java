package org.shadowbench.machine;

/** An I/O APIC as the machine connects it: what the MP table says of it, and its EOI input. */
public interface IoApicPort {
    /** The I/O APIC's ID. */
    int id();

    /** The version register's low byte (0x11 for the 82093AA). */
    int version();

    /** The guest-physical address of its registers. */
    long address();

    /** How many input pins it has. */
    int pins();

    /** A local APIC ended a level-triggered interrupt with this vector. */
    void endOfInterrupt(int vector);
}
