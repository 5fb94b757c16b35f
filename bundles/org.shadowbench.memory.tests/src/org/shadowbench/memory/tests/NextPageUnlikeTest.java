package org.shadowbench.memory.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.memory.PageDescriptor;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;

/**
 * {@link RamRange#nextPageUnlike}, the page model's own and the interface's default (what another
 * implementation inherits), against a page-by-page search, across chunk boundaries.
 */
class NextPageUnlikeTest {
    /** Two whole chunks and part of a third. */
    private static final int PAGES = 2 * RamRange.CHUNK_PAGES + 100;
    private static final int[] MARKED = {0, 5, RamRange.CHUNK_PAGES - 1, RamRange.CHUNK_PAGES, 2 * RamRange.CHUNK_PAGES + 3, PAGES - 1};

    private RamRange ram;
    private RamRange viaDefault;

    @BeforeEach
    void setUp() {
        PhysicalMemory memory = Factories.MEMORY.create();
        ram = memory.registerRam(0, (long) PAGES * PhysicalMemory.PAGE_SIZE - 1, "RAM");
        RamRange range = ram;
        viaDefault = (RamRange) Proxy.newProxyInstance(RamRange.class.getClassLoader(), new Class<?>[] {RamRange.class},
                (proxy, method, args) -> method.getName().equals("nextPageUnlike")
                        ? InvocationHandler.invokeDefault(proxy, method, args)
                        : method.invoke(range, args));
    }

    private void assertAgreesWithSearch(long mask, long word1, IntPredicate unlike) {
        int[] starts = {0, 1, 5, 6, RamRange.CHUNK_PAGES - 1, RamRange.CHUNK_PAGES, RamRange.CHUNK_PAGES + 1,
                2 * RamRange.CHUNK_PAGES, PAGES - 1, PAGES};
        for (int from : starts) {
            int expected = from;
            while (expected < PAGES && !unlike.test(expected)) {
                expected++;
            }
            assertEquals(expected, ram.nextPageUnlike(from, mask, word1), "page model, from " + from);
            assertEquals(expected, viaDefault.nextPageUnlike(from, mask, word1), "default, from " + from);
        }
    }

    @Test
    void findsTrackedPagesAcrossChunks() {
        for (int index : MARKED) {
            ram.setTracking(index, 0x1234);
        }
        assertAgreesWithSearch(PageDescriptor.TRACKING_MASK, 0, index -> ram.tracking(index) != 0);
    }

    @Test
    void comparesOnlyTheMaskedBits() {
        ram.setTracking(7, 0x55);
        ram.setHandlerState(RamRange.CHUNK_PAGES + 9, PageHandlerState.WRITE);
        // Tracking is outside the mask: only the page with a handler differs.
        long none = (long) PageHandlerState.NONE.code() << PageDescriptor.HANDLER_SHIFT;
        assertAgreesWithSearch(PageDescriptor.HANDLER_MASK, none, index -> ram.handlerState(index) != PageHandlerState.NONE);
        assertEquals(RamRange.CHUNK_PAGES + 9, ram.nextPageUnlike(0, PageDescriptor.HANDLER_MASK, none));
    }

    @Test
    void aRangeWithNothingUnlikeEndsAtItsPageCount() {
        assertEquals(PAGES, ram.nextPageUnlike(0, PageDescriptor.TRACKING_MASK, 0));
        assertEquals(PAGES, viaDefault.nextPageUnlike(0, PageDescriptor.TRACKING_MASK, 0));
    }
}
