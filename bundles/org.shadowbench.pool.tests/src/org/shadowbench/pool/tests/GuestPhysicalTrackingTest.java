package org.shadowbench.pool.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.handlers.ShadowPageTables;
import org.shadowbench.memory.PageTracking;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.pool.PoolConfiguration;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.ShadowPagePool;

/**
 * The tracking word of guest pages: one reference, extent lists (three per extent, chains of at most
 * fifteen), overflow; dereferencing; and updating or flushing the shadow entries of a page when its
 * handler state or backing changes.
 */
class GuestPhysicalTrackingTest {
    private static final int PD = ShadowPagePool.ROOT_32BIT_PD;
    private static final long DATA = 0x300000;
    private final PoolFixture f = new PoolFixture();

    /** A 4 MiB shadow table for guest-physical 0..4 MiB: entry i maps guest page i exactly. */
    private int bigTable(int rootEntry) {
        return f.shadow(0, PoolKind.PT32_FOR_BIG32, PD, rootEntry);
    }

    /**
     * A guest page table of its own (at 1 MiB + i pages) whose first entry maps {@code guest}, shadowed and
     * synced: many of them give a guest page many distinct shadow tables referencing it.
     */
    private int guestTable(PoolFixture fixture, int i, long guest) {
        long table = 0x100000 + 0x1000L * i;
        fixture.guestPte32(table, 0, guest | PoolFixture.P | PoolFixture.RW);
        int page = fixture.shadow(table, PoolKind.PT32_FOR_PT32, PD, i);
        fixture.map(page, 0, guest, true);
        return page;
    }

    @Test
    void oneReferenceThenAnExtentList() {
        f.touch(DATA);
        int a = bigTable(0);
        f.map(a, (int) (DATA >>> 12), DATA, true);
        assertEquals(PageTracking.make(1, a), f.tracking(DATA));
        int b = f.shadow(0x200000, PoolKind.PAE_PT_FOR_BIG32, PD, 1);
        f.map(b, 0x100, DATA, true);
        int tracking = f.tracking(DATA);
        assertTrue(PageTracking.isPhysExt(tracking));
        assertEquals(1, f.pool.statistics().trackAliased());
        f.assertConsistent();
        f.pool.unmapGuestPage(a, (int) (DATA >>> 12));
        assertTrue(PageTracking.isPhysExt(f.tracking(DATA)), "the list stays a list with one entry left");
        f.pool.unmapGuestPage(b, 0x100);
        assertEquals(0, f.tracking(DATA), "a lonely emptied extent is freed");
        f.assertConsistent();
    }

    @Test
    void extentsChainAndOverflowAfterFifteen() {
        f.touch(DATA);
        int[] tables = new int[46];
        for (int i = 0; i < 45; i++) {
            tables[i] = guestTable(f, i, DATA);
        }
        assertTrue(!PageTracking.isOverflowed(f.tracking(DATA)), "45 references fill 15 extents");
        assertEquals(1, f.pool.statistics().trackAliased());
        f.assertConsistent();
        tables[45] = guestTable(f, 45, DATA);
        assertTrue(PageTracking.isOverflowed(f.tracking(DATA)), "the 16th extent overflows");
        assertEquals(1, f.pool.statistics().trackOverflows());
        f.pool.unmapGuestPage(tables[45], 0);
        assertTrue(PageTracking.isOverflowed(f.tracking(DATA)), "an overflowed word stays overflowed");
        f.assertConsistent();
    }

    @Test
    void extentListsShrinkFromTheHeadTheMiddleAndTheEnd() {
        f.touch(DATA);
        int[] tables = new int[9];
        for (int i = 0; i < tables.length; i++) {
            tables[i] = guestTable(f, i, DATA);
        }
        // Unmapping in an order that empties a middle extent, then the head, then the rest.
        for (int i : new int[] { 3, 4, 5, 8, 7, 6, 0, 1 }) {
            f.pool.unmapGuestPage(tables[i], 0);
            f.assertConsistent();
        }
        assertTrue(PageTracking.isPhysExt(f.tracking(DATA)));
        f.pool.unmapGuestPage(tables[2], 0);
        assertEquals(0, f.tracking(DATA));
        f.assertConsistent();
    }

    @Test
    void runningOutOfExtentsOverflows() {
        PoolFixture few = new PoolFixture(new PoolConfiguration(64, 128, 16, 8, 48, true));
        // Sixteen guest pages referenced from two tables each use all sixteen extents.
        int a = few.shadow(0, PoolKind.PT32_FOR_BIG32, PD, 0);
        int b = few.shadow(0, PoolKind.PAE_PT_FOR_BIG32, PD, 1);
        for (int page = 0; page < 17; page++) {
            long guest = few.touch(0x1000L * page);
            few.map(a, page, guest, false);
            few.map(b, page, guest, false);
        }
        assertTrue(PageTracking.isOverflowed(few.tracking(0x10000)), "no extent left for the seventeenth page");
        assertEquals(1, few.pool.statistics().trackOverflows());
        int c = few.shadow(0, PoolKind.PT32_FOR_PHYS, PD, 2);
        few.map(c, 16, 0x10000, false);
        assertEquals(1, few.pool.statistics().trackAliasedLots());
        few.assertConsistent();
    }

