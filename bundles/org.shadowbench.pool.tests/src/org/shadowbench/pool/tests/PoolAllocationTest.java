package org.shadowbench.pool.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.memory.HostFrameStore;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.pool.Allocation;
import org.shadowbench.pool.PoolConfiguration;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.PoolObserver;
import org.shadowbench.pool.PoolPageInfo;
import org.shadowbench.pool.ShadowPagePool;

/** Allocation, the cache with its kind-mismatch rules, growth, the age list and eviction. */
class PoolAllocationTest {
    private static final int PD = ShadowPagePool.ROOT_32BIT_PD;
    private final PoolFixture f = new PoolFixture();

    @Test
    void configurationFollowsVirtualBoxSizing() {
        PoolConfiguration fourGiB = PoolConfiguration.forGuestRam(4L << 30);
        assertEquals(2304, fourGiB.maxPages());
        assertEquals(4608, fourGiB.maxUsers());
        assertEquals(4608, fourGiB.maxPhysExts());
        assertEquals(512, PoolConfiguration.forGuestRam(512L << 20).maxPages());
        assertEquals(768, PoolConfiguration.forGuestRam(1L << 30).maxPages());
        assertEquals(PoolConfiguration.MAX_PAGES, PoolConfiguration.forGuestRam(64L << 30).maxPages());
        assertEquals(8192, PoolConfiguration.forGuestRam(16L << 30).maxPhysExts());
        assertThrows(IllegalArgumentException.class, () -> new PoolConfiguration(5, 10, 16, 1, 48, true));
        assertThrows(IllegalArgumentException.class, () -> new PoolConfiguration(0x4000, 0x8000, 16, 1, 48, true));
        assertThrows(IllegalArgumentException.class, () -> new PoolConfiguration(64, 10, 16, 1, 48, true));
        assertThrows(IllegalArgumentException.class, () -> new PoolConfiguration(64, 128, 8, 1, 48, true));
        assertThrows(IllegalArgumentException.class, () -> new PoolConfiguration(64, 128, 16, 0, 48, true));
    }

    @Test
    void rootsExistFromTheStart() {
        assertEquals(ShadowPagePool.FIRST_INDEX, f.pool.currentPages());
        assertEquals(PoolKind.ROOT_32BIT_PD, f.pool.page(PD).kind());
        assertEquals(PoolKind.ROOT_PAE_PD, f.pool.page(ShadowPagePool.ROOT_PAE_PD).kind());
        assertEquals(2048, f.pool.entryCount(ShadowPagePool.ROOT_PAE_PD));
        assertEquals(1024, f.pool.entryCount(PD));
        assertEquals(ShadowPagePool.ROOT_PAE_PD,
                f.pool.pageByHostAddress(HostFrameStore.hostAddress(f.pool.page(ShadowPagePool.ROOT_PAE_PD).hostFrame())));
        f.assertConsistent();
    }

    @Test
    void directoryEntriesOfEitherRootClearTheZeroedFlag() {
        // The PAE root spans four frames and is written through its own path: it must lose the flag too.
        for (int root : new int[] { PD, ShadowPagePool.ROOT_PAE_PD }) {
            int table = f.shadow(0x10000 + root * 0x1000L, root == PD ? PoolKind.PT32_FOR_PT32 : PoolKind.PAE_PT_FOR_PAE_PT,
                    root, 1000);
            assertEquals(false, f.pool.page(root).zeroed(), "root " + root);
            assertEquals(true, f.pool.page(table).zeroed());
        }
        f.assertConsistent();
    }

    @Test
    void newPageIsZeroedCachedMonitoredAndAtTheAgeHead() {
        Allocation allocation = f.pool.alloc(0x10000, PoolKind.PT32_FOR_PT32, PD, 3);
        assertEquals(PgmStatus.VINF_SUCCESS, allocation.status());
        int page = allocation.page();
        assertTrue(page >= ShadowPagePool.FIRST_INDEX);
        PoolPageInfo info = f.pool.page(page);
        assertEquals(PoolKind.PT32_FOR_PT32, info.kind());
        assertEquals(0x10000, info.gcPhys());
        assertTrue(info.cached());
        assertTrue(info.monitored());
        assertTrue(info.zeroed());
        assertEquals(1, info.users().size());
        assertEquals(PD, info.users().get(0)[0]);
        assertEquals(3, info.users().get(0)[1]);
        assertEquals(List.of(page), f.pool.ageList());
        PhysicalHandler handler = f.registry.handlerAt(0x10000);
        assertEquals(0x10fff, handler.last());
        assertEquals(page, handler.userArgument(), "the chain head is the handler's argument");
        assertEquals(1, f.pool.usedPages());
        assertEquals(1, f.pool.statistics().growths());
        assertEquals(8, f.pool.currentPages() - ShadowPagePool.FIRST_INDEX, "grown by one step");
        f.assertConsistent();
    }

