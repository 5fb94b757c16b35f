package org.shadowbench.pool;

/**
 * The pool's counters (VirtualBox's STAM counters of the pool).
 *
 * @param allocations        calls of alloc
 * @param cacheHits          allocations answered from the cache
 * @param cacheMisses        allocations the cache could not answer
 * @param cacheKindMismatches cached pages flushed because the same guest page is now used as another kind
 * @param cacheEvictions     pages evicted from the age list tail to make room (pgmPoolCacheFreeOne)
 * @param cacheUncacheable   pages allocated that could not be cached
 * @param frees              pages flushed because their last user let go of an uncached page, or evicted
 * @param flushes            pages flushed
 * @param flushAlls          whole-pool flushes
 * @param clearAlls          whole-pool clears
 * @param growths            pool growths
 * @param monitorHandled     monitored writes emulated (entries cleared, page kept)
 * @param monitorFlushed     monitored writes that flushed the chain (limit, reuse, fork, REP)
 * @param monitorFork        writes judged to be a fork (BTR on the low dword)
 * @param monitorReused      writes judged to be a reused page (PUSH, PUSHF, PUSHA, FXSAVE, ESP destination)
 * @param monitorRepStosd    REP STOSD memsets handled by the pool
 * @param monitorRepPrefix   other REP writes, flushed
 * @param trackAliased       guest pages that went from one reference to an extent list
 * @param trackAliasedMany   references added to extent lists
 * @param trackAliasedLots   references to already overflowed pages
 * @param trackOverflows     extent lists that overflowed (chain too long or out of extents)
 * @param trackSlowScans     slow scans of every shadow table for a page's mappings
 * @param trackSlowScanGiveUps slow scans given up (too many present entries): GCPHYS_ALIASED
 * @param trackLinearSearches dereferences whose guest hint was wrong, found by a linear search
 * @param freeOneUser        times user records ran out and pages were evicted for them
 * @param usedPagesHigh      the most pages in use at once
 * @param modifiedPagesHigh  the longest modified list
 */
public record PoolStatistics(long allocations, long cacheHits, long cacheMisses, long cacheKindMismatches,
        long cacheEvictions, long cacheUncacheable, long frees, long flushes, long flushAlls, long clearAlls,
        long growths, long monitorHandled, long monitorFlushed, long monitorFork, long monitorReused,
        long monitorRepStosd, long monitorRepPrefix, long trackAliased, long trackAliasedMany, long trackAliasedLots,
        long trackOverflows, long trackSlowScans, long trackSlowScanGiveUps, long trackLinearSearches,
        long freeOneUser, int usedPagesHigh, int modifiedPagesHigh) {
}