    @Test
    void registeringAWriteHandlerWriteProtectsTheMappingsAndAllRemovesThem() {
        f.touch(DATA);
        int a = bigTable(0);
        f.map(a, 0x300, DATA, true);
        int tlbs = f.hooks.tlbFlushes;
        HandlerType write = f.registry.registerType(HandlerKind.WRITE, "w", (x, u) -> AccessOutcome.DEFAULT);
        HandlerType all = f.registry.registerType(HandlerKind.ALL, "a", (x, u) -> AccessOutcome.DEFAULT);
        f.registry.register(DATA, DATA + 0xfff, write, null, null);
        long entry = f.pool.entry(a, 0x300);
        assertEquals(PoolFixture.P, entry & (PoolFixture.P | PoolFixture.RW), "still mapped, read-only");
        assertTrue(f.hooks.tlbFlushes > tlbs);
        f.assertConsistent();
        f.registry.deregister(DATA);
        f.registry.register(DATA, DATA + 0xfff, all, null, null);
        assertEquals(0, f.pool.entry(a, 0x300), "all accesses intercepted: unmapped");
        assertEquals(0, f.tracking(DATA));
        f.assertConsistent();
    }

    @Test
    void aWriteHandlerWriteProtectsEveryEntryOfEveryTableMappingThePage() {
        f.touch(DATA);
        // One guest table maps the page twice, away from the index a direct map would use; a 4 MiB table
        // maps it at that index. The tracking lists the first table twice and the second once.
        long table = 0x100000;
        f.guestPte32(table, 5, DATA | PoolFixture.P | PoolFixture.RW);
        f.guestPte32(table, 9, DATA | PoolFixture.P | PoolFixture.RW);
        int twice = f.shadow(table, PoolKind.PT32_FOR_PT32, PD, 0);
        f.map(twice, 5, DATA, true);
        f.map(twice, 9, DATA, true);
        int direct = bigTable(1);
        f.map(direct, (int) (DATA >>> 12), DATA, true);
        HandlerType write = f.registry.registerType(HandlerKind.WRITE, "w", (x, u) -> AccessOutcome.DEFAULT);
        f.registry.register(DATA, DATA + 0xfff, write, null, null);
        for (long entry : new long[] { f.pool.entry(twice, 5), f.pool.entry(twice, 9), f.pool.entry(direct, (int) (DATA >>> 12)) }) {
            assertEquals(PoolFixture.P, entry & (PoolFixture.P | PoolFixture.RW), "mapped read-only: " + Long.toHexString(entry));
        }
        f.assertConsistent();
    }

    @Test
    void backingChangesFlushStaleEntries() {
        int a = bigTable(0);
        f.map(a, 0x300, DATA, false);
        assertEquals(PageTracking.make(1, a), f.tracking(DATA), "a zero page mapped read-only");
        f.memory.write(DATA, 4, 1);
        assertEquals(0, f.pool.entry(a, 0x300), "the entry pointed at the zero frame: flushed");
        assertEquals(0, f.tracking(DATA));
        f.assertConsistent();
    }

    @Test
    void zeroPagesSharingTheZeroFrameAreTrackedApart() {
        int a = bigTable(0);
        f.map(a, 0x300, DATA, false);
        f.map(a, 0x301, DATA + 0x1000, false);
        f.memory.write(DATA + 0x1000, 4, 1);
        assertEquals(PageTracking.make(1, a), f.tracking(DATA), "the other zero page keeps its mapping");
        assertTrue((f.pool.entry(a, 0x300) & PoolFixture.P) != 0);
        f.assertConsistent();
    }

    @Test
    void slowScanHandlesOverflowedPagesAndGivesUpWhenTooMuchIsPresent() {
        f.touch(DATA);
        int[] tables = new int[46];
        for (int i = 0; i < tables.length; i++) {
            tables[i] = guestTable(f, i, DATA);
        }
        assertTrue(PageTracking.isOverflowed(f.tracking(DATA)));
        int result = f.pool.updateGuestPageEntries(f.ram, f.ram.pageIndex(DATA), true);
        assertEquals(ShadowPageTables.FLUSH_TLBS, result);
        assertEquals(0, f.tracking(DATA));
        assertEquals(0, f.pool.presentEntries());
        assertEquals(1, f.pool.statistics().trackSlowScans());
        f.assertConsistent();
        // More than 1024 present entries, and the page overflowed again: the scan gives up.
        int big = bigTable(100);
        for (int page = 0; page < 1024; page++) {
            f.map(big, page, (long) page << 12, false);
        }
        for (int table : tables) {
            f.map(table, 0, DATA, true);
        }
        result = f.pool.updateGuestPageEntries(f.ram, f.ram.pageIndex(DATA), true);
        assertEquals(ShadowPageTables.FLUSH_TLBS | ShadowPageTables.SYNC_CR3, result);
        assertTrue(f.pool.cr3SyncRequested() && f.pool.clearRequested());
        assertEquals(1, f.pool.statistics().trackSlowScanGiveUps());
        assertEquals(1, f.hooks.clearRequests);
        f.pool.acknowledgeSync();
        assertTrue(!f.pool.cr3SyncRequested());
    }

