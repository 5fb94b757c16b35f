package org.shadowbench.machine;

import java.util.List;

import org.shadowbench.pool.PoolPageInfo;

/**
 * The shadow page pool at one moment.
 *
 * @param pages          every page that is not free, roots included, in index order
 * @param ageList        cached pages from most to least recently used
 * @param monitorChains  the chains of pages monitoring the same guest page, each from its head
 * @param modifiedList   pages written since they last left the modified list
 * @param freePages      pages on the free list
 * @param currentPages   pages that exist (the pool grows up to its maximum)
 * @param maxPages       the configured maximum
 */
public record PoolSnapshot(List<PoolPageInfo> pages, List<Integer> ageList, List<List<Integer>> monitorChains,
        List<Integer> modifiedList, int freePages, int currentPages, int maxPages) {
    public PoolSnapshot {
        pages = List.copyOf(pages);
        ageList = List.copyOf(ageList);
        monitorChains = List.copyOf(monitorChains);
        modifiedList = List.copyOf(modifiedList);
    }
}
