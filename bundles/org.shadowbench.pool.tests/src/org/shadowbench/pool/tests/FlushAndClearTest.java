package org.shadowbench.pool.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.ShadowPagePool;

/** Flush all (special roots included, monitored roots re-hashed) and clear all; dumps. */
class FlushAndClearTest {
    private static final int PD = ShadowPagePool.ROOT_32BIT_PD;
    private final PoolFixture f = new PoolFixture();

    private int populate() {
        f.touch(0x200000);
        f.guestPte32(0x100000, 0, 0x200000 | 3);
        int pt = f.shadow(0x100000, PoolKind.PT32_FOR_PT32, PD, 1);
        f.map(pt, 0, 0x200000, true);
        f.pool.setDirectoryEntry(PD, 9, ShadowPagePool.MAPPING | PoolFixture.P | 0x42000);
        f.pool.monitorCr3(PD, 0x50000);
        return pt;
    }

    @Test
    void flushAllFreesEverythingButKeepsHypervisorMappingsAndTheCr3Monitor() {
        int pt = populate();
        f.pool.flushAll();
        assertEquals(0, f.pool.usedPages());
        assertEquals(f.pool.currentPages() - ShadowPagePool.FIRST_INDEX, f.pool.freePages());
        assertEquals(PoolKind.FREE, f.pool.page(pt).kind());
        assertEquals(0, f.pool.entry(PD, 1), "guest directory entries are cleared");
        assertEquals(ShadowPagePool.MAPPING | PoolFixture.P | 0x42000, f.pool.entry(PD, 9), "hypervisor ones stay");
        assertEquals(0, f.tracking(0x200000));
        assertEquals(List.of(), f.pool.ageList());
        assertNull(f.registry.handlerAt(0x100000));
        assertEquals(PD, f.registry.handlerAt(0x50000).userArgument(), "the monitored root keeps its handler");
        assertTrue(f.pool.page(PD).monitored());
        assertTrue(f.pool.cr3SyncRequested());
        assertEquals(1, f.pool.statistics().flushAlls());
        f.assertConsistent();
        int again = f.shadow(0x100000, PoolKind.PT32_FOR_PT32, PD, 1);
        assertTrue(f.pool.page(again).zeroed());
        f.assertConsistent();
    }

    @Test
    void clearAllZeroesPageTablesButKeepsPagesCached() {
        int pt = populate();
        f.registry.write(0x100000 + 8, 4, 0, org.shadowbench.handlers.AccessOrigin.DEVICE);
        assertEquals(1, f.pool.modifiedList().size());
        f.pool.clearAll();
        assertEquals(PoolKind.PT32_FOR_PT32, f.pool.page(pt).kind());
        assertEquals(0, f.pool.entry(pt, 0));
        assertEquals(0, f.pool.page(pt).presentEntries());
        assertEquals(0, f.tracking(0x200000));
        assertEquals(0, f.pool.presentEntries());
        assertEquals(List.of(), f.pool.modifiedList());
        assertTrue((f.pool.entry(PD, 1) & PoolFixture.P) != 0, "directories still point at their tables");
        assertEquals(1, f.pool.statistics().clearAlls());
        f.assertConsistent();
    }

    /**
     * The PDPT root may be the user of PAE directories here (the reference's is not a user of anything):
     * flush all frees those directories, so it must drop the PDPT's entries too, or they point at free
     * pages and the next free of such an entry finds a page that is not allocated.
     */
    @Test
    void flushAllDropsThePdptEntriesOfTheDirectoriesItFreed() {
        int directory = f.shadow(0x100000, PoolKind.PAE_PD_FOR_PAE_PD, ShadowPagePool.ROOT_PDPT, 1);
        f.pool.flushAll();
        assertEquals(PoolKind.FREE, f.pool.page(directory).kind());
        assertEquals(0, f.pool.entry(ShadowPagePool.ROOT_PDPT, 1) & PoolFixture.P);
        f.assertConsistent();
    }

    @Test
    void flushAllOfAnEmptyPoolDoesNothing() {
        f.pool.flushAll();
        assertEquals(ShadowPagePool.FIRST_INDEX, f.pool.currentPages());
        f.assertConsistent();
    }

    @Test
    void dumpsListPagesAndRoots() throws Exception {
        int pt = populate();
        StringBuilder pages = new StringBuilder();
        f.pool.dumpPages(pages);
        String text = pages.toString();
        assertTrue(text.contains("1 used"), text);
        assertTrue(text.contains(String.format("%5d %-18s %016x", pt, PoolKind.PT32_FOR_PT32, 0x100000L)), text);
        assertTrue(text.contains("MC--"), "monitored and cached: " + text);
        StringBuilder roots = new StringBuilder();
        f.pool.dumpRoots(roots);
        assertTrue(roots.toString().contains("ROOT_32BIT_PD  0000000000050000"), roots.toString());
        assertTrue(roots.toString().contains("[1]"), roots.toString());
    }
}