    @Test
    void sameGuestPageAndKindIsACacheHitThatGainsAUser() {
        int first = f.shadow(0x10000, PoolKind.PT32_FOR_PT32, PD, 3);
        int other = f.shadow(0x20000, PoolKind.PT32_FOR_PT32, PD, 4);
        assertEquals(List.of(other, first), f.pool.ageList());
        Allocation again = f.pool.alloc(0x10000, PoolKind.PT32_FOR_PT32, PD, 5);
        assertEquals(PgmStatus.VINF_PGM_CACHED_PAGE, again.status());
        assertTrue(again.cached());
        assertEquals(first, again.page());
        assertEquals(2, f.pool.page(first).users().size());
        assertEquals(List.of(first, other), f.pool.ageList(), "a use moves the page to the head");
        assertEquals(1, f.pool.statistics().cacheHits());
        f.assertFails(PgmStatus.VERR_INVALID_PARAMETER, () -> f.pool.alloc(0x10000, PoolKind.PT32_FOR_PT32, PD, 5),
                "already has user");
    }

    @Test
    void kindMismatchFlushesReusedPagesAndKeepsRemappings() {
        int pt = f.shadow(0x10000, PoolKind.PT32_FOR_PT32, PD, 3);
        Allocation big = f.pool.alloc(0x10000, PoolKind.PT32_FOR_BIG32, PD, 4);
        assertNotEquals(pt, big.page(), "a 4 MiB shadow of the same address is a normal remapping");
        assertEquals(PoolKind.PT32_FOR_PT32, f.pool.page(pt).kind());
        assertEquals(0, f.pool.statistics().cacheKindMismatches());
        // The newest page of the hash chain, the 4 MiB one, is checked first; one flush ends the search.
        Allocation pae = f.pool.alloc(0x10000, PoolKind.PAE_PT_FOR_PAE_PT, PD, 5);
        assertEquals(1, f.pool.statistics().cacheKindMismatches(), "32-bit to PAE means the page was reused");
        assertEquals(big.page(), pae.page(), "the flushed page is the first free one");
        assertEquals(PoolKind.PT32_FOR_PT32, f.pool.page(pt).kind(), "only one mismatch is flushed per allocation");
        f.pool.freeByPage(pae.page(), PD, 5);
        f.pool.flushPage(pae.page());
        Allocation third = f.pool.alloc(0x10000, PoolKind.PAE_PT_FOR_PAE_PT, PD, 6);
        assertEquals(2, f.pool.statistics().cacheKindMismatches());
        assertEquals(pt, third.page(), "the 32-bit table was flushed and its page handed out again");
        assertEquals(PgmStatus.VINF_SUCCESS, third.status());
        assertEquals(0, f.pool.entry(PD, 3), "the flushed page's user entry is cleared");
        f.assertConsistent();
    }

