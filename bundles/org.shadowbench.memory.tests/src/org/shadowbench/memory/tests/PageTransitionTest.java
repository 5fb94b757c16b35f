package org.shadowbench.memory.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.shadowbench.memory.tests.Assertions2.assertConsistent;
import static org.shadowbench.memory.tests.Assertions2.assertRejected;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.memory.FrameUse;
import org.shadowbench.memory.HostFrameStore;
import org.shadowbench.memory.PageChangeListener;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageProtection;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PdeType;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;

/** Every page type and state transition of the model, with what listeners are told. */
class PageTransitionTest {
    private static final int RWX = PageProtection.READ | PageProtection.WRITE | PageProtection.EXECUTE;
    private static final int RX = PageProtection.READ | PageProtection.EXECUTE;

    private PhysicalMemory memory;
    private RamRange ram;
    private RamRange mmio;
    private final List<String> events = new ArrayList<>();

    /** Records notifications and answers with engine state 2 for backing, 1 for protection changes. */
    private final PageChangeListener recorder = new PageChangeListener() {
        @Override
        public void pageMappingInvalidated(long gcPhysPage) {
            events.add(String.format("tlb %x", gcPhysPage));
        }

        @Override
        public int pageProtectionChanged(long gcPhysPage, int hostFrame, int protection, PageType type, int engineState) {
            events.add(String.format("prot %x %s %s", gcPhysPage, PageProtection.describe(protection), type));
            return 1;
        }

        @Override
        public int pageBackingChanged(long gcPhysPage, int oldHostFrame, int newHostFrame, int protection,
                PageType type, int engineState) {
            events.add(String.format("backing %x %d->%d %s %s", gcPhysPage, oldHostFrame, newHostFrame,
                    PageProtection.describe(protection), type));
            return 2;
        }
    };

    @BeforeEach
    void setUp() {
        memory = Factories.MEMORY.create();
        ram = memory.registerRam(0, 0xfffff, "RAM");
        mmio = memory.registerMmio(0xfee00000L, 0xfee03fffL, "APIC");
        memory.addListener(recorder);
    }

    @Test
    void zeroPageGetsAFrameOnFirstWriteNotOnRead() {
        assertEquals(0, memory.read(0x5008, 8));
        assertEquals(PageState.ZERO, ram.pageState(5));
        assertEquals(List.of(), events);
        memory.write(0x5008, 8, 0x0123456789abcdefL);
        int frame = ram.hostFrame(5);
        assertNotEquals(HostFrameStore.ZERO_FRAME, frame);
        assertEquals(PageState.ALLOCATED, ram.pageState(5));
        assertEquals(frame, ram.pageId(5));
        assertEquals(FrameUse.GUEST, memory.frames().use(frame));
        assertEquals(List.of("tlb 5000", "backing 5000 0->" + frame + " RWX RAM"), events);
        assertEquals(2, ram.engineState(5), "the engine's answer is stored");
        assertEquals(0x0123456789abcdefL, memory.read(0x5008, 8));
        assertEquals(1, memory.statistics().zeroPageAllocations());
        memory.write(0x5010, 4, 1);
        assertEquals(2, events.size(), "allocated pages are written without notifications");
        assertConsistent(memory);
    }

    @Test
    void writeMonitoredPageBecomesAllocatedOnWrite() {
        memory.write(0x3000, 1, 7);
        events.clear();
        memory.writeMonitor(ram, 3);
        assertEquals(PageState.WRITE_MONITORED, ram.pageState(3));
        assertEquals(RX, memory.protection(ram, 3));
        memory.write(0x3001, 1, 8);
        assertEquals(PageState.ALLOCATED, ram.pageState(3));
        assertEquals(List.of("prot 3000 R-X RAM", "prot 3000 RWX RAM"), events);
        assertEquals(1, memory.statistics().monitoredWrites());
        assertEquals(0x0807, memory.read(0x3000, 2));
        assertConsistent(memory);
    }

