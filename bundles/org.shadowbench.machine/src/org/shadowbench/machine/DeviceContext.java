package org.shadowbench.machine;

import org.shadowbench.cpu.IoPortBus;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.memory.PhysicalMemory;

/** What a machine offers an attached device. Used on the emulation thread only. */
public interface DeviceContext {
    /** The port space to claim I/O ports in. */
    IoPortBus io();

    /** The guest-physical page model, for devices that own memory (MMIO2, ROM). */
    PhysicalMemory memory();

    /** The handler registry, for memory-mapped registers. */
    PhysicalHandlerRegistry registry();

    /** The ISA interrupt lines and the CPU's interrupt input. */
    InterruptBus interrupts();

    /** Virtual time and timers. */
    MachineClock clock();

    /**
     * Ends the guest's run after the current instruction, with the exit code the runner reports (an
     * isa-debug-exit or power-off port).
     */
    void requestExit(int exitCode, String reason);
}
