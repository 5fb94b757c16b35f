package org.shadowbench.pool.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;

import org.junit.jupiter.api.Test;
import org.shadowbench.memory.PgmStatus;
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
        try {
            Field field = pool.getClass().getDeclaredField("clearPool");
            field.setAccessible(true);
            field.setBoolean(pool, true);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void monitoringANewPageWhileAClearIsPendingFlushes() {
        PoolFixture f = new PoolFixture();
        requestClear(f.pool);
        Allocation allocation = f.pool.alloc(0x100000, PoolKind.PT32_FOR_PT32, PD, 0);
        assertEquals(PgmStatus.VERR_PGM_POOL_FLUSHED, allocation.status());
        assertTrue(allocation.page() >= ShadowPagePool.FIRST_INDEX, "the page is still handed out");
        assertEquals(0, f.pool.page(allocation.page()).users().size(), "without a user, as in the reference");
        assertTrue(f.pool.page(allocation.page()).monitored());
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