    @Test
    void flushingAPaeTableForATwoMegabytePageDropsTheReferencesItsIndexesImply() {
        // A shadow table for a 2 MiB guest page has no guest table to read: entry i stands for base + i pages.
        long base = 0x200000;
        int table = f.shadow(base, PoolKind.PAE_PT_FOR_PAE_BIG, ShadowPagePool.ROOT_PAE_PD, 1);
        for (int i : new int[] { 0, 5, 511 }) {
            f.touch(base + ((long) i << 12));
            f.map(table, i, base + ((long) i << 12), true);
        }
        // Entry 5's page is referenced by a 32-bit big-page table too, so its tracking holds a list.
        int other = bigTable(0);
        f.map(other, 0x205, base + 0x5000, true);
        assertTrue(PageTracking.isPhysExt(f.tracking(base + 0x5000)));
        f.assertConsistent();
        f.pool.flushPage(table);
        assertEquals(0, f.tracking(base), "entry 0");
        assertEquals(0, f.tracking(base + 0x1ff000), "entry 511");
        // The list keeps the other table's reference (an extent list never turns back into one reference).
        assertTrue(PageTracking.isPhysExt(f.tracking(base + 0x5000)));
        f.assertConsistent();
        f.pool.flushPage(other);
        assertEquals(0, f.tracking(base + 0x5000), "the last reference gone, the list is freed");
        f.assertConsistent();
    }

    @Test
    void slowScanRunsAtExactlyTheLimitOfPresentEntries() {
        assertEquals(ShadowPageTables.FLUSH_TLBS, slowScanWithPresentEntries(1024));
        assertEquals(1, f.pool.statistics().trackSlowScans());
        assertEquals(0, f.pool.statistics().trackSlowScanGiveUps());
        assertEquals(0, f.tracking(DATA), "every reference to the page found and dropped");
        f.assertConsistent();
    }

    @Test
    void slowScanGivesUpOneAboveTheLimit() {
        assertEquals(ShadowPageTables.FLUSH_TLBS | ShadowPageTables.SYNC_CR3, slowScanWithPresentEntries(1025));
        assertEquals(1, f.pool.statistics().trackSlowScanGiveUps());
        assertTrue(f.pool.clearRequested());
    }

    /**
     * Overflows DATA's tracking (46 tables reference it), fills the pool up to {@code present} entries
     * with a big-page table that does not map DATA, and asks the pool to update DATA's entries.
     */
    private int slowScanWithPresentEntries(int present) {
        f.touch(DATA);
        for (int i = 0; i < 46; i++) {
            guestTable(f, i, DATA);
        }
        assertTrue(PageTracking.isOverflowed(f.tracking(DATA)));
        int big = bigTable(100);
        for (int page = 0; f.pool.presentEntries() < present; page++) {
            if ((long) page << 12 != DATA) {
                f.map(big, page, (long) page << 12, false);
            }
        }
        assertEquals(present, f.pool.presentEntries());
        return f.pool.updateGuestPageEntries(f.ram, f.ram.pageIndex(DATA), true);
    }

    @Test
    void aliasedPagesMakeHandlerRegistrationReportGcPhysAliased() {
        f.touch(DATA);
        for (int i = 0; i < 46; i++) {
            guestTable(f, i, DATA);
        }
        // Mapped after the guest tables were written, so that no entry is flushed by a first write.
        int big = bigTable(100);
        for (int page = 0; page < 1024; page++) {
            f.map(big, page, (long) page << 12, false);
        }
        HandlerType write = f.registry.registerType(HandlerKind.WRITE, "w", (x, u) -> AccessOutcome.DEFAULT);
        assertEquals(PgmStatus.VINF_PGM_GCPHYS_ALIASED, f.registry.register(DATA, DATA + 0xfff, write, null, null));
    }

    @Test
    void mappingRulesAreEnforced() {
        int table = bigTable(0);
        f.touch(DATA);
        f.assertFails(PgmStatus.VERR_INVALID_PARAMETER,
                () -> f.pool.mapGuestPage(table, 5, 0x1234000L | PoolFixture.P, f.ram, f.ram.pageIndex(DATA)), "frame");
        f.assertFails(PgmStatus.VERR_INVALID_PARAMETER, () -> f.map(table, 5, DATA, true), "maps guest page 0x5000");
        f.map(table, 0x300, DATA, true);
        f.assertFails(PgmStatus.VERR_INVALID_PARAMETER, () -> f.map(table, 0x300, DATA, true), "present already");
        f.assertFails(PgmStatus.VERR_INVALID_PARAMETER, () -> f.pool.unmapGuestPage(table, 6), "not a present");
        f.assertFails(PgmStatus.VERR_INVALID_PARAMETER, () -> f.map(PD, 5, DATA, true), "not a page table entry");
        f.assertFails(PgmStatus.VERR_INVALID_PARAMETER, () -> f.pool.setDirectoryEntry(table, 0, 0), "set directory entry");
    }
}
