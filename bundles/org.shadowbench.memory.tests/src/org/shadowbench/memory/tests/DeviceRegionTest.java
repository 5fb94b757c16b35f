package org.shadowbench.memory.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shadowbench.memory.tests.Assertions2.assertConsistent;
import static org.shadowbench.memory.tests.Assertions2.assertRejected;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.shadowbench.memory.DeviceMemoryRegion;
import org.shadowbench.memory.FrameUse;
import org.shadowbench.memory.MemoryConfiguration;
import org.shadowbench.memory.PageLocation;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.RangeKind;

/** MMIO2 and pre-registered MMIO regions: chunks, handles, mapping and page resolution. */
class DeviceRegionTest {
    /** Chunks of 4 pages so that small regions already span several chunks. */
    private final PhysicalMemory memory = Factories.MEMORY
            .create(MemoryConfiguration.defaults().withMaxChunkPages(4).withMaxRegionSlots(8));
    private final Object vga = "vga#0";
    private final Object nic = "nic#0";

    @Test
    void regionIsSplitIntoFlaggedChunksOfAllocatedPages() {
        int handle = memory.registerMmio2(vga, 10 * 4096, "VRAM");
        assertEquals(1, handle);
        DeviceMemoryRegion region = memory.region(handle);
        assertTrue(region.isMmio2());
        assertFalse(region.isMapped());
        assertEquals(3, region.chunks().size());
        assertEquals(4, region.chunks().get(0).pageCount());
        assertEquals(2, region.chunks().get(2).pageCount());
        assertEquals(DeviceMemoryRegion.CHUNK_MMIO2 | DeviceMemoryRegion.CHUNK_FIRST, region.chunkFlags(0));
        assertEquals(DeviceMemoryRegion.CHUNK_MMIO2, region.chunkFlags(1));
        assertEquals(DeviceMemoryRegion.CHUNK_MMIO2 | DeviceMemoryRegion.CHUNK_LAST, region.chunkFlags(2));
        RamRange chunk = region.chunks().get(1);
        assertEquals(RangeKind.MMIO2, chunk.kind());
        assertEquals(PhysicalMemory.NIL_ADDRESS, chunk.first());
        assertEquals(PageType.MMIO2, chunk.pageType(0));
        assertEquals(PageState.ALLOCATED, chunk.pageState(0));
        assertEquals(FrameUse.MMIO2, memory.frames().use(chunk.hostFrame(0)));
        assertEquals(11, memory.frames().framesInUse());
        assertEquals(0, memory.rangeCount(), "registration does not map");
        int next = memory.registerMmio2(nic, 4096, "Ring buffer");
        assertEquals(4, next, "a region takes one handle slot per chunk");
        assertConsistent(memory);
    }

    @Test
    void resolvingWalksTheChunks() {
        int handle = memory.registerMmio2(vga, 10 * 4096, "VRAM");
        DeviceMemoryRegion region = memory.region(handle);
        Set<Integer> frames = new HashSet<>();
        for (int page = 0; page < 10; page++) {
            PageLocation location = memory.resolveMmio2Page(vga, handle, page * 4096L + 123);
            assertSame(region.chunks().get(page / 4), location.range());
            assertEquals(page % 4, location.index());
            assertTrue(frames.add(location.hostFrame()), "each page has its own frame");
        }
    }

    @Test
    void resolvingChecksHandleOwnerFlagsAndOffset() {
        int vram = memory.registerMmio2(vga, 10 * 4096, "VRAM");
        int mmio = memory.preRegisterMmio(vga, 4096, "Registers");
        assertRejected(memory, PgmStatus.VERR_OUT_OF_RANGE, () -> memory.resolveMmio2Page(vga, 0, 0), "handle 0");
        assertRejected(memory, PgmStatus.VERR_OUT_OF_RANGE, () -> memory.resolveMmio2Page(vga, 99, 0), "handle 99");
        assertRejected(memory, PgmStatus.VERR_OUT_OF_RANGE, () -> memory.resolveMmio2Page(vga, 6, 0), "handle 6");
        assertRejected(memory, PgmStatus.VERR_OUT_OF_RANGE, () -> memory.resolveMmio2Page(vga, vram + 1, 0),
                "later chunk");
        assertRejected(memory, PgmStatus.VERR_OUT_OF_RANGE, () -> memory.resolveMmio2Page(nic, vram, 0),
                "not owned by nic#0");
        assertRejected(memory, PgmStatus.VERR_OUT_OF_RANGE, () -> memory.resolveMmio2Page(vga, mmio, 0), "not MMIO2");
        assertRejected(memory, PgmStatus.VERR_OUT_OF_RANGE, () -> memory.resolveMmio2Page(vga, vram, 10 * 4096),
                "beyond the end", "0xa000");
        assertRejected(memory, PgmStatus.VERR_OUT_OF_RANGE, () -> memory.resolveMmio2Page(vga, vram, -4096),
                "negative");
        memory.resolveMmio2Page(vga, vram, 10 * 4096 - 1);
    }

