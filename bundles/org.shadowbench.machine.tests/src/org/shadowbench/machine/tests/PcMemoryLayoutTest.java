package org.shadowbench.machine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.shadowbench.machine.EngineFactories;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.machine.PcMemoryLayout;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.RangeKind;

class PcMemoryLayoutTest {

    private static PhysicalMemory build(long ram) {
        PhysicalMemory memory = EngineFactories.standard().memory().create();
        PcMemoryLayout.build(memory, MachineConfiguration.defaults().withRam(ram));
        assertTrue(memory.check().isEmpty(), () -> memory.check().toString());
        return memory;
    }

    private static long ramBytes(PhysicalMemory memory) {
        return memory.ranges().stream().filter(r -> r.kind() == RangeKind.RAM).mapToLong(RamRange::size).sum();
    }

    @Test
    void smallMachineHasRamBelowTheHoleOnly() {
        PhysicalMemory memory = build(128L << 20);
        assertEquals((128L << 20) - (384L << 10), ramBytes(memory), "RAM minus the 384 KiB legacy hole");
        assertEquals(0x7ffffffL, memory.rangeAt(0x100000).last());
        assertNull(memory.rangeAt(0x8000000));
        assertNull(memory.rangeAt(PcMemoryLayout.HIGH_RAM));
        assertEquals(PageType.MMIO, memory.rangeAt(0xb8000).pageType(0));
        assertEquals(PageType.ROM_SHADOW, memory.rangeAt(0xc0000).pageType(0));
        assertEquals(0xaa55, memory.read(0xc0000, 2), "option ROM signature");
        assertEquals(0xf4, memory.read(0xffff0, 1), "reset vector halts");
        assertEquals(0xf4, memory.read(0xfffffff0L, 1), "the BIOS alias holds the same image");
        assertEquals(PageType.MMIO2, memory.rangeAt(PcMemoryLayout.VGA_LFB).pageType(0));
        assertEquals(PageType.MMIO, memory.rangeAt(PcMemoryLayout.LOCAL_APIC).pageType(0));
        assertEquals(PageType.MMIO, memory.rangeAt(PcMemoryLayout.IO_APIC).pageType(0));
        assertNull(memory.rangeAt(0xc8000), "option ROM space is unassigned");
    }

    @Test
    void theMachinesPlatformLeavesDeviceRangesToTheDevices() {
        PhysicalMemory memory = EngineFactories.standard().memory().create();
        PcMemoryLayout.buildPlatform(memory, MachineConfiguration.defaults().withRam(64L << 20));
        assertNull(memory.rangeAt(0xb8000), "the VGA window comes with the VGA");
        assertNull(memory.rangeAt(PcMemoryLayout.LOCAL_APIC));
        assertNull(memory.rangeAt(PcMemoryLayout.IO_APIC));
        assertNull(memory.rangeAt(PcMemoryLayout.VGA_LFB));
        assertEquals(0xffff_ffffL, memory.read(PcMemoryLayout.LOCAL_APIC, 4), "unassigned reads all ones");
        assertEquals(PageType.ROM_SHADOW, memory.rangeAt(0xc0000).pageType(0));
        assertTrue(memory.check().isEmpty());
    }

    @Test
    void largeMachineContinuesAboveFourGiB() {
        PhysicalMemory memory = build(6L << 30);
        assertEquals((6L << 30) - (384L << 10), ramBytes(memory));
        RamRange below = memory.rangeAt(0x100000);
        assertEquals(PcMemoryLayout.PCI_HOLE - 1, below.last());
        RamRange above = memory.rangeAt(PcMemoryLayout.HIGH_RAM);
        assertEquals(PcMemoryLayout.HIGH_RAM + (6L << 30) - PcMemoryLayout.PCI_HOLE - 1, above.last());
        List<RamRange> ranges = memory.ranges();
        assertEquals(10, ranges.size());
    }

    @Test
    void configurationIsValidated() {
        MachineConfiguration defaults = MachineConfiguration.defaults();
        assertEquals(PgmStatus.VERR_OUT_OF_RANGE,
                assertThrows(PgmException.class, () -> defaults.withRam(1L << 20)).status());
        assertThrows(PgmException.class, () -> defaults.withRam((128L << 20) + 4096));
        assertThrows(PgmException.class, () -> defaults.withRam(2L << 40));
        assertThrows(PgmException.class, () -> defaults.withVram(0));
        assertThrows(PgmException.class, () -> defaults.withVram(512L << 20));
        assertEquals(2L << 20, defaults.withRam(2L << 20).ramSize());
    }
}
