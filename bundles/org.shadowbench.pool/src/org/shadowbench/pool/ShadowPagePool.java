package org.shadowbench.pool;

import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.RamRange;

/**
 * The shadow page pool (VirtualBox's PGMAllPool.cpp with the cache, monitoring, user tracking
 * and guest-physical tracking all on). Pool pages are real shadow tables in host frames, addressed
 * by index: 0 is NIL, 1 to 4 are the special roots, general pages start at {@link #FIRST_INDEX}.
 *
 * <p>The pool is the registry's {@link org.shadowbench.handlers.ShadowPageTables} and listens to
 * the page model: when a page's handler state or backing changes, the shadow entries mapping it are
 * updated or flushed. Guest writes to monitored page tables reach {@link #accessHandler}.
 *
 * <p>Failures throw {@link org.shadowbench.memory.PgmException}; informational outcomes are returned.
 * Not thread-safe: the emulation thread owns it.
 *
 * <p>This is the mutating surface; code that only looks takes the {@link ReadOnlyShadowPagePool} it
 * extends. Instances come from a {@link ShadowPagePoolFactory}.
 */
public interface ShadowPagePool extends ReadOnlyShadowPagePool {
    /** No page. */
    int NIL_INDEX = 0;
    /** The special 32-bit root page directory. */
    int ROOT_32BIT_PD = 1;
    /** The special PAE root: four page directories. */
    int ROOT_PAE_PD = 2;
    /** The special PAE page directory pointer table. */
    int ROOT_PDPT = 3;
    /** The special PML4. */
    int ROOT_PML4 = 4;
    /** The first general page index. */
    int FIRST_INDEX = 5;
    /** Present bit of x86 paging entries. */
    long PRESENT = 0x1;
    /** Writable bit of x86 paging entries. */
    long WRITABLE = 0x2;
    /** A root directory entry owned by the hypervisor (PGM_PDFLAGS_MAPPING): guest writes to it need a CR3 sync. */
    long MAPPING = 0x400;

    // ------------------------------------------------------------ allocation

    /**
     * Gets a shadow page for a guest structure (pgmPoolAlloc): from the cache when the same guest page
     * is cached as the same kind (its entries still valid), else a new zeroed page, growing the pool
     * or evicting the least recently used cached page (never {@code user}) when none is free.
     *
     * @param gcPhys    guest-physical address shadowed (for big pages and physical kinds: the first
     *                  address the table covers)
     * @param user      the pool page that will point at the new page
     * @param userTable the entry of {@code user} that will point at it
     * @throws org.shadowbench.memory.PgmException VERR_INVALID_PARAMETER for a bad kind or user,
     *         VERR_PGM_POOL_GET_PAGE_FAILED when nothing can be freed
     */
    Allocation alloc(long gcPhys, PoolKind kind, int user, int userTable);

    /** Drops one user of the page with the host address (pgmPoolFree); uncached pages are flushed when unused. */
    void free(long hostAddress, int user, int userTable);

    /** Drops one user of a page (pgmPoolFreeByPage). */
    void freeByPage(int page, int user, int userTable);

    /**
     * Flushes a page (pgmPoolFlushPage): clears every entry pointing at it, drops its references,
     * leaves the cache and monitoring and returns it to the free list. Roots are quietly kept.
     *
     * @return VINF_SUCCESS, or VERR_PGM_POOL_CLEARED when dropping the monitor requires the pool cleared
     */
    PgmStatus flushPage(int page);

    /** Flushes every page, special roots included, re-hashing monitored roots (pgmPoolFlushAll). Requests a CR3 sync. */
    void flushAll();

    /** Zeroes every shadow page table and forgets every guest reference, keeping pages cached (pgmPoolClearAll). */
    void clearAll();

    // ------------------------------------------------------------ shadow entries

    /**
     * Writes a directory entry (pointing at another pool page or not present). Page table entries mapping
     * guest pages go through {@link #mapGuestPage} so that they are tracked.
     */
    void setDirectoryEntry(int page, int index, long value);

    /**
     * Writes a present page-table entry mapping a guest page and records the reference in the page's
     * tracking word (the sync code's track-addref). The entry must not be present yet.
     */
    void mapGuestPage(int pageTable, int index, long entry, RamRange range, int pageIndex);

    /** Clears a present page-table entry and drops the guest page's reference to it. */
    void unmapGuestPage(int pageTable, int index);

    // ------------------------------------------------------------ monitoring

    /**
     * Monitors the guest page holding CR3 with a root (pgmPoolMonitorMonitorCR3).
     *
     * @throws org.shadowbench.memory.PgmException when no handler can be registered on that page (no RAM
     *         there, or another handler's); the root is then left unmonitored
     */
    PgmStatus monitorCr3(int root, long gcPhysCr3);

    /** Stops monitoring a root's CR3 page (pgmPoolMonitorUnmonitorCR3). */
    PgmStatus unmonitorCr3(int root);

    /**
     * The write handler of monitored pages (pgmPoolAccessHandler): called with the head of the monitor
     * chain of the written guest page. Decides from the instruction whether to clear the shadow entries the
     * write touches (and let the write happen), to execute a small REP STOSD itself, or to flush the chain.
     *
     * @param instruction the decoded write, or {@code null} for a write by a device or the debugger
     * @return VINF_SUCCESS, or VINF_PGM_SYNC_CR3 when a flush needs a CR3 sync
     */
    PgmStatus accessHandler(int head, long gcPhysFault, long pvFault, FaultingInstruction instruction);

    /**
     * Clears the shadow entries a write of {@code writeSize} bytes at the address touches, in every page
     * of the chain (pgmPoolMonitorChainChanging); root entries owned by the hypervisor request a CR3 sync.
     */
    void chainChanging(int head, long gcPhysFault, int writeSize);

    /** Flushes every page of the monitor chain holding {@code page} (pgmPoolMonitorChainFlush). */
    PgmStatus chainFlush(int page);

    /** Sets the observer of allocations, flushes, evictions and monitoring changes ({@link PoolObserver#NONE} for none). */
    void setObserver(PoolObserver observer);

    /** Empties the modified list, zeroing modification counts (pgmPoolMonitorModifiedClearAll). */
    void modifiedClearAll();

    // ------------------------------------------------------------ guest-physical tracking

    /**
     * Updates or flushes every shadow entry mapping a guest page (pgmPoolTrackUpdateGCPhys): flushed when
     * asked or when the page is now intercepted for all accesses, made read-only when only writes are.
     *
     * @return a combination of {@link org.shadowbench.handlers.ShadowPageTables#FLUSH_TLBS} and
     *         {@link org.shadowbench.handlers.ShadowPageTables#SYNC_CR3}
     */
    int updateGuestPageEntries(RamRange range, int pageIndex, boolean flush);

    // ------------------------------------------------------------ state

    /** The CPU performed the requested sync. */
    void acknowledgeSync();
}
