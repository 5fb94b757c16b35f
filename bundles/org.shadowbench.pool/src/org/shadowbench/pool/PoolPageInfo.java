package org.shadowbench.pool;

import java.util.List;

/**
 * A copy of one pool page's bookkeeping, for tests, dumps and views.
 *
 * @param index         the page index
 * @param kind          what it shadows
 * @param gcPhys        the guest-physical address shadowed, or -1
 * @param hostFrame     the host frame holding the shadow table (the first of four for the PAE root)
 * @param monitored     a write handler watches the guest page
 * @param cached        it is in the guest-physical hash
 * @param zeroed        its table is known to be all zeros
 * @param cr3Mix        it shares its guest page with the monitored CR3 root
 * @param reusedFlushPending a flush was requested because the guest reused the page
 * @param seenNonGlobal the shadow table has held non-global entries
 * @param presentEntries present entries (page tables only)
 * @param firstPresent  lowest index that may be present, or 0xffff
 * @param modifications writes seen since the page last left the modified list
 * @param users         (user page, entry index) pairs referencing the page, newest first
 */
public record PoolPageInfo(int index, PoolKind kind, long gcPhys, int hostFrame, boolean monitored, boolean cached,
        boolean zeroed, boolean cr3Mix, boolean reusedFlushPending, boolean seenNonGlobal, int presentEntries,
        int firstPresent, int modifications, List<int[]> users) {
}