    @Test
    void onlyAllocatedRamCanBeMonitored() {
        assertRejected(memory, PgmStatus.VERR_PGM_PHYS_PAGE_RESERVED, () -> memory.writeMonitor(ram, 9), "0x9000",
                "allocated");
        assertRejected(memory, PgmStatus.VERR_PGM_PHYS_PAGE_RESERVED, () -> memory.writeMonitor(mmio, 0), "not a RAM page");
    }

    @Test
    void sharedPagesAreCopiedOnWriteAndTheLastSharerKeepsTheFrame() {
        memory.write(0x1000, 4, 0x11111111);
        int frame = ram.hostFrame(1);
        memory.write(0x2000, 4, 0x22222222);
        int other = ram.hostFrame(2);
        events.clear();
        memory.share(ram, 2, ram, 1);
        assertEquals(PageState.SHARED, ram.pageState(1));
        assertEquals(PageState.SHARED, ram.pageState(2));
        assertEquals(frame, ram.hostFrame(2));
        assertEquals(ram.pageId(1), ram.pageId(2));
        assertEquals(2, memory.frames().referenceCount(frame));
        assertEquals(FrameUse.FREE, memory.frames().use(other), "the target's old frame is released");
        assertEquals(0x11111111, memory.read(0x2000, 4));
        assertEquals(List.of("prot 1000 R-X RAM", "tlb 2000", "backing 2000 " + other + "->" + frame + " R-X RAM"),
                events);
        assertConsistent(memory);

        events.clear();
        memory.write(0x2000, 4, 0x33333333);
        int copy = ram.hostFrame(2);
        assertNotEquals(frame, copy);
        assertEquals(PageState.ALLOCATED, ram.pageState(2));
        assertEquals(0x33333333, memory.read(0x2000, 4));
        assertEquals(0x11111111, memory.read(0x1000, 4), "the other sharer keeps its content");
        assertEquals(1, memory.statistics().copyOnWrites());
        assertEquals(List.of("tlb 2000", "backing 2000 " + frame + "->" + copy + " RWX RAM"), events);

        events.clear();
        memory.write(0x1000, 1, 0x44);
        assertEquals(frame, ram.hostFrame(1), "a lone sharer takes its frame back without copying");
        assertEquals(PageState.ALLOCATED, ram.pageState(1));
        assertEquals(List.of("prot 1000 RWX RAM"), events);
        assertEquals(1, memory.statistics().copyOnWrites());
        assertConsistent(memory);
    }

