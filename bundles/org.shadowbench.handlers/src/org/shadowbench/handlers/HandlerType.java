package org.shadowbench.handlers;

/**
 * A registered kind of handler: what it intercepts, its description and its callback
 * (PGMPHYSHANDLERTYPEINT). Reference counted: the registration holds one reference and every
 * handler of the type holds one; the type dies when the count reaches zero.
 */
public interface HandlerType {
    /** What handlers of this type intercept. */
    HandlerKind kind();

    /** Description, used for handlers created without one. */
    String description();

    /** The callback handlers of this type run. */
    PhysicalAccessCallback callback();

    /**
     * Whether handlers of this type are overlays (a Shadowbench extension, see
     * {@link PhysicalHandlerRegistry#registerOverlayType}): they observe accesses and may share pages
     * with one ordinary handler. {@code false} for ordinary types.
     *
     * @since 0.1 (default method, added for physical watchpoints)
     */
    default boolean isOverlay() {
        return false;
    }

    /** Current reference count; 0 once dead. */
    int referenceCount();

    /** Whether the type is alive; callbacks of dead types are never called. */
    boolean isLive();

    /**
     * Adds a reference (PGMHandlerPhysicalTypeRetain).
     *
     * @return the new count
     * @throws org.shadowbench.memory.PgmException VERR_INVALID_HANDLE on a dead type
     */
    int retain();

    /**
     * Drops a reference (PGMHandlerPhysicalTypeRelease); at zero the type dies.
     *
     * @return the new count
     * @throws org.shadowbench.memory.PgmException VERR_INVALID_HANDLE on a dead type
     */
    int release();
}
