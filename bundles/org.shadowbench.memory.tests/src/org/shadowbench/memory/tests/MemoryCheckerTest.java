package org.shadowbench.memory.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shadowbench.memory.tests.Assertions2.assertConsistent;

import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.shadowbench.memory.FrameUse;
import org.shadowbench.memory.HostFrameStore;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.internal.RamRangeImpl;

/** The checker must find each kind of corruption; a checker that always passes is useless. */
class MemoryCheckerTest {

    private static void assertDetects(String expectedFragment, Consumer<PhysicalMemory> corruption) {
        PhysicalMemory memory = Factories.MEMORY.create();
        memory.registerRam(0, 0xfffff, "RAM");
        memory.registerMmio(0x100000, 0x103fff, "MMIO");
        memory.write(0x1000, 4, 1);
        memory.write(0x2000, 4, 2);
        assertConsistent(memory);
        corruption.accept(memory);
        List<String> problems = memory.check();
        assertTrue(problems.stream().anyMatch(p -> p.contains(expectedFragment)),
                "expected a problem mentioning '" + expectedFragment + "', got " + problems);
    }

    private static RamRangeImpl ram(PhysicalMemory memory) {
        return (RamRangeImpl) memory.rangeAt(0);
    }

    @Test
    void leakedFrame() {
        assertDetects("pages own it", memory -> memory.frames().allocate(FrameUse.GUEST));
    }

    @Test
    void frameFreedUnderAPage() {
        assertDetects("is used as FREE", memory -> memory.frames().release(ram(memory).hostFrame(1)));
    }

    @Test
    void extraReference() {
        assertDetects("has 2 references but 1 pages own it", memory -> memory.frames().retain(ram(memory).hostFrame(2)));
    }

    @Test
    void zeroStateWithAFrame() {
        assertDetects("frame and state disagree",
                memory -> ram(memory).setState(1, PageState.ZERO));
    }

    @Test
    void allocatedStateOnTheZeroFrame() {
        assertDetects("frame and state disagree",
                memory -> ram(memory).setBacking(5, PageType.RAM, PageState.ALLOCATED, HostFrameStore.ZERO_FRAME, 0));
    }

    @Test
    void twoPagesOnOneFrameWithoutSharing() {
        assertDetects("1 references but 2 pages own it", memory -> {
            RamRangeImpl ram = ram(memory);
            ram.setBacking(3, PageType.RAM, PageState.ALLOCATED, ram.hostFrame(1), ram.hostFrame(1));
        });
    }

    @Test
    void wrongTypeForTheRange() {
        assertDetects("type MMIO in a RAM range",
                memory -> ram(memory).setBacking(9, PageType.MMIO, PageState.ZERO, HostFrameStore.ZERO_FRAME, 0));
    }

    @Test
    void mmioPageWithAState() {
        assertDetects("MMIO page in state", memory -> {
            RamRangeImpl mmio = (RamRangeImpl) memory.rangeAt(0x100000);
            int frame = memory.frames().allocate(FrameUse.GUEST);
            mmio.setBacking(0, PageType.MMIO, PageState.ALLOCATED, frame, frame);
        });
    }

    @Test
    void pageIdOnTheZeroFrame() {
        assertDetects("has a page id",
                memory -> ram(memory).setBacking(9, PageType.RAM, PageState.ZERO, HostFrameStore.ZERO_FRAME, 77));
    }

    @Test
    void aliasToAGuestFrameOfTheWrongKind() {
        assertDetects("alias points at frame", memory -> {
            RamRangeImpl mmio = (RamRangeImpl) memory.rangeAt(0x100000);
            int frame = ram(memory).hostFrame(1);
            mmio.setBacking(1, PageType.MMIO2_ALIAS_MMIO, PageState.ALLOCATED, frame, frame);
        });
    }

    @Test
    void consistentModelsPass() {
        PhysicalMemory memory = Factories.MEMORY.create();
        RamRange ram = memory.registerRam(0, 0xfffff, "RAM");
        memory.write(0, 8, 1);
        memory.write(0x1000, 8, 1);
        memory.share(ram, 1, ram, 0);
        memory.balloon(ram, 3);
        assertConsistent(memory);
    }
}
