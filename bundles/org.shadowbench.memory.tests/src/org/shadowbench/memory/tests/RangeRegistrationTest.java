package org.shadowbench.memory.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shadowbench.memory.tests.Assertions2.assertConsistent;
import static org.shadowbench.memory.tests.Assertions2.assertRejected;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.memory.HostFrameStore;
import org.shadowbench.memory.MemoryConfiguration;
import org.shadowbench.memory.PageChangeListener;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PageTracking;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.RangeKind;

class RangeRegistrationTest {
    private static final long MB = 1 << 20;
    private PhysicalMemory memory;

    @BeforeEach
    void setUp() {
        memory = Factories.MEMORY.create();
        memory.registerRam(0, 0x9ffff, "Base RAM");
        memory.registerRam(MB, 16 * MB - 1, "Extended RAM");
    }

    @Test
    void ramStartsAsZeroPagesOnTheZeroFrame() {
        RamRange ram = memory.rangeAt(MB);
        assertEquals(RangeKind.RAM, ram.kind());
        assertEquals(15 * 256, ram.pageCount());
        assertEquals(15 * MB, ram.size());
        for (int i = 0; i < ram.pageCount(); i += 97) {
            assertEquals(PageType.RAM, ram.pageType(i));
            assertEquals(PageState.ZERO, ram.pageState(i));
            assertEquals(HostFrameStore.ZERO_FRAME, ram.hostFrame(i));
            assertEquals(PhysicalMemory.NIL_PAGE_ID, ram.pageId(i));
            assertEquals(PageHandlerState.NONE, ram.handlerState(i));
            assertEquals(0, ram.tracking(i));
        }
        assertEquals(1, memory.frames().framesInUse(), "registering RAM allocates nothing");
        assertConsistent(memory);
    }

    @Test
    void romPagesHoldTheImageAndShadowRomIsWritable() {
        byte[] image = new byte[5000];
        image[0] = 0x55;
        image[4999] = (byte) 0xaa;
        RamRange rom = memory.registerRom(0xf0000, 0xfffff, image, false, "BIOS");
        assertEquals(RangeKind.ROM, rom.kind());
        assertEquals(PageType.ROM, rom.pageType(0));
        assertEquals(PageState.ALLOCATED, rom.pageState(15));
        assertEquals(0x55, memory.read(0xf0000, 1));
        assertEquals(0xaa, memory.read(0xf0000 + 4999, 1));
        assertEquals(0, memory.read(0xf0000 + 5000, 4), "short images are zero padded");
        RamRange shadow = memory.registerRom(0xc0000, 0xc7fff, new byte[] { 1 }, true, "VGA BIOS shadow");
        assertEquals(PageType.ROM_SHADOW, shadow.pageType(3));
        memory.write(0xc0000, 1, 9);
        assertEquals(9, memory.read(0xc0000, 1));
        assertConsistent(memory);
    }

    @Test
    void mmioPagesSitOnTheZeroFrame() {
        RamRange mmio = memory.registerMmio(0xfec00000L, 0xfec00fffL, "IOAPIC");
        assertEquals(PageType.MMIO, mmio.pageType(0));
        assertEquals(PageState.ZERO, mmio.pageState(0));
        assertEquals(HostFrameStore.ZERO_FRAME, mmio.hostFrame(0));
        assertConsistent(memory);
    }

    @Test
    void overlapsAreConflicts() {
        long[][] spans = { { 0, 0x9ffff }, { 0x9f000, 0xa0fff }, { 0xff000, 0x100fff }, { 0x200000, 0x200fff },
                { 0, 32 * MB - 1 }, { 15 * MB, 17 * MB - 1 } };
        for (long[] span : spans) {
            assertRejected(memory, PgmStatus.VERR_PGM_RAM_CONFLICT, () -> memory.registerRam(span[0], span[1], "Clash"),
                    String.format("%#x", span[0]), "overlaps");
            assertRejected(memory, PgmStatus.VERR_PGM_RAM_CONFLICT, () -> memory.registerMmio(span[0], span[1], "Clash"));
            assertRejected(memory, PgmStatus.VERR_PGM_RAM_CONFLICT,
                    () -> memory.registerRom(span[0], span[1], new byte[0], false, "Clash"));
        }
    }

