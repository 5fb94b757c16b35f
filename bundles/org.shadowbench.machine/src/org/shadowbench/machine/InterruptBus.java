package org.shadowbench.machine;

import org.shadowbench.cpu.InterruptController;

/**
 * The machine's 16 ISA interrupt request lines and the CPU's interrupt input. Devices drive lines;
 * an interrupt controller device (the 8259 PIC pair) listens to them and presents the CPU with
 * vectors. Used on the emulation thread.
 */
public interface InterruptBus {
    /** Number of ISA lines. */
    int LINES = 16;

    /** Receives line changes: the interrupt controller. */
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

    /** Connects the interrupt controller that listens to the lines and that the CPU asks for vectors. */
    void connectController(Listener lines, InterruptController cpuInput);

    /** Disconnects it (the CPU then sees no interrupts). */
    void disconnectController(Listener lines);
}
