package org.shadowbench.handlers;

import org.shadowbench.memory.RamRange;

/**
 * What the registry needs from shadow paging when a page's handler state changes (implemented by
 * the shadow page pool): the shadow page-table entries mapping the page must be updated to the new
 * protection, or flushed, and TLBs invalidated.
 */
public interface ShadowPageTables {
    /** Result flag: shadow entries were changed; every TLB must be flushed. */
    int FLUSH_TLBS = 1;
    /** Result flag: not every entry could be updated; a CR3 sync (and pool clearing) was requested. */
    int SYNC_CR3 = 2;

    /** Shadow paging that maps nothing (before a pool exists). */
    ShadowPageTables NONE = new ShadowPageTables() {
        @Override
        public int updatePageEntries(long gcPhysPage, RamRange range, int index, boolean flushEntries) {
            return 0;
        }

        @Override
        public void flushAllTlbs() {
        }
    };

    /**
     * Updates or flushes every shadow entry mapping the page (pgmPoolTrackUpdateGCPhys).
     *
     * @param flushEntries flush the entries instead of updating them in place
     * @return a combination of {@link #FLUSH_TLBS} and {@link #SYNC_CR3}
     */
    int updatePageEntries(long gcPhysPage, RamRange range, int index, boolean flushEntries);

    /** Invalidates every TLB of every virtual CPU. */
    void flushAllTlbs();
}
