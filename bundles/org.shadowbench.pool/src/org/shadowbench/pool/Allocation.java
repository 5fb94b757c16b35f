package org.shadowbench.pool;

import org.shadowbench.memory.PgmStatus;

/**
 * The result of {@link ShadowPagePool#alloc}: the page and how it was obtained.
 *
 * @param page   the pool page index
 * @param status VINF_SUCCESS for a new, zeroed page; VINF_PGM_CACHED_PAGE for a cached page whose
 *               entries are still valid; VERR_PGM_POOL_FLUSHED for a new page obtained while the pool
 *               had to be cleared: a CR3 sync with a pool clear is pending. Whatever the status, the
 *               page carries the user record for the requested entry, so the caller links it there
 *               (and frees it from there) like any other
 */
public record Allocation(int page, PgmStatus status) {
    /** Whether the page came from the cache with its entries. */
    public boolean cached() {
        return status == PgmStatus.VINF_PGM_CACHED_PAGE;
    }
}
