package org.shadowbench.memory;

/**
 * What the page model tells the parts that cache translations or mirror page protections:
 * the CPU's TLB, an execution engine, the shadow page pool, views. Every method has a default that
 * does nothing, so a listener implements only what it needs. Called on the emulation thread.
 */
public interface PageChangeListener {

    /** A cached guest-physical to host translation of one page is stale (pgmPhysInvalidatePageMapTLBEntry). */
    default void pageMappingInvalidated(long gcPhysPage) {
    }

    /** Every cached guest-physical to host translation is stale. */
    default void allPageMappingsInvalidated() {
    }

    /**
     * The page's protection changed, e.g. a handler was armed or disarmed (NEMHCNotifyPhysPageProtChanged).
     *
     * @param protection  the new {@link PageProtection} flags
     * @param engineState the engine's current 2-bit state for the page
     * @return the engine's new 2-bit state
     */
    default int pageProtectionChanged(long gcPhysPage, int hostFrame, int protection, PageType type, int engineState) {
        return engineState;
    }

    /**
     * The frame behind the page changed, e.g. on allocation of a zero page, copy-on-write or
     * aliasing (NEMHCNotifyPhysPageChanged). Shadow page-table entries that map the old frame are stale.
     *
     * @return the engine's new 2-bit state
     */
    default int pageBackingChanged(long gcPhysPage, int oldHostFrame, int newHostFrame, int protection, PageType type,
            int engineState) {
        return engineState;
    }

    /** A range became visible in guest-physical space. */
    default void rangeAdded(RamRange range) {
    }

    /** A range left guest-physical space. */
    default void rangeRemoved(RamRange range) {
    }
}
