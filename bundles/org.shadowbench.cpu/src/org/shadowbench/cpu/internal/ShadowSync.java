package org.shadowbench.cpu.internal;

import static org.shadowbench.cpu.internal.GuestWalk.G;
import static org.shadowbench.cpu.internal.GuestWalk.NX;
import static org.shadowbench.cpu.internal.GuestWalk.P;
import static org.shadowbench.cpu.internal.GuestWalk.RW;
import static org.shadowbench.cpu.internal.GuestWalk.US;

import org.shadowbench.cpu.CpuTracer;
import org.shadowbench.memory.HostFrameStore;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.RamRange;
import org.shadowbench.pool.Allocation;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.ShadowPagePool;

/**
 * The shadow tables' side of shadow paging (PGM's SyncPage, InvalidatePage and the root handling of
 * SyncCR3): creates and upgrades shadow entries from a guest walk, allocating shadow page tables
 * through the pool, and lets them go when the guest invalidates a page or switches address space.
 * The TLB in front of these tables is {@link Mmu}'s; deciding when to sync is {@link TrapHandler}'s.
 */
final class ShadowSync {
    private final CpuCore cpu;
    private final ShadowPagePool pool;
    private final GuestWalk walk;

    CpuTracer tracer;
    long syncs;

    /**
     * Per root, a bit for every directory entry this class made present since the root was last released,
     * so that a CR3 load visits those instead of all 1024 (32-bit) and 2048 (PAE) entries of both roots:
     * a guest switching address spaces uses a handful. The pool may have cleared some since (evicting a
     * table clears the entry pointing at it); those are skipped, as before, by their present bit.
     */
    private final long[] used32 = new long[1024 / 64];
    private final long[] usedPae = new long[2048 / 64];

    ShadowSync(CpuCore cpu, ShadowPagePool pool, GuestWalk walk) {
        this.cpu = cpu;
        this.pool = pool;
        this.walk = walk;
    }

    /** The shadow root for the guest's paging mode. */
    int root() {
        return cpu.paePaging() ? ShadowPagePool.ROOT_PAE_PD : ShadowPagePool.ROOT_32BIT_PD;
    }

    /**
     * Whether the pool refused a shadow table because it cannot watch the guest table: the table lies
     * outside RAM, or on a page a device's handler already owns. Such a table is accessed uncached;
     * every other pool error is a bug and must surface.
     */
    static boolean cannotMonitor(PgmException e) {
        return e.status() == PgmStatus.VERR_PGM_HANDLER_PHYSICAL_NO_RAM_RANGE
                || e.status() == PgmStatus.VERR_PGM_HANDLER_PHYSICAL_CONFLICT;
    }

    /**
     * Creates or upgrades the shadow entry for the linear page from the walk just done: allocates the
     * shadow page table when the shadow directory entry is missing, then maps the guest page with the
     * rights the guest grants, write-protected until the guest's dirty bit is set or while a handler
     * watches writes.
     *
     * @return false when the pool cannot shadow the guest table (see {@link #cannotMonitor})
     */
    boolean sync(int linear, RamRange range, int index, boolean write) {
        syncs++;
        boolean pae = cpu.paePaging();
        int root = root();
        int directoryIndex = pae ? linear >>> 21 : linear >>> 22;
        long pde = pool.entry(root, directoryIndex);
        int table;
        if ((pde & P) == 0) {
            try {
                table = allocateTable(root, directoryIndex, pae);
            } catch (PgmException e) {
                if (cannotMonitor(e)) {
                    return false;
                }
                throw e;
            }
        } else {
            table = pool.pageByHostAddress(pde & Mmu.PAE_FRAME);
            long wanted = directoryFlags();
            if ((pde & (RW | US)) != (wanted & (RW | US))) {
                pool.setDirectoryEntry(root, directoryIndex, (pde & ~(RW | US)) | (wanted & (RW | US)));
            }
        }
        int entry = pae ? (linear >>> 12) & 511 : (linear >>> 12) & 1023;
        if ((pool.entry(table, entry) & P) != 0) {
            pool.unmapGuestPage(table, entry);
        }
        boolean pageWritable = range.pageState(index) == PageState.ALLOCATED && range.pageType(index).isWritable()
                && !range.hasActiveHandlers(index);
        long value = HostFrameStore.hostAddress(range.hostFrame(index)) | P;
        if (walk.user) {
            value |= US;
        }
        if (walk.writable && walk.dirty && pageWritable) {
            value |= RW;
        }
        if (walk.global && cpu.pagingEnabled()) {
            value |= G;
        }
        if (pae && !walk.executable) {
            value |= NX;
        }
        pool.mapGuestPage(table, entry, value, range, index);
        if (tracer != null) {
            tracer.shadowSync(linear, walk.physical, write);
        }
        return true;
    }