    @Test
    void reuseTableMatchesTheReference() {
        PoolKind[] thirtyTwo = { PoolKind.PAE_PT_FOR_BIG32, PoolKind.PT32_FOR_BIG32, PoolKind.PT32_FOR_PT32,
            PoolKind.PAE_PT_FOR_PT32, PoolKind.PAE_PD_FOR_PD32 };
        PoolKind[] pae = { PoolKind.PAE_PD_FOR_PAE_PD, PoolKind.PAE_PT_FOR_PAE_PT, PoolKind.PDPT64_FOR_PDPT64,
            PoolKind.PAE_PT_FOR_PAE_BIG };
        PoolKind[] phys = { PoolKind.PT32_FOR_PHYS, PoolKind.PAE_PT_FOR_PHYS };
        for (PoolKind cached : phys) {
            for (PoolKind requested : PoolKind.values()) {
                assertTrue(reused(cached, requested), cached + " is never reused");
            }
        }
        for (PoolKind cached : thirtyTwo) {
            for (PoolKind requested : thirtyTwo) {
                assertFalse(reused(cached, requested), cached + " vs " + requested);
            }
            for (PoolKind requested : pae) {
                assertTrue(reused(cached, requested), cached + " vs " + requested);
            }
            for (PoolKind requested : phys) {
                assertTrue(reused(cached, requested), cached + " vs " + requested);
            }
        }
        for (PoolKind cached : pae) {
            for (PoolKind requested : pae) {
                assertFalse(reused(cached, requested), cached + " vs " + requested);
            }
            for (PoolKind requested : thirtyTwo) {
                assertTrue(reused(cached, requested), cached + " vs " + requested);
            }
        }
        for (PoolKind root : new PoolKind[] { PoolKind.ROOT_32BIT_PD, PoolKind.ROOT_PAE_PD, PoolKind.ROOT_PDPT,
            PoolKind.ROOT_PML4 }) {
            assertFalse(reused(root, PoolKind.PT32_FOR_PT32), "roots are never flushed for reuse");
        }
    }

    private static boolean reused(PoolKind cached, PoolKind requested) {
        return org.shadowbench.pool.internal.ShadowPagePoolAccess.reusedByKind(cached, requested);
    }

    @Test
    void badAllocationsAreRejected() {
        f.assertFails(PgmStatus.VERR_INVALID_PARAMETER, () -> f.pool.alloc(0x1000, PoolKind.ROOT_32BIT_PD, PD, 0), "kind");
        f.assertFails(PgmStatus.VERR_INVALID_PARAMETER, () -> f.pool.alloc(0x1000, PoolKind.FREE, PD, 0), "kind");
        f.assertFails(PgmStatus.VERR_INVALID_PARAMETER, () -> f.pool.alloc(0x1000, PoolKind.PT32_FOR_PT32, 40, 0), "user page 40");
        f.assertFails(PgmStatus.VERR_INVALID_PARAMETER, () -> f.pool.alloc(0x1000, PoolKind.PT32_FOR_PT32, PD, 1024), "entry 1024");
        f.assertFails(PgmStatus.VERR_INVALID_PARAMETER, () -> f.pool.alloc(-1, PoolKind.PT32_FOR_PT32, PD, 0), "address");
        int pt = f.shadow(0x10000, PoolKind.PT32_FOR_PT32, PD, 1);
        f.assertFails(PgmStatus.VERR_INVALID_PARAMETER, () -> f.pool.alloc(0x20000, PoolKind.PT32_FOR_PT32, pt, 0),
                "not an allocated page directory");
        assertEquals(1, f.pool.usedPages());
    }

    @Test
    void exhaustionEvictsTheLeastRecentlyUsedButNeverTheUser() {
        PoolFixture small = new PoolFixture(new PoolConfiguration(ShadowPagePool.FIRST_INDEX + 4, 64, 16, 2, 48, true));
        int pd = small.shadow(0x1000, PoolKind.PAE_PD_FOR_PAE_PD, ShadowPagePool.ROOT_PDPT, 0);
        int a = small.shadow(0x2000, PoolKind.PAE_PT_FOR_PAE_PT, pd, 0);
        int b = small.shadow(0x3000, PoolKind.PAE_PT_FOR_PAE_PT, pd, 1);
        int c = small.shadow(0x4000, PoolKind.PAE_PT_FOR_PAE_PT, pd, 2);
        assertEquals(4, small.pool.usedPages());
        assertEquals(List.of(c, b, a, pd), small.pool.ageList());
        assertEquals(0, small.pool.freePages());
        // pd is the tail, but it is the user of the new page: the next oldest, a, goes.
        int d = small.shadow(0x5000, PoolKind.PAE_PT_FOR_PAE_PT, pd, 3);
        assertEquals(a, d, "a's page is reused");
        assertEquals(0, small.pool.entry(pd, 0), "the evicted page's user entry is cleared");
        assertEquals(1, small.pool.statistics().cacheEvictions());
        assertEquals(List.of(d, c, b, pd), small.pool.ageList());
        assertTrue(small.hooks.tlbFlushes > 0);
        small.assertConsistent();
        // With only the user left in the age list nothing can be evicted.
        PoolFixture tiny = new PoolFixture(new PoolConfiguration(ShadowPagePool.FIRST_INDEX + 1, 64, 16, 1, 48, true));
        int only = tiny.shadow(0x1000, PoolKind.PAE_PD_FOR_PAE_PD, ShadowPagePool.ROOT_PDPT, 0);
        tiny.assertFails(PgmStatus.VERR_PGM_POOL_GET_PAGE_FAILED,
                () -> tiny.pool.alloc(0x2000, PoolKind.PAE_PT_FOR_PAE_PT, only, 0), "exhausted");
    }

