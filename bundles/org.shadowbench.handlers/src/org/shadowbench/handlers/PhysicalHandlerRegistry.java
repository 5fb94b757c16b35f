package org.shadowbench.handlers;

import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;

/**
 * The physical access handler registry (VirtualBox's PGMAllHandler.cpp). Handlers cover inclusive,
 * non-overlapping guest-physical ranges inside one RAM range each (overlay handlers, a documented
 * extension for observers, may share bytes with ordinary ones: {@link #registerOverlayType}); the registry keeps the page
 * handler states of the page model in step (a page carries the highest state of the handlers on
 * it, or DISABLED while temporarily off or aliased), asks shadow paging to update the entries
 * mapping changed pages, and dispatches accesses to handlers.
 *
 * <p>Method names follow the reference: {@code create}/{@code duplicate}/{@code register}/
 * {@code deregister}/{@code destroy} are the handler life cycle of pgmHandlerPhysicalEx*, the
 * address-based methods are the PGMHandlerPhysical* API.
 *
 * <p>Errors: failures throw {@link org.shadowbench.memory.PgmException} with the reference's
 * status and a message naming the range or handler; informational outcomes are returned as
 * {@link PgmStatus}. Except where documented (a failed {@link #modify}), a failed call changes
 * nothing. Not thread-safe: the emulation thread owns the registry.
 *
 * <p>This is the mutating surface; code that only looks takes the {@link ReadOnlyHandlerRegistry} it
 * extends. Instances come from a {@link PhysicalHandlerRegistryFactory}.
 */
public interface PhysicalHandlerRegistry extends ReadOnlyHandlerRegistry {
    /** The page model the registry maintains. */
    @Override
    PhysicalMemory memory();

    /** Replaces the shadow paging hooks (when the pool is created after the registry). */
    void setShadowPageTables(ShadowPageTables shadow);

    // ------------------------------------------------------------ types

    /** Registers a handler type (PGMR3HandlerPhysicalTypeRegister); the registration holds one reference. */
    HandlerType registerType(HandlerKind kind, String description, PhysicalAccessCallback callback);

    /**
     * Registers an <em>overlay</em> handler type (a Shadowbench extension, not in the reference),
     * for observers such as the debugger's physical watchpoints. Overlay handlers:
     * <ul>
     * <li>never overlap each other, but may cover bytes that an ordinary handler covers too (at most
     * one ordinary handler per byte, since ordinary handlers never overlap);</li>
     * <li>are WRITE (see writes) or ALL (see reads and writes) and may cover any byte range, a single
     * byte included ({@code first <= last});</li>
     * <li>raise a page to the stronger of their state and the ordinary handlers' state; deregistering
     * either side recomputes the page from the other;</li>
     * <li>only observe: their callback runs first and its answer is ignored; then the ordinary handler,
     * if any, runs with its usual outcome semantics, else the page model's default access is done;</li>
     * <li>cannot be registered over pages that are switched off (temp-off) or aliased
     * (VERR_ACCESS_DENIED, nothing changes). When an ordinary handler switches off or aliases a page
     * an overlay covers, the ordinary handler wins: the overlay sees no accesses to that page until the
     * page is re-armed (reset) or its ordinary handler goes;</li>
     * <li>are registered and deregistered through their handler object ({@link #register(PhysicalHandler, long, long)},
     * {@link #deregister(PhysicalHandler)}); the address-based operations ({@link #deregister(long)},
     * {@link #modify}, {@link #split}, {@link #join}, {@link #reset}, {@link #pageTempOff}, the aliases,
     * {@link #lookup}, {@link #handlerAt}, {@link #bestFit}, {@link #isRegistered}, {@link #isAll}) see
     * ordinary handlers only, exactly as before; {@link #overlayAt} finds overlays.</li>
     * </ul>
     *
     * @param kind WRITE or ALL
     * @throws org.shadowbench.memory.PgmException VERR_INVALID_PARAMETER for another kind or a missing
     *         description or callback
     * @since 0.1 (default method, added for physical watchpoints)
     */
    default HandlerType registerOverlayType(HandlerKind kind, String description, PhysicalAccessCallback callback) {
        throw new UnsupportedOperationException("this registry has no overlay handlers");
    }

    /** The type of a whiteboard service in this registry, created on first use. */
    HandlerType typeFor(HandlerTypeService service);

    /**
     * Retires a departed whiteboard type: deregisters and destroys every handler of it, restoring
     * their pages, and drops the registration's reference. Nothing happens for unknown services.
     *
     * @return the number of handlers removed
     */
    int retireType(HandlerTypeService service);

    // ------------------------------------------------------------ handler life cycle

    /**
     * Creates an unregistered handler (pgmHandlerPhysicalExCreate); takes a reference on the type.
     *
     * @param description {@code null} for the type's description
     * @throws org.shadowbench.memory.PgmException VERR_INVALID_HANDLE when the type is dead
     */
    PhysicalHandler create(HandlerType type, Object userArgument, String description);

