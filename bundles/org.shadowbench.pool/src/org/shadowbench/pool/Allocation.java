package org.shadowbench.pool;

import org.shadowbench.memory.PgmStatus;

/**
 * The result of {@link ShadowPagePool#alloc}: the page and how it was obtained.
 *
 * @param page   the pool page index
 * @param status VINF_SUCCESS for a new, zeroed page; VINF_PGM_CACHED_PAGE for a cached page whose
 *               entries are still valid; VERR_PGM_POOL_FLUSHED for a new page obtained while the pool
 *               had to be cleared: the page is valid, but a CR3 sync is pending and the caller should
 *               stop syncing
 */
public record Allocation(int page, PgmStatus status) {
    /** Whether the page came from the cache with its entries. */
    public boolean cached() {
        return status == PgmStatus.VINF_PGM_CACHED_PAGE;
    }
}