    /** The shadow directory entry's rights: the guest directory entry's (all of them without paging). */
    private long directoryFlags() {
        return P | (walk.pde & (RW | US));
    }

    private int allocateTable(int root, int directoryIndex, boolean pae) {
        PoolKind kind;
        if (!cpu.pagingEnabled()) {
            kind = PoolKind.PT32_FOR_PHYS;
        } else if (pae) {
            kind = walk.big ? PoolKind.PAE_PT_FOR_PAE_BIG : PoolKind.PAE_PT_FOR_PAE_PT;
        } else {
            kind = walk.big ? PoolKind.PT32_FOR_BIG32 : PoolKind.PT32_FOR_PT32;
        }
        Allocation allocation = pool.alloc(walk.tableOrBigPage, kind, root, directoryIndex);
        int table = allocation.page();
        long hostAddress = HostFrameStore.hostAddress(pool.hostFrame(table));
        pool.setDirectoryEntry(root, directoryIndex, hostAddress | directoryFlags());
        long[] used = root == ShadowPagePool.ROOT_PAE_PD ? usedPae : used32;
        used[directoryIndex >>> 6] |= 1L << directoryIndex;
        return table;
    }

    /**
     * Drops every shadow directory entry of both roots, letting go of the tables (which stay cached in
     * the pool): done when CR3 or the paging mode changes. The next accesses sync again.
     */
    void resetRoots() {
        releaseRoot(ShadowPagePool.ROOT_32BIT_PD);
        releaseRoot(ShadowPagePool.ROOT_PAE_PD);
        // A CR3 sync starts the modification counts afresh, as PGMSyncCR3 does when it does not clear the
        // pool: a long-lived table is then flushed for a burst of writes, not for the writes of its lifetime.
        pool.modifiedClearAll();
    }

    private void releaseRoot(int root) {
        long[] used = root == ShadowPagePool.ROOT_PAE_PD ? usedPae : used32;
        for (int word = 0; word < used.length; word++) {
            long bits = used[word];
            used[word] = 0;
            while (bits != 0) {
                int i = word * 64 + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                long entry = pool.entry(root, i);
                if ((entry & P) != 0) {
                    pool.setDirectoryEntry(root, i, 0);
                    pool.free(entry & Mmu.PAE_FRAME, root, i);
                }
            }
        }
    }

    /**
     * Appends a present directory entry of a root that the CR3 load's release would miss (its bit in the
     * used set is clear): such a table would outlive the address space it was made for.
     */
    void check(java.util.List<String> problems) {
        checkRoot(ShadowPagePool.ROOT_32BIT_PD, used32, problems);
        checkRoot(ShadowPagePool.ROOT_PAE_PD, usedPae, problems);
    }

    private void checkRoot(int root, long[] used, java.util.List<String> problems) {
        int count = pool.entryCount(root);
        for (int i = 0; i < count; i++) {
            if ((pool.entry(root, i) & P) != 0 && (used[i >>> 6] & (1L << i)) == 0) {
                problems.add(String.format("shadow root %d entry %d is present but not listed for release", root, i));
            }
        }
    }

    /**
     * INVLPG's shadow part: drops the shadow entry for one linear page, synced again from the guest on
     * next use. When the guest's directory entry no longer describes the shadow table under it (another
     * table, a big page now, other rights, or not present), the whole shadow table is let go, as PGM's
     * InvalidatePage does.
     */
    void invalidate(int linear) {
        boolean pae = cpu.paePaging();
        int root = root();
        int directoryIndex = pae ? linear >>> 21 : linear >>> 22;
        long pde = pool.entry(root, directoryIndex);
        if ((pde & P) == 0) {
            return;
        }
        int table = pool.pageByHostAddress(pde & Mmu.PAE_FRAME);
        if (cpu.pagingEnabled() && !guestDirectoryMatches(linear, table, pde)) {
            pool.setDirectoryEntry(root, directoryIndex, 0);
            pool.free(pde & Mmu.PAE_FRAME, root, directoryIndex);
            return;
        }
        int index = pae ? (linear >>> 12) & 511 : (linear >>> 12) & 1023;
        if ((pool.entry(table, index) & P) != 0) {
            pool.unmapGuestPage(table, index);
        }
    }

    private boolean guestDirectoryMatches(int linear, int table, long shadowPde) {
        long guestPde = walk.directoryEntry(linear);
        if ((guestPde & P) == 0 || (guestPde & (RW | US)) != (shadowPde & (RW | US))) {
            return false;
        }
        boolean big = walk.isBigPage(guestPde);
        long target = big ? walk.bigPageBase(guestPde) : guestPde & (walk.pae ? Mmu.PAE_FRAME : 0xffff_f000L);
        return pool.kind(table).isBigPage() == big && pool.guestAddress(table) == target;
    }
}
