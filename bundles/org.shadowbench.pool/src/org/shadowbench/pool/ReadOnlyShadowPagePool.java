package org.shadowbench.pool;

import java.io.IOException;
import java.util.List;

/**
 * The read-only surface of the shadow page pool: its pages, their shadow entries and bookkeeping,
 * the lists (age, monitor chains, modified), the pending sync requests, the counters, the dumps and
 * the consistency check. Views and the debugger take this type where they only look;
 * {@link ShadowPagePool} extends it with allocation, flushing and monitoring.
 *
 * <p>Read-only describes this surface, not the object behind it: the pool keeps changing on the
 * emulation thread. Page indexes and entry constants are those of {@link ShadowPagePool}.
 * Not thread-safe: call it on the emulation thread.
 */
public interface ReadOnlyShadowPagePool {
    /** The configuration. */
    PoolConfiguration configuration();

    // ------------------------------------------------------------ look-up

    /**
     * The page whose table lives at the host address (pgmPoolGetPageByHCPhys).
     *
     * @throws org.shadowbench.memory.PgmException VERR_INVALID_PARAMETER when no page does
     */
    int pageByHostAddress(long hostAddress);

    // ------------------------------------------------------------ shadow entries

    /** Entries of a page's table. */
    int entryCount(int page);

    /** Reads a shadow entry. */
    long entry(int page, int index);

    // ------------------------------------------------------------ state

    /** A copy of one page's bookkeeping. */
    PoolPageInfo page(int index);

    /** The host frame holding a page's table: {@link #page(int)}{@code .hostFrame()} without building the record. */
    int hostFrame(int index);

    /** What a page shadows: {@link #page(int)}{@code .kind()} without building the record. */
    PoolKind kind(int index);

    /** The guest-physical address a page shadows: {@link #page(int)}{@code .gcPhys()} without building the record. */
    long guestAddress(int index);

    /** Pages that exist now (including NIL and the roots); grows up to the configured maximum. */
    int currentPages();

    /** General pages in use. */
    int usedPages();

    /** Pages on the free list. */
    int freePages();

    /** Present entries over all page tables. */
    int presentEntries();

    /** The age list, most recently used first. */
    List<Integer> ageList();

    /** The monitor chain holding the page, head first. */
    List<Integer> monitorChain(int page);

    /** The modified list, most recent first. */
    List<Integer> modifiedList();

    /** Whether a CR3 sync has been requested since the last {@link ShadowPagePool#acknowledgeSync()}. */
    boolean cr3SyncRequested();

    /** Whether a pool clearing has been requested along with the CR3 sync. */
    boolean clearRequested();

    /** A copy of the counters. */
    PoolStatistics statistics();

    /** The pages table, in the spirit of VirtualBox's {@code info pgmpoolpages}. */
    void dumpPages(Appendable out) throws IOException;

    /** The special roots, in the spirit of {@code info pgmpoolroots}. */
    void dumpRoots(Appendable out) throws IOException;

    /** Every invariant of the pool against its own structures, the shadow tables and the page model. */
    List<String> check();
}