    @Test
    void sharingRules() {
        memory.write(0x1000, 1, 1);
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER, () -> memory.share(ram, 1, ram, 1), "itself");
        assertRejected(memory, PgmStatus.VERR_PGM_PHYS_PAGE_RESERVED, () -> memory.share(ram, 1, ram, 7), "no frame");
        assertRejected(memory, PgmStatus.VERR_PGM_PHYS_PAGE_RESERVED, () -> memory.share(mmio, 0, ram, 1), "only RAM");
        memory.share(ram, 7, ram, 1);
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER, () -> memory.share(ram, 7, ram, 1), "already shares");
        memory.share(ram, 8, ram, 7);
        assertEquals(3, memory.frames().referenceCount(ram.hostFrame(1)));
        assertConsistent(memory);
    }

    @Test
    void ballooningReturnsTheFrameAndTheNextWriteReallocates() {
        memory.write(0x4000, 4, 5);
        int frame = ram.hostFrame(4);
        events.clear();
        memory.balloon(ram, 4);
        assertEquals(PageState.BALLOONED, ram.pageState(4));
        assertEquals(HostFrameStore.ZERO_FRAME, ram.hostFrame(4));
        assertEquals(FrameUse.FREE, memory.frames().use(frame));
        assertEquals(0, memory.read(0x4000, 4));
        assertEquals(List.of("tlb 4000", "backing 4000 " + frame + "->0 R-X RAM"), events);
        memory.write(0x4000, 4, 6);
        assertEquals(PageState.ALLOCATED, ram.pageState(4));
        assertEquals(6, memory.read(0x4000, 4));
        memory.balloon(ram, 9);
        assertEquals(PageState.BALLOONED, ram.pageState(9), "zero pages can be ballooned too");
        assertRejected(memory, PgmStatus.VERR_PGM_PHYS_PAGE_RESERVED, () -> memory.balloon(mmio, 1), "0xfee01000");
        assertConsistent(memory);
    }

    @Test
    void makeWritableRefusesPagesWithoutRamBehaviour() {
        assertRejected(memory, PgmStatus.VERR_PGM_PHYS_PAGE_RESERVED, () -> memory.makeWritable(mmio, 2), "0xfee02000");
        RamRange rom = memory.registerRom(0x100000, 0x100fff, new byte[0], false, "ROM");
        memory.makeWritable(rom, 0);
        assertEquals(PageState.ALLOCATED, rom.pageState(0), "allocated pages of any type are left alone");
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER, () -> memory.makeWritable(ram, 256), "256");
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER, () -> memory.makeWritable(ram, -1));
    }

    @Test
    void aliasingAnMmioPageToMmio2AndBack() {
        Object device = "vga";
        int handle = memory.registerMmio2(device, 0x2000, "VRAM");
        var vram = memory.resolveMmio2Page(device, handle, 0x1000);
        events.clear();
        memory.aliasMmioPage(mmio, 1, PageType.MMIO2_ALIAS_MMIO, vram.hostFrame(), vram.range().pageId(vram.index()),
                PageHandlerState.DISABLED);
        assertEquals(PageType.MMIO2_ALIAS_MMIO, mmio.pageType(1));
        assertEquals(PageState.ALLOCATED, mmio.pageState(1));
        assertEquals(vram.hostFrame(), mmio.hostFrame(1));
        assertEquals(PageHandlerState.DISABLED, mmio.handlerState(1));
        assertEquals(List.of("tlb fee01000", "backing fee01000 0->" + vram.hostFrame() + " RWX MMIO2_ALIAS_MMIO"), events);
        memory.write(0xfee01010L, 4, 0xcafe);
        assertEquals(0xcafe, memory.frames().read(vram.hostFrame(), 0x10, 4), "writes land in the MMIO2 page");
        assertConsistent(memory);

        assertRejected(memory, PgmStatus.VERR_PGM_PHYS_NOT_MMIO2,
                () -> memory.aliasMmioPage(mmio, 1, PageType.MMIO2_ALIAS_MMIO, vram.hostFrame(), 0, PageHandlerState.DISABLED),
                "0xfee01000");

        events.clear();
        memory.resetAliasedPage(mmio, 1, PageHandlerState.ALL);
        assertEquals(PageType.MMIO, mmio.pageType(1));
        assertEquals(PageState.ZERO, mmio.pageState(1));
        assertEquals(HostFrameStore.ZERO_FRAME, mmio.hostFrame(1));
        assertEquals(PhysicalMemory.NIL_PAGE_ID, mmio.pageId(1));
        assertEquals(PageHandlerState.ALL, mmio.handlerState(1));
        assertEquals(List.of("tlb fee01000", "backing fee01000 " + vram.hostFrame() + "->0 --- MMIO"), events);
        assertEquals(0xcafe, memory.frames().read(vram.hostFrame(), 0x10, 4), "the MMIO2 page keeps its content");
        assertRejected(memory, PgmStatus.VERR_PGM_PHYS_NOT_MMIO2, () -> memory.resetAliasedPage(mmio, 1, PageHandlerState.ALL),
                "not aliased");
        assertConsistent(memory);
    }

    @Test
    void specialAliasToAHostPage() {
        int apicPage = memory.frames().allocate(FrameUse.DEVICE);
        memory.aliasMmioPage(mmio, 0, PageType.SPECIAL_ALIAS_MMIO, apicPage, PhysicalMemory.NIL_PAGE_ID,
                PageHandlerState.DISABLED);
        assertEquals(PageType.SPECIAL_ALIAS_MMIO, mmio.pageType(0));
        memory.write(0xfee00080L, 4, 0x10);
        assertEquals(0x10, memory.read(0xfee00080L, 4));
        assertConsistent(memory);
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER,
                () -> memory.aliasMmioPage(mmio, 2, PageType.MMIO2, apicPage, 0, PageHandlerState.DISABLED), "not an alias");
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER,
                () -> memory.aliasMmioPage(mmio, 2, PageType.MMIO2_ALIAS_MMIO, apicPage, 0, PageHandlerState.DISABLED),
                "DEVICE");
        assertRejected(memory, PgmStatus.VERR_INVALID_PARAMETER,
                () -> memory.aliasMmioPage(mmio, 2, PageType.SPECIAL_ALIAS_MMIO, 12345, 0, PageHandlerState.DISABLED),
                "FREE");
        assertRejected(memory, PgmStatus.VERR_PGM_PHYS_NOT_MMIO2,
                () -> memory.aliasMmioPage(ram, 2, PageType.SPECIAL_ALIAS_MMIO, apicPage, 0, PageHandlerState.DISABLED),
                "not an MMIO page");
    }

    @Test
    void protectionFollowsTypeStateAndHandlers() {
        memory.write(0x1000, 1, 1);
        assertEquals(RWX, memory.protection(ram, 1));
        assertEquals(RX, memory.protection(ram, 2), "zero pages are read-only");
        ram.setHandlerState(1, PageHandlerState.DISABLED);
        assertEquals(RWX, memory.protection(ram, 1), "disabled handlers do not protect");
        ram.setHandlerState(1, PageHandlerState.WRITE);
        assertEquals(RX, memory.protection(ram, 1));
        ram.setHandlerState(1, PageHandlerState.ALL);
        assertEquals(PageProtection.NONE, memory.protection(ram, 1));
        assertEquals(PageProtection.NONE, memory.protection(mmio, 0));
        RamRange rom = memory.registerRom(0x100000, 0x100fff, new byte[0], false, "ROM");
        assertEquals(RX, memory.protection(rom, 0));
        rom.setHandlerState(0, PageHandlerState.ALL);
        assertEquals(PageProtection.NONE, memory.protection(rom, 0));
        events.clear();
        memory.notifyProtectionChanged(ram, 1);
        assertEquals(List.of("prot 1000 --- RAM"), events);
        assertEquals(1, ram.engineState(1));
    }

    @Test
    void upperLayerFieldsAreIndependentOfEachOther() {
        java.util.Random random = new java.util.Random(16);
        memory.write(0x7000, 1, 1);
        int frame = ram.hostFrame(7);
        for (int round = 0; round < 2000; round++) {
            PageHandlerState handler = PageHandlerState.values()[random.nextInt(4)];
            int engine = random.nextInt(4);
            PdeType pde = PdeType.values()[random.nextInt(4)];
            int tracking = random.nextInt(0x10000);
            ram.setHandlerState(7, handler);
            ram.setEngineState(7, engine);
            ram.setPdeType(7, pde);
            ram.setTracking(7, tracking);
            assertEquals(handler, ram.handlerState(7));
            assertEquals(engine, ram.engineState(7));
            assertEquals(pde, ram.pdeType(7));
            assertEquals(tracking, ram.tracking(7));
            assertEquals(PageType.RAM, ram.pageType(7));
            assertEquals(PageState.ALLOCATED, ram.pageState(7));
            assertEquals(frame, ram.hostFrame(7));
            assertEquals(frame, ram.pageId(7));
            assertEquals(PageState.ZERO, ram.pageState(6), "neighbours are untouched");
            assertEquals(0, ram.tracking(8), "neighbours are untouched");
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ram.setEngineState(7, 4));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ram.setTracking(7, 0x10000));
    }

    @Test
    void versionsMoveOnEveryDescriptorChange() {
        long version = ram.version();
        memory.read(0, 4);
        assertEquals(version, ram.version(), "reads change nothing");
        memory.write(0, 4, 1);
        long afterWrite = ram.version();
        assertNotEquals(version, afterWrite);
        ram.setTracking(0, 1);
        assertNotEquals(afterWrite, ram.version());
    }
}
