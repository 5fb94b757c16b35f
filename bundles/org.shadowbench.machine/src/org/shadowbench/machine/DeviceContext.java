package org.shadowbench.machine;

import org.shadowbench.cpu.IoPortBus;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.RangeKind;

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
     * The guest RAM size the machine was configured with ({@link MachineConfiguration#ramSize()}, as
     * QEMU's {@code -m}): it counts the 384 KiB under the legacy VGA and BIOS window and the RAM moved
     * above 4 GiB, so it is more than the sum of the RAM ranges. For firmware interfaces that report
     * it (fw_cfg). The default, for contexts that do not know their configuration, sums the RAM
     * ranges and adds the legacy window when conventional RAM is present.
     */
    default long ramSize() {
        long total = 0;
        boolean conventional = false;
        for (RamRange range : memory().ranges()) {
            if (range.kind() == RangeKind.RAM) {
                total += range.last() - range.first() + 1;
                conventional |= range.first() == 0;
            }
        }
        return conventional ? total + PcMemoryLayout.EXTENDED_START - PcMemoryLayout.CONVENTIONAL_END : total;
    }

    /**
     * Ends the guest's run after the current instruction, with the exit code the runner reports (an
     * isa-debug-exit or power-off port).
     */
    void requestExit(int exitCode, String reason);
}