    @Test
    void theObserverHearsAllocationsCacheHitsMonitoringEvictionsAndFlushes() {
        PoolFixture small = new PoolFixture(new PoolConfiguration(ShadowPagePool.FIRST_INDEX + 2, 64, 16, 2, 48, true));
        List<String> heard = new java.util.ArrayList<>();
        small.pool.setObserver(new PoolObserver() {
            @Override
            public void allocated(int page, PoolKind kind, long gcPhys, boolean cached) {
                heard.add((cached ? "hit " : "alloc ") + page + " " + kind + " " + Long.toHexString(gcPhys));
            }

            @Override
            public void flushed(int page, PoolKind kind, long gcPhys) {
                heard.add("flush " + page + " " + kind + " " + Long.toHexString(gcPhys));
            }

            @Override
            public void evicting(int page) {
                heard.add("evict " + page);
            }

            @Override
            public void monitorChanged(int page, long gcPhys, boolean monitored) {
                heard.add((monitored ? "monitor " : "unmonitor ") + page + " " + Long.toHexString(gcPhys));
            }
        });
        int pd = small.shadow(0x1000, PoolKind.PAE_PD_FOR_PAE_PD, ShadowPagePool.ROOT_PDPT, 0);
        int a = small.shadow(0x2000, PoolKind.PAE_PT_FOR_PAE_PT, pd, 0);
        assertEquals(List.of("monitor " + pd + " 1000", "alloc " + pd + " PAE_PD_FOR_PAE_PD 1000", "monitor " + a + " 2000",
                "alloc " + a + " PAE_PT_FOR_PAE_PT 2000"), heard);
        heard.clear();
        assertEquals(a, small.shadow(0x2000, PoolKind.PAE_PT_FOR_PAE_PT, pd, 5), "the cache answers");
        assertEquals(List.of("hit " + a + " PAE_PT_FOR_PAE_PT 2000"), heard);
        heard.clear();
        int b = small.shadow(0x3000, PoolKind.PAE_PT_FOR_PAE_PT, pd, 1);
        assertEquals(a, b, "the pool is full: a is evicted and its page reused");
        assertEquals(List.of("evict " + a, "flush " + a + " PAE_PT_FOR_PAE_PT 2000", "unmonitor " + a + " 2000",
                "monitor " + b + " 3000", "alloc " + b + " PAE_PT_FOR_PAE_PT 3000"), heard);
        heard.clear();
        small.pool.setObserver(PoolObserver.NONE);
        small.pool.flushPage(b);
        assertEquals(List.of(), heard, "a removed observer hears nothing");
        assertThrows(NullPointerException.class, () -> small.pool.setObserver(null));
        small.assertConsistent();
    }

    @Test
    void growthStopsAtTheMaximum() {
        PoolFixture small = new PoolFixture(new PoolConfiguration(ShadowPagePool.FIRST_INDEX + 5, 64, 16, 2, 48, true));
        for (int i = 0; i < 5; i++) {
            small.shadow(0x10000 + 0x1000L * i, PoolKind.PT32_FOR_PT32, PD, i);
        }
        assertEquals(ShadowPagePool.FIRST_INDEX + 5, small.pool.currentPages());
        assertEquals(3, small.pool.statistics().growths(), "2 + 2 + 1 pages");
        small.shadow(0x20000, PoolKind.PT32_FOR_PT32, PD, 9);
        assertEquals(1, small.pool.statistics().cacheEvictions());
        small.assertConsistent();
    }

