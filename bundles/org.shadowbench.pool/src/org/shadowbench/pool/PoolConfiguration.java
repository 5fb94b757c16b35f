package org.shadowbench.pool;

/**
 * Sizes and policies of a {@link ShadowPagePool}.
 *
 * @param maxPages          pool pages including the NIL index and the special roots (at most 0x4000)
 * @param maxUsers          user records (who references each page)
 * @param maxPhysExts       physical cross-reference extents
 * @param growStep          pages added each time the pool grows
 * @param modificationLimit writes to one monitored page before the pool stops emulating them and
 *                          flushes it (the reference's 48)
 * @param cacheEnabled      whether freed pages stay cached by guest-physical address
 */
public record PoolConfiguration(int maxPages, int maxUsers, int maxPhysExts, int growStep, int modificationLimit,
        boolean cacheEnabled) {

    /** The largest pool: indexes are 14 bits. */
    public static final int MAX_PAGES = 0x3fff;
    /** Pages added per growth (the reference grows by up to this many at a time). */
    public static final int DEFAULT_GROW_STEP = 64;
    /** Writes before a monitored page is flushed rather than emulated. */
    public static final int DEFAULT_MODIFICATION_LIMIT = 48;

    /** Validates the sizes. */
    public PoolConfiguration {
        if (maxPages < ShadowPagePool.FIRST_INDEX + 1 || maxPages > MAX_PAGES) {
            throw new IllegalArgumentException("pool pages must be between " + (ShadowPagePool.FIRST_INDEX + 1) + " and "
                    + MAX_PAGES + ": " + maxPages);
        }
        if (maxUsers < maxPages || maxUsers > 0xfffe) {
            throw new IllegalArgumentException("user records must be at least the pages and below 0xffff: " + maxUsers);
        }
        if (maxPhysExts < 16 || maxPhysExts > 0x3ffe) {
            throw new IllegalArgumentException("physical extents must be between 16 and 0x3ffe: " + maxPhysExts);
        }
        if (growStep < 1 || modificationLimit < 1) {
            throw new IllegalArgumentException("grow step and modification limit must be positive");
        }
    }

    /**
     * VirtualBox's sizing for a guest with {@code ramBytes} of RAM (pgmR3PoolInit): the nested-paging
     * formula, rounded up to half a growth chunk of 512 pages; 2304 pages for 4 GiB. Users are twice
     * the pages, extents twice the pages up to 8192.
     */
    public static PoolConfiguration forGuestRam(long ramBytes) {
        long pages = ((ramBytes >>> 9) + (ramBytes >>> 18) + (ramBytes >>> 27) + 32L * 4096) >>> 12;
        pages = Math.min(pages, MAX_PAGES);
        if (pages < MAX_PAGES) {
            pages = Math.min(MAX_PAGES, (pages + 255) / 256 * 256);
        }
        int maxPages = (int) pages;
        return new PoolConfiguration(maxPages, Math.min(2 * maxPages, 0xfffe), Math.min(2 * maxPages, 8192),
                DEFAULT_GROW_STEP, DEFAULT_MODIFICATION_LIMIT, true);
    }

    /** A copy with another page count (users and extents follow the reference's ratios). */
    public PoolConfiguration withMaxPages(int pages) {
        return new PoolConfiguration(pages, Math.max(maxUsers, pages), maxPhysExts, growStep, modificationLimit,
                cacheEnabled);
    }

    /** A copy with other record counts. */
    public PoolConfiguration withRecords(int users, int physExts) {
        return new PoolConfiguration(maxPages, users, physExts, growStep, modificationLimit, cacheEnabled);
    }

    /** A copy with another modification limit. */
    public PoolConfiguration withModificationLimit(int limit) {
        return new PoolConfiguration(maxPages, maxUsers, maxPhysExts, growStep, limit, cacheEnabled);
    }

    /** A copy with another growth step. */
    public PoolConfiguration withGrowStep(int step) {
        return new PoolConfiguration(maxPages, maxUsers, maxPhysExts, step, modificationLimit, cacheEnabled);
    }

    /** A copy with the cache on or off. */
    public PoolConfiguration withCache(boolean enabled) {
        return new PoolConfiguration(maxPages, maxUsers, maxPhysExts, growStep, modificationLimit, enabled);
    }
}