    /** Creates an unregistered copy of a handler's type, argument and description (pgmHandlerPhysicalExDup). */
    PhysicalHandler duplicate(PhysicalHandler source);

    /**
     * Registers a created handler for [first, last] (pgmHandlerPhysicalExRegister).
     *
     * @return VINF_SUCCESS, or VINF_PGM_GCPHYS_ALIASED when shadow entries could not all be updated and a
     *         CR3 sync was requested
     * @throws org.shadowbench.memory.PgmException VERR_WRONG_ORDER when already registered, VERR_INVALID_PARAMETER
     *         when {@code first >= last} or an ALL/MMIO range is not whole pages,
     *         VERR_PGM_HANDLER_PHYSICAL_NO_RAM_RANGE when the range is not inside one RAM range,
     *         VERR_PGM_HANDLER_PHYSICAL_CONFLICT when it overlaps another handler
     */
    PgmStatus register(PhysicalHandler handler, long first, long last);

    /** Creates and registers a handler (PGMHandlerPhysicalRegister); nothing is left behind on failure. */
    PgmStatus register(long first, long last, HandlerType type, Object userArgument, String description);

    /**
     * Deregisters a handler without destroying it (pgmHandlerPhysicalExDeregister).
     *
     * @throws org.shadowbench.memory.PgmException VERR_PGM_HANDLER_NOT_FOUND when not registered,
     *         VERR_PGM_HANDLER_IPE_1 when the registry holds another handler at its address
     */
    void deregister(PhysicalHandler handler);

    /**
     * Destroys an unregistered handler, dropping its type reference (pgmHandlerPhysicalExDestroy).
     *
     * @throws org.shadowbench.memory.PgmException VERR_WRONG_ORDER while registered
     */
    void destroy(PhysicalHandler handler);

    /** Deregisters and destroys the handler starting at {@code first} (PGMHandlerPhysicalDeregister). */
    void deregister(long first);

    /**
     * Moves or resizes the handler starting at {@code current} (PGMHandlerPhysicalModify). On any
     * failure but VERR_PGM_HANDLER_NOT_FOUND the handler is deregistered and destroyed, as the
     * reference documents; the exception says so.
     */
    PgmStatus modify(long current, long first, long last);

    /** Changes the user argument of the handler starting at {@code first}. */
    void changeUserArgument(long first, Object userArgument);

    /**
     * Splits the handler starting at {@code first} so that a new handler of the same type starts at
     * {@code splitAt}. ALL and MMIO handlers split at page boundaries only, as do handlers with pages
     * switched off or aliased.
     */
    void split(long first, long splitAt);

    /**
     * Joins the handler at {@code second} into the adjacent handler at {@code first}.
     *
     * @throws org.shadowbench.memory.PgmException VERR_INVALID_PARAMETER when not adjacent,
     *         VERR_ACCESS_DENIED when their types differ, VERR_PGM_HANDLER_PHYSICAL_NO_RAM_RANGE when
     *         they lie in two (adjacent) RAM ranges; nothing changes on failure
     */
    void join(long first, long second);

    /**
     * Undoes page-level changes of the handler starting at {@code first} (PGMHandlerPhysicalReset):
     * re-arms pages switched off by temp-off (WRITE, ALL) or unaliases its pages (MMIO).
     */
    void reset(long first);

    /**
     * Temporarily stops intercepting accesses to one page of a whole-page WRITE or ALL handler
     * (PGMHandlerPhysicalPageTempOff); {@link #reset(long)} re-arms it.
     */
    void pageTempOff(long first, long page);

    /**
     * Backs one page of an MMIO handler with a page of an MMIO2 region (PGMHandlerPhysicalPageAliasMmio2).
     *
     * @return VINF_SUCCESS, or VINF_PGM_HANDLER_ALREADY_ALIASED when the page already aliases that very page
     */
    PgmStatus pageAliasMmio2(long first, long page, Object owner, int mmio2Handle, long mmio2Offset);

    /**
     * Backs one page of an MMIO handler with a host frame, as for the APIC access page
     * (PGMHandlerPhysicalPageAliasHC).
     *
     * @return VINF_SUCCESS, or VINF_PGM_HANDLER_ALREADY_ALIASED when the page is already a special alias
     */
    PgmStatus pageAliasHc(long first, long page, int hostFrame);

    // ------------------------------------------------------------ access dispatch

    /**
     * Reads 1, 2, 4 or 8 bytes as the guest would: parts covered by an intercepting handler go to its
     * callback (one call per page part and handler), the rest to the default memory access.
     *
     * @throws PhysicalAccessFault when a callback answers FAULT
     */
    long read(long gcPhys, int size, AccessOrigin origin);

    /** Writes like {@link #read} reads. */
    void write(long gcPhys, int size, long value, AccessOrigin origin);
}