    @Test
    void freeDropsUsersAndFlushAgesPagesOut() {
        int pt = f.shadow(0x10000, PoolKind.PT32_FOR_PT32, PD, 3);
        f.pool.alloc(0x10000, PoolKind.PT32_FOR_PT32, PD, 4);
        long host = HostFrameStore.hostAddress(f.pool.page(pt).hostFrame());
        assertEquals(pt, f.pool.pageByHostAddress(host));
        f.pool.free(host, PD, 4);
        assertEquals(1, f.pool.page(pt).users().size());
        f.pool.setDirectoryEntry(PD, 3, 0);
        f.pool.freeByPage(pt, PD, 3);
        assertEquals(PoolKind.PT32_FOR_PT32, f.pool.page(pt).kind(), "cached pages stay when their last user goes");
        assertEquals(0, f.pool.page(pt).users().size());
        f.assertFails(PgmStatus.VERR_INVALID_PARAMETER, () -> f.pool.freeByPage(pt, PD, 3), "no user");
        f.assertFails(PgmStatus.VERR_INVALID_PARAMETER, () -> f.pool.pageByHostAddress(host + 8), "host address");
        f.assertFails(PgmStatus.VERR_INVALID_PARAMETER, () -> f.pool.freeByPage(PD, PD, 0), "not an allocated page");
        assertEquals(PgmStatus.VINF_SUCCESS, f.pool.flushPage(pt));
        assertEquals(PoolKind.FREE, f.pool.page(pt).kind());
        assertNull(f.registry.handlerAt(0x10000), "flushing the only monitored page removes the handler");
        assertEquals(PgmStatus.VINF_SUCCESS, f.pool.flushPage(PD), "roots are quietly kept");
        assertEquals(PoolKind.ROOT_32BIT_PD, f.pool.page(PD).kind());
        f.assertFails(PgmStatus.VERR_INVALID_PARAMETER, () -> f.pool.flushPage(pt), "is free");
        f.assertConsistent();
    }

    @Test
    void uncachedPoolFlushesOnLastFree() {
        PoolFixture uncached = new PoolFixture(new PoolConfiguration(64, 128, 64, 8, 48, false));
        int pt = uncached.shadow(0x10000, PoolKind.PT32_FOR_PT32, PD, 3);
        Allocation second = uncached.pool.alloc(0x10000, PoolKind.PT32_FOR_PT32, PD, 4);
        assertNotEquals(pt, second.page(), "without the cache every allocation is new");
        assertEquals(2, uncached.pool.monitorChain(pt).size(), "both shadow the guest page: one monitor chain");
        uncached.assertConsistent();
    }

    @Test
    void userRecordsRunningOutEvictPages() {
        PoolFixture few = new PoolFixture(new PoolConfiguration(16, 16, 16, 16, 48, true));
        int pd = few.shadow(0x1000, PoolKind.PAE_PD_FOR_PAE_PD, ShadowPagePool.ROOT_PDPT, 0);
        int shared = few.shadow(0x2000, PoolKind.PAE_PT_FOR_PAE_PT, pd, 0);
        for (int i = 1; i < 14; i++) {
            few.pool.alloc(0x2000, PoolKind.PAE_PT_FOR_PAE_PT, pd, i);
        }
        assertEquals(14, few.pool.page(shared).users().size());
        int other = few.shadow(0x3000, PoolKind.PAE_PT_FOR_PAE_PT, pd, 20);
        assertEquals(0, few.pool.statistics().freeOneUser());
        few.pool.alloc(0x3000, PoolKind.PAE_PT_FOR_PAE_PT, pd, 21);
        assertEquals(1, few.pool.statistics().freeOneUser(), "the 17th record needs an eviction");
        assertTrue(few.pool.statistics().cacheEvictions() > 0);
        few.assertConsistent();
        assertEquals(PoolKind.PAE_PT_FOR_PAE_PT, few.pool.page(other).kind(), "the page gaining a user is not evicted");
    }

    @Test
    void badPageIndexesAreRejected() {
        PgmException error = assertThrows(PgmException.class, () -> f.pool.page(0));
        assertEquals(PgmStatus.VERR_INVALID_PARAMETER, error.status());
        assertThrows(PgmException.class, () -> f.pool.entry(PD, 1024));
        assertThrows(PgmException.class, () -> f.pool.setDirectoryEntry(PD, -1, 0));
        assertThrows(PgmException.class, () -> f.pool.monitorCr3(ShadowPagePool.ROOT_PDPT, 0x1000));
    }
}
