package org.shadowbench.memory.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.shadowbench.memory.tests.Assertions2.assertConsistent;

import org.junit.jupiter.api.Test;
import org.shadowbench.memory.MemoryStatistics;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;

/** The default memory access that handlers fall back to. */
class RawAccessTest {
    private final PhysicalMemory memory = Factories.MEMORY.create();
    private final RamRange ram = memory.registerRam(0, 0x1ffff, "RAM");
    private final RamRange rom = memory.registerRom(0x20000, 0x21fff, new byte[] { 1, 2, 3, 4 }, false, "ROM");
    private final RamRange mmio = memory.registerMmio(0x22000, 0x22fff, "MMIO");
    // 0x23000-0x23fff is a gap
    private final RamRange upper = memory.registerRam(0x24000, 0x24fff, "RAM 2");

    @Test
    void everySizeIsLittleEndian() {
        memory.write(0x100, 8, 0x8877665544332211L);
        assertEquals(0x11, memory.read(0x100, 1));
        assertEquals(0x2211, memory.read(0x100, 2));
        assertEquals(0x44332211L, memory.read(0x100, 4));
        assertEquals(0x8877665544332211L, memory.read(0x100, 8));
        memory.write(0x104, 2, 0xbeef);
        assertEquals(0x8877beef44332211L, memory.read(0x100, 8));
        memory.write(0x107, 1, 0x1ff);
        assertEquals(0xff77beef44332211L, memory.read(0x100, 8), "values are truncated to the size");
    }

    @Test
    void accessesCrossingPagesAndRanges() {
        memory.write(0xffd, 8, 0x0807060504030201L);
        assertEquals(0x0807060504030201L, memory.read(0xffd, 8));
        assertEquals(0x030201, memory.read(0xffd, 4) & 0xffffff);
        assertEquals(0x07060504L, memory.read(0x1000, 4));
        assertEquals(PageState.ALLOCATED, ram.pageState(0));
        assertEquals(PageState.ALLOCATED, ram.pageState(1));
        // RAM into ROM: the RAM part is written, the ROM part is dropped.
        memory.write(0x1fffe, 4, 0xaabbccddL);
        assertEquals(0xccdd, memory.read(0x1fffe, 2));
        assertEquals(0x0201, memory.read(0x20000, 2));
        assertEquals(0x0201ccddL, memory.read(0x1fffe, 4));
        assertEquals(2, memory.statistics().romWritesIgnored());
        assertConsistent(memory);
    }

    @Test
    void unassignedReadsAllOnesAndDropsWrites() {
        MemoryStatistics before = memory.statistics();
        assertEquals(0xff, memory.read(0x23000, 1));
        assertEquals(0xffff, memory.read(0x23ffe, 2));
        assertEquals(0xffffffffL, memory.read(0x23100, 4));
        assertEquals(-1L, memory.read(0x1000000, 8));
        memory.write(0x23000, 4, 0);
        assertEquals(0xffffffffL, memory.read(0x23000, 4));
        assertEquals(-1L, memory.read(-8, 8), "negative addresses are unassigned too");
        // Half in RAM 2, half in the gap above it.
        memory.write(0x24ffe, 4, 0x11223344);
        assertEquals(0xffff3344L, memory.read(0x24ffe, 4));
        MemoryStatistics after = memory.statistics();
        assertEquals(3, after.unbackedWrites() - before.unbackedWrites());
        assertEquals(4, memory.frames().framesInUse(), "the zero frame, two ROM frames and RAM 2's page");
    }

    @Test
    void mmioWithoutHandlerReadsZerosAndDropsWrites() {
        memory.write(0x22000, 4, 0x12345678);
        assertEquals(0, memory.read(0x22000, 4));
        assertEquals(PageState.ZERO, mmio.pageState(0));
        MemoryStatistics stats = memory.statistics();
        assertEquals(1, stats.unbackedWrites());
        assertEquals(1, stats.unbackedReads());
    }

    @Test
    void romIgnoresWrites() {
        memory.write(0x20000, 4, 0xffffffffL);
        assertEquals(0x04030201L, memory.read(0x20000, 4));
        assertEquals(1, memory.statistics().romWritesIgnored());
        assertEquals(PageState.ALLOCATED, rom.pageState(0));
    }

    @Test
    void bulkTransfersFollowTheSameRules() {
        byte[] data = new byte[0x5000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i ^ (i >> 8));
        }
        memory.write(0x1e800, data, 0, data.length); // RAM, ROM (dropped), MMIO (dropped), gap
        byte[] back = new byte[data.length];
        memory.read(0x1e800, back, 0, back.length);
        for (int i = 0; i < back.length; i++) {
            long address = 0x1e800 + i;
            byte expected;
            if (address < 0x20000) {
                expected = data[i];
            } else if (address < 0x20004) {
                expected = (byte) (address - 0x20000 + 1);
            } else if (address < 0x22000) {
                expected = 0;
            } else if (address < 0x23000) {
                expected = 0;
            } else {
                expected = (byte) 0xff;
            }
            assertEquals(expected, back[i], String.format("byte at %#x", address));
        }
        byte[] slice = new byte[10];
        memory.read(0x1e800, slice, 3, 4);
        assertArrayEquals(new byte[] { 0, 0, 0, data[0], data[1], data[2], data[3], 0, 0, 0 }, slice);
        assertThrows(IndexOutOfBoundsException.class, () -> memory.read(0, new byte[4], 2, 3));
        assertConsistent(memory);
    }

    @Test
    void sizesOtherThanOneTwoFourEightAreRejected() {
        for (int size : new int[] { 0, 3, 5, 16, -1 }) {
            PgmException error = assertThrows(PgmException.class, () -> memory.read(0, size));
            assertEquals(PgmStatus.VERR_INVALID_PARAMETER, error.status());
            assertThrows(PgmException.class, () -> memory.write(0, size, 0));
        }
    }

    @Test
    void upperRangeIsIndependent() {
        memory.write(0x24000, 4, 42);
        assertEquals(42, memory.read(0x24000, 4));
        assertEquals(PageState.ALLOCATED, upper.pageState(0));
        assertEquals(0, memory.read(0x0, 4));
    }
}
