package org.shadowbench.memory.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.shadowbench.memory.MemoryStatistics;
import org.shadowbench.memory.PageLocation;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;

class RangeLookupTest {
    private static final long GB = 1L << 30;

    /** Base RAM, a gap, then RAM adjacent to MMIO adjacent to RAM, then RAM above 4 GiB. */
    private final PhysicalMemory memory = Factories.MEMORY.create();
    private final RamRange low = memory.registerRam(0, 0x9ffff, "Base RAM");
    private final RamRange mid = memory.registerRam(0x100000, 0xdfffffffL, "RAM below the hole");
    private final RamRange mmio = memory.registerMmio(0xe0000000L, 0xefffffffL, "PCI hole");
    private final RamRange top = memory.registerRam(0xf0000000L, 0xffffffffL, "RAM to 4 GiB");
    private final RamRange high = memory.registerRam(4 * GB, 8 * GB - 1, "RAM above 4 GiB");

    @Test
    void firstAndLastBytesOfEveryRange() {
        for (RamRange range : memory.ranges()) {
            assertSame(range, memory.rangeAt(range.first()), range.description());
            assertSame(range, memory.rangeAt(range.last()), range.description());
            assertSame(range, memory.rangeAt(range.first() + range.size() / 2), range.description());
            assertEquals(0, range.pageIndex(range.first()));
            assertEquals(range.pageCount() - 1, range.pageIndex(range.last()));
        }
    }

    @Test
    void adjacentRangesSplitExactlyAtTheBoundary() {
        assertSame(mid, memory.rangeAt(0xdfffffffL));
        assertSame(mmio, memory.rangeAt(0xe0000000L));
        assertSame(mmio, memory.rangeAt(0xefffffffL));
        assertSame(top, memory.rangeAt(0xf0000000L));
        assertSame(top, memory.rangeAt(0xffffffffL));
        assertSame(high, memory.rangeAt(0x100000000L));
    }

    @Test
    void gapsHaveNoRange() {
        assertNull(memory.rangeAt(0xa0000));
        assertNull(memory.rangeAt(0xfffff));
        assertNull(memory.rangeAt(8 * GB));
        assertNull(memory.rangeAt(PhysicalMemory.MAX_ADDRESS));
        assertNull(memory.rangeAt(-1));
        PgmException error = assertThrows(PgmException.class, () -> memory.requireRange(0xa1234));
        assertEquals(PgmStatus.VERR_PGM_INVALID_GC_PHYSICAL_ADDRESS, error.status());
        assertTrue(error.getMessage().contains("0xa1234"), error.getMessage());
        assertThrows(PgmException.class, () -> memory.page(8 * GB + 5));
    }

    @Test
    void atOrAboveSkipsGaps() {
        assertSame(low, memory.rangeAtOrAbove(0));
        assertSame(mid, memory.rangeAtOrAbove(0xa0000));
        assertSame(mid, memory.rangeAtOrAbove(0xfffff));
        assertSame(mmio, memory.rangeAtOrAbove(0xe0000000L));
        assertNull(memory.rangeAtOrAbove(8 * GB));
        assertSame(low, memory.rangeAtOrAbove(-5), "below everything: the first range");
    }

    @Test
    void pageLocations() {
        PageLocation page = memory.page(4 * GB + 0x3456);
        assertSame(high, page.range());
        assertEquals(3, page.index());
        assertEquals(4 * GB + 0x3000, page.address());
        assertEquals(0x1134, memory.page(0x1234567L).index());
    }

    @Test
    void hintIsUsedWhenItHolds() {
        MemoryStatistics before = memory.statistics();
        assertSame(high, memory.rangeWithHint(4 * GB + 1, high));
        assertSame(low, memory.rangeWithHint(0x5000, high), "a wrong hint falls back to the look-up");
        assertNull(memory.rangeWithHint(0xa0000, high));
        assertSame(mid, memory.rangeWithHint(0x200000, null));
        MemoryStatistics after = memory.statistics();
        assertEquals(4, after.rangeLookups() - before.rangeLookups());
    }

    @Test
    void lastHitCacheCountsHitsIncludingTheLastByte() {
        memory.rangeAt(0x1000);
        MemoryStatistics before = memory.statistics();
        memory.rangeAt(0x2000);
        memory.rangeAt(0x9ffff);
        memory.rangeAt(0x100000);
        memory.rangeAt(0x100001);
        MemoryStatistics after = memory.statistics();
        assertEquals(4, after.rangeLookups() - before.rangeLookups());
        assertEquals(3, after.rangeCacheHits() - before.rangeCacheHits());
        assertEquals(1, after.rangeCacheMisses() - before.rangeCacheMisses());
    }

    @Test
    void thousandsOfRangesAgainstALinearScan() {
        PhysicalMemory many = Factories.MEMORY.create();
        Random random = new Random(3072);
        long address = 0;
        for (int i = 0; i < 3072; i++) {
            address += (random.nextInt(3)) * 4096L;
            long pages = 1 + random.nextInt(8);
            many.registerRam(address, address + pages * 4096 - 1, "r" + i);
            address += pages * 4096;
        }
        assertEquals(3072, many.rangeCount());
        java.util.List<RamRange> all = many.ranges();
        for (int probe = 0; probe < 20000; probe++) {
            long at = (long) (random.nextDouble() * (address + 8192));
            RamRange expected = null;
            for (RamRange range : all) {
                if (range.contains(at)) {
                    expected = range;
                }
            }
            assertSame(expected, many.rangeAt(at), String.format("%#x", at));
        }
        Assertions2.assertConsistent(many);
    }
}
