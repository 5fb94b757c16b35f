package org.shadowbench.handlers;

/**
 * Counters of a {@link PhysicalHandlerRegistry}.
 *
 * @param registrations   successful registrations (including by modify)
 * @param deregistrations deregistrations (including failed modifies and departed types)
 * @param modifications   successful modifies
 * @param splits          splits
 * @param joins           joins
 * @param resets          resets
 * @param tempOffs        pages switched off by temp-off
 * @param aliases         pages aliased to MMIO2 or host pages
 * @param lookups         look-ups by contained address
 * @param cacheHits       look-ups answered by the last-hit cache
 * @param callbacks       accesses dispatched to callbacks
 * @param defaultAccesses accesses (or parts) completed by the default memory access
 */
public record RegistryStatistics(long registrations, long deregistrations, long modifications, long splits, long joins,
        long resets, long tempOffs, long aliases, long lookups, long cacheHits, long callbacks, long defaultAccesses) {

    /** Look-ups the cache could not answer. */
    public long cacheMisses() {
        return lookups - cacheHits;
    }
}