    @Test
    void misalignedEmptyInvertedAndOutOfSpaceRangesAreRejected() {
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER, () -> memory.registerRam(0xa0800, 0xa0fff, "Odd"),
                "0xa0800", "not page aligned");
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER, () -> memory.registerRam(0xa0000, 0xa0ffe, "Odd"),
                "0xa0ffe", "not page aligned");
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER, () -> memory.registerRam(0xa0000, 0x9ffff, "Empty"),
                "empty", "0xa0000");
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER, () -> memory.registerRam(0xb0000, 0xa0fff, "Back"),
                "inverted", "0xb0000");
        assertRejected(memory, PgmStatus.VERR_OUT_OF_RANGE,
                () -> memory.registerRam(PhysicalMemory.MAX_ADDRESS + 1, PhysicalMemory.MAX_ADDRESS + 4096, "Far"),
                "52-bit");
        assertRejected(memory, PgmStatus.VERR_OUT_OF_RANGE, () -> memory.registerRam(-4096, -1, "Negative"));
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER, () -> memory.registerRam(0xa0000, 0xa0fff, " "),
                "description");
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER,
                () -> memory.registerRom(0xa0000, 0xa0fff, new byte[4097], false, "Big image"), "4097");
    }

    @Test
    void rangeLimitIsEnforced() {
        PhysicalMemory small = Factories.MEMORY.create(MemoryConfiguration.defaults().withMaxRanges(3));
        small.registerRam(0, 0xfff, "a");
        small.registerRam(0x2000, 0x2fff, "b");
        small.registerMmio(0x4000, 0x4fff, "c");
        assertRejected(small, PgmStatus.VERR_OUT_OF_RESOURCES, () -> small.registerRam(0x6000, 0x6fff, "d"), "limit of 3");
        small.deregisterRange(0x2000);
        small.registerRam(0x6000, 0x6fff, "d");
        assertEquals(3, small.rangeCount());
    }

    @Test
    void romNeedsFramesUpFront() {
        PhysicalMemory tiny = Factories.MEMORY.create(MemoryConfiguration.defaults().withMaxHostFrames(4));
        assertRejected(tiny, PgmStatus.VERR_NO_MEMORY, () -> tiny.registerRom(0, 0x3fff, new byte[0], false, "ROM"),
                "needs 4 host frames");
    }

    @Test
    void deregistrationFreesFramesAndRefusesBusyPages() {
        RamRange ram = memory.registerRam(32 * MB, 32 * MB + 0x3fff, "Hot-plugged");
        memory.write(32 * MB + 0x1000, 4, 0xdeadbeefL);
        assertEquals(2, memory.frames().framesInUse());
        ram.setHandlerState(2, PageHandlerState.WRITE);
        assertRejected(memory, PgmStatus.VERR_RESOURCE_BUSY, () -> memory.deregisterRange(32 * MB), "0x2002000");
        ram.setHandlerState(2, PageHandlerState.NONE);
        ram.setTracking(3, PageTracking.make(1, 5));
        assertRejected(memory, PgmStatus.VERR_RESOURCE_BUSY, () -> memory.deregisterRange(32 * MB), "0x2003000");
        ram.setTracking(3, 0);
        memory.deregisterRange(32 * MB);
        assertEquals(1, memory.frames().framesInUse());
        assertNull(memory.rangeAt(32 * MB));
        assertRejected(memory, PgmStatus.VERR_PGM_INVALID_GC_PHYSICAL_ADDRESS, () -> memory.deregisterRange(32 * MB),
                "0x2000000");
        assertRejected(memory, PgmStatus.VERR_PGM_INVALID_GC_PHYSICAL_ADDRESS, () -> memory.deregisterRange(MB + 4096));
        assertConsistent(memory);
    }

    @Test
    void listenersHearOfRangesComingAndGoing() {
        List<String> events = new ArrayList<>();
        memory.addListener(new PageChangeListener() {
            @Override
            public void rangeAdded(RamRange range) {
                events.add("+" + range.description());
            }

            @Override
            public void rangeRemoved(RamRange range) {
                events.add("-" + range.description());
            }

            @Override
            public void allPageMappingsInvalidated() {
                events.add("flush");
            }
        });
        memory.registerMmio(0xa0000, 0xbffff, "VGA");
        memory.deregisterRange(0xa0000);
        assertEquals(List.of("+VGA", "-VGA", "flush"), events);
    }

    @Test
    void dumpListsRangesInOrder() throws IOException {
        memory.registerMmio(0xa0000, 0xbffff, "VGA");
        memory.write(0x1000, 1, 1);
        StringBuilder out = new StringBuilder();
        memory.dump(out);
        String text = out.toString();
        assertTrue(text.contains("3 ranges"), text);
        int base = text.indexOf("Base RAM");
        int vga = text.indexOf("VGA");
        int extended = text.indexOf("Extended RAM");
        assertTrue(base > 0 && base < vga && vga < extended, text);
        assertTrue(text.contains("0000000000000000 - 000000000009ffff      160  RAM   zero 159 alloc 1"), text);
        assertTrue(text.contains("descriptors 16 bytes/page"), text);
    }

    @Test
    void rangesListIsAnOrderedCopy() {
        List<RamRange> ranges = memory.ranges();
        assertEquals(2, ranges.size());
        assertSame(memory.rangeAt(0), ranges.get(0));
        memory.registerRam(0x100000000L, 0x1ffffffffL, "High RAM");
        assertEquals(2, ranges.size(), "earlier copies do not change");
        assertEquals(3, memory.ranges().size());
    }
}