    @Test
    void mappingPublishesChunksAndKeepsContentAcrossRemaps() {
        int handle = memory.registerMmio2(vga, 10 * 4096, "VRAM");
        memory.registerRam(0, 0xfffff, "RAM");
        memory.mapRegion(vga, handle, 0xe0000000L);
        DeviceMemoryRegion region = memory.region(handle);
        assertTrue(region.isMapped());
        assertEquals(0xe0000000L, region.mappedAt());
        assertEquals(4, memory.rangeCount());
        assertSame(region.chunks().get(1), memory.rangeAt(0xe0004000L));
        assertSame(region.chunks().get(2), memory.rangeAt(0xe0009fffL));
        assertNull(memory.rangeAt(0xe000a000L));
        for (int c = 0; c < 3; c++) {
            assertTrue((region.chunkFlags(c) & DeviceMemoryRegion.CHUNK_MAPPED) != 0);
        }
        memory.write(0xe0007ffeL, 4, 0x11223344);
        assertConsistent(memory);

        memory.unmapRegion(vga, handle);
        assertEquals(1, memory.rangeCount());
        assertEquals(0, region.chunkFlags(1) & DeviceMemoryRegion.CHUNK_MAPPED);
        assertEquals(0xffffffffL, memory.read(0xe0007ffeL, 4));
        memory.mapRegion(vga, handle, 0x100000000L);
        assertEquals(0x11223344, memory.read(0x100007ffeL, 4), "MMIO2 content survives unmapping");
        assertConsistent(memory);
    }

    @Test
    void mapRulesAndStatuses() {
        int handle = memory.registerMmio2(vga, 2 * 4096, "VRAM");
        memory.registerRam(0, 0xfffff, "RAM");
        assertRejected(memory, PgmStatus.VERR_PGM_RAM_CONFLICT, () -> memory.mapRegion(vga, handle, 0xff000), "overlaps");
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER, () -> memory.mapRegion(vga, handle, 0x200800), "0x200800");
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER,
                () -> memory.mapRegion(vga, handle, PhysicalMemory.MAX_ADDRESS - 4095), "room");
        assertRejected(memory, PgmStatus.VERR_INVALID_HANDLE, () -> memory.mapRegion(vga, 0, 0x200000), "handle 0");
        assertRejected(memory, PgmStatus.VERR_NOT_FOUND, () -> memory.mapRegion(vga, 5, 0x200000), "handle 5");
        assertRejected(memory, PgmStatus.VERR_NOT_FOUND, () -> memory.mapRegion(nic, handle, 0x200000), "nic#0");
        assertRejected(memory, PgmStatus.VERR_WRONG_ORDER, () -> memory.unmapRegion(vga, handle), "not mapped");
        memory.mapRegion(vga, handle, 0x200000);
        assertRejected(memory, PgmStatus.VERR_WRONG_ORDER, () -> memory.mapRegion(vga, handle, 0x300000), "already mapped");
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER, () -> memory.deregisterRange(0x200000), "unmap the region");
        memory.rangeAt(0x200000).setHandlerState(0, org.shadowbench.memory.PageHandlerState.ALL);
        assertRejected(memory, PgmStatus.VERR_RESOURCE_BUSY, () -> memory.unmapRegion(vga, handle), "0x200000");
    }

    @Test
    void registrationRulesAndStatuses() {
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER, () -> memory.registerMmio2(null, 4096, "x"), "owner");
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER, () -> memory.registerMmio2(vga, 0, "x"), "size 0x0");
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER, () -> memory.registerMmio2(vga, 100, "x"), "0x64");
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER, () -> memory.registerMmio2(vga, 4096, ""), "description");
        memory.registerMmio2(vga, 20 * 4096, "Five chunks");
        memory.registerMmio2(vga, 8 * 4096, "Two chunks");
        assertRejected(memory, PgmStatus.VERR_PGM_TOO_MANY_MMIO2_RANGES, () -> memory.registerMmio2(nic, 8 * 4096, "x"),
                "2 consecutive");
        memory.preRegisterMmio(nic, 4096, "One slot left");
        PhysicalMemory tiny = Factories.MEMORY.create(MemoryConfiguration.defaults().withMaxHostFrames(3));
        assertRejected(tiny, PgmStatus.VERR_NO_MEMORY, () -> tiny.registerMmio2(vga, 3 * 4096, "VRAM"), "3 host frames");
    }

    @Test
    void deregisteringUnmapsFreesFramesAndSlots() {
        int handle = memory.registerMmio2(vga, 5 * 4096, "VRAM");
        memory.mapRegion(vga, handle, 0x10000000);
        assertRejected(memory, PgmStatus.VERR_NOT_FOUND, () -> memory.deregisterRegion(nic, handle), "nic#0");
        memory.deregisterRegion(vga, handle);
        assertEquals(0, memory.rangeCount());
        assertNull(memory.region(handle));
        assertEquals(1, memory.frames().framesInUse());
        assertEquals(1, memory.registerMmio2(nic, 4096, "Reused slot"));
        assertConsistent(memory);
    }

    @Test
    void preRegisteredMmioIsMmioOnTheZeroFrame() {
        int handle = memory.preRegisterMmio(nic, 6 * 4096, "BAR0");
        DeviceMemoryRegion region = memory.region(handle);
        assertFalse(region.isMmio2());
        assertEquals(DeviceMemoryRegion.CHUNK_FIRST, region.chunkFlags(0));
        assertEquals(DeviceMemoryRegion.CHUNK_LAST, region.chunkFlags(1));
        memory.mapRegion(nic, handle, 0xf0000000L);
        RamRange chunk = memory.rangeAt(0xf0005000L);
        assertEquals(RangeKind.PRE_REGISTERED_MMIO, chunk.kind());
        assertEquals(PageType.MMIO, chunk.pageType(1));
        assertEquals(1, memory.frames().framesInUse());
        assertConsistent(memory);
    }
}
