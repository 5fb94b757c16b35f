package org.shadowbench.pool.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.tests.Internals;
import org.shadowbench.pool.Allocation;
import org.shadowbench.pool.PoolConfiguration;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.ShadowPagePool;

/**
 * While a pool clear is pending (a slow scan gave up), registering or deregistering a monitor reports
 * VERR_PGM_POOL_CLEARED inside the pool, and allocations return their page with VERR_PGM_POOL_FLUSHED.
 */
class PendingClearTest {
    private static final int PD = ShadowPagePool.ROOT_32BIT_PD;

    private static void requestClear(ShadowPagePool pool) {
        Internals.setField(pool, "clearPool", true);
    }

    @Test
    void monitoringANewPageWhileAClearIsPendingFlushes() {
        PoolFixture f = new PoolFixture();
        requestClear(f.pool);
        Allocation allocation = f.pool.alloc(0x100000, PoolKind.PT32_FOR_PT32, PD, 0);
        assertEquals(PgmStatus.VERR_PGM_POOL_FLUSHED, allocation.status());
        assertTrue(allocation.page() >= ShadowPagePool.FIRST_INDEX, "the page is still handed out");
        assertEquals(1, f.pool.page(allocation.page()).users().size(),
                "with its user (the reference drops it; see the next test for why Shadowbench keeps it)");
        assertTrue(f.pool.page(allocation.page()).monitored());
        f.assertConsistent();
    }

    /**
     * What the CPU does on a CR3 sync (CpuCore.syncCr3 with Mmu.resetShadowRoots): clear the pool if
     * asked, then drop every present entry of the root and free the table it pointed at.
     */
    static void cr3Resync(ShadowPagePool pool) {
        if (pool.clearRequested()) {
            pool.clearAll();
        }
        for (int i = 0; i < pool.entryCount(PD); i++) {
            long entry = pool.entry(PD, i);
            if ((entry & PoolFixture.P) != 0) {
                pool.setDirectoryEntry(PD, i, 0);
                pool.free(entry & 0x000f_ffff_ffff_f000L, PD, i);
            }
        }
        pool.acknowledgeSync();
    }

    /**
     * Issue 11, xv6 usertests' sbrk test: a page mapped by so many shadow tables that its tracking
     * overflowed (xv6 maps all physical memory into every process's kernel half) becomes a page table.
     * Monitoring it makes the registry's slow scan give up (more than 1024 present entries) and request
     * a pool clear, so the allocation returns VERR_PGM_POOL_FLUSHED; the CPU links the table into the
     * root all the same. The reference dropped the page's user record in that case, so the CR3 sync that
     * followed failed to free the root entry: "page N has no user 1 entry E".
     */
    @Test
    void aPageTableLinkedWhileItsMonitorAskedForAClearIsFreedByTheCr3Sync() {
        PoolFixture f = new PoolFixture();
        long data = f.touch(0x300000);
        for (int i = 0; i < 46; i++) {
            long table = 0x100000 + 0x1000L * i;
            f.guestPte32(table, 0, data | PoolFixture.P | PoolFixture.RW);
            f.map(f.shadow(table, PoolKind.PT32_FOR_PT32, PD, i), 0, data, true);
        }
        int big = f.shadow(0, PoolKind.PT32_FOR_BIG32, PD, 100);
        for (int page = 0; page < 1024; page++) {
            f.map(big, page, (long) page << 12, false);
        }
        assertTrue(org.shadowbench.memory.PageTracking.isOverflowed(f.tracking(data)));
        // The guest now uses the data page as a page table.
        f.guestPte32(data, 0, 0x5000 | PoolFixture.P);
        Allocation allocation = f.pool.alloc(data, PoolKind.PT32_FOR_PT32, PD, 200);
        assertEquals(PgmStatus.VERR_PGM_POOL_FLUSHED, allocation.status(), "the slow scan gave up");
        assertTrue(f.pool.clearRequested());
        f.pool.setDirectoryEntry(PD, 200,
                org.shadowbench.memory.HostFrameStore.hostAddress(f.pool.page(allocation.page()).hostFrame()) | PoolFixture.P);
        f.assertConsistent();
        cr3Resync(f.pool);
        assertEquals(0, f.pool.page(allocation.page()).users().size(), "the sync dropped the root's entry");
        assertTrue(f.pool.page(allocation.page()).monitored(), "still cached and monitored");
        f.assertConsistent();
    }

    @Test
    void evictingAMonitoredPageWhileAClearIsPendingFlushes() {
        PoolFixture f = new PoolFixture(new PoolConfiguration(ShadowPagePool.FIRST_INDEX + 1, 64, 16, 1, 48, true));
        int only = f.shadow(0x100000, PoolKind.PT32_FOR_PT32, PD, 0);
        requestClear(f.pool);
        Allocation allocation = f.pool.alloc(0x200000, PoolKind.PT32_FOR_BIG32, PD, 1);
        assertEquals(PgmStatus.VERR_PGM_POOL_FLUSHED, allocation.status());
        assertEquals(only, allocation.page(), "the evicted page is reused");
        assertEquals(PoolKind.PT32_FOR_BIG32, f.pool.page(only).kind());
        f.assertConsistent();
    }

    @Test
    void chainFlushOfAMonitoredPageWhileAClearIsPendingAsksForACr3Sync() {
        PoolFixture f = new PoolFixture();
        int page = f.shadow(0x100000, PoolKind.PT32_FOR_PT32, PD, 0);
        requestClear(f.pool);
        assertEquals(PgmStatus.VERR_PGM_POOL_CLEARED, f.pool.flushPage(page), "deregistering the monitor");
        int again = f.shadow(0x100000, PoolKind.PT32_FOR_PT32, PD, 0);
        assertEquals(PgmStatus.VINF_PGM_SYNC_CR3, f.pool.chainFlush(again));
        f.assertConsistent();
    }
}
