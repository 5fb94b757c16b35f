package org.shadowbench.handlers.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.shadowbench.handlers.AccessOrigin;
import org.shadowbench.handlers.HandlerEngineListener;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.handlers.HandlerTypeService;
import org.shadowbench.handlers.PhysicalAccessCallback;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.handlers.RegistryStatistics;
import org.shadowbench.handlers.ShadowPageTables;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageLocation;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;

/** The registry. See {@link PhysicalHandlerRegistry} for the contract of each operation. */
public final class PhysicalHandlerRegistryImpl implements PhysicalHandlerRegistry {
    private static final long OFFSET_MASK = PhysicalMemory.PAGE_OFFSET_MASK;

    private final PhysicalMemory memory;
    final HandlerTree tree = new HandlerTree();
    /**
     * The overlay handlers (a Shadowbench extension): disjoint among themselves, they may share bytes
     * with the ordinary handlers of {@link #tree}.
     */
    final HandlerTree overlayTree = new HandlerTree();
    private final HandlerPageStates pages;
    private final AccessDispatcher dispatcher;
    /** Every type of this registry that has not died yet, in registration order. */
    final List<HandlerTypeImpl> types = new ArrayList<>();
    private final Map<HandlerTypeService, HandlerTypeImpl> serviceTypes = new IdentityHashMap<>();
    /** The handler found by the last look-up by address. */
    PhysicalHandlerImpl lastHit;

    long registrations;
    long deregistrations;
    long modifications;
    long splits;
    long joins;
    long resets;
    long tempOffs;
    long aliases;
    long lookups;
    long cacheHits;

    /** A registry over the page model. */
    public PhysicalHandlerRegistryImpl(PhysicalMemory memory, ShadowPageTables shadow, HandlerEngineListener engine) {
        this.memory = Objects.requireNonNull(memory);
        this.pages = new HandlerPageStates(memory, tree, overlayTree, Objects.requireNonNull(shadow), engine);
        this.dispatcher = new AccessDispatcher(this, memory);
    }

    @Override
    public PhysicalMemory memory() {
        return memory;
    }

    @Override
    public void setShadowPageTables(ShadowPageTables shadow) {
        pages.shadow = Objects.requireNonNull(shadow);
    }

    private static String hex(long value) {
        return String.format("%#x", value);
    }

    private static String span(long first, long last) {
        return String.format("[%#x, %#x]", first, last);
    }

    // ================================================================ types

    @Override
    public HandlerType registerType(HandlerKind kind, String description, PhysicalAccessCallback callback) {
        return newType(kind, description, callback, null, false);
    }

    @Override
    public HandlerType registerOverlayType(HandlerKind kind, String description, PhysicalAccessCallback callback) {
        if (kind != HandlerKind.WRITE && kind != HandlerKind.ALL) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    "an overlay handler type is WRITE or ALL, not " + kind + " ('" + description + "')");
        }
        return newType(kind, description, callback, null, true);
    }

    private HandlerTypeImpl newType(HandlerKind kind, String description, PhysicalAccessCallback callback,
            HandlerTypeService service, boolean overlay) {
        if (kind == null || callback == null || description == null || description.isBlank()) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    "a handler type needs a kind, a description and a callback (got " + kind + ", '" + description + "')");
        }
        HandlerTypeImpl type = new HandlerTypeImpl(this, kind, description, callback, service, overlay);
        types.add(type);
        return type;
    }

    @Override
    public HandlerType typeFor(HandlerTypeService service) {
        Objects.requireNonNull(service, "service");
        HandlerTypeImpl type = serviceTypes.get(service);
        if (type == null) {
            type = newType(service.kind(), service.description(), service, service, false);
            serviceTypes.put(service, type);
        }
        return type;
    }

    @Override
    public int retireType(HandlerTypeService service) {
        HandlerTypeImpl type = serviceTypes.remove(service);
        if (type == null) {
            return 0;
        }
        type.markDeparted();
        int removed = 0;
        for (PhysicalHandlerImpl handler : List.copyOf(type.handlers)) {
            if (handler.isRegistered()) {
                unregister(handler, -1);
                removed++;
            }
            dispose(handler);
        }
        if (type.referenceCount() > 0) {
            type.release();
        }
        forgetIfDead(type);
        return removed;
    }

    private void forgetIfDead(HandlerTypeImpl type) {
        if (type.referenceCount() <= 0) {
            types.remove(type);
        }
    }

    // ================================================================ life cycle

    private PhysicalHandlerImpl own(PhysicalHandler handler, String operation) {
        if (!(handler instanceof PhysicalHandlerImpl impl) || impl.owner != this) {
            throw new PgmException(PgmStatus.VERR_INVALID_HANDLE, operation + ": " + handler + " is not a handler of this registry");
        }
        if (impl.destroyed) {
            throw new PgmException(PgmStatus.VERR_INVALID_HANDLE, operation + ": " + handler + " was destroyed");
        }
        return impl;
    }

    private HandlerTypeImpl ownType(HandlerType type, String operation) {
        if (!(type instanceof HandlerTypeImpl impl) || impl.owner != this) {
            throw new PgmException(PgmStatus.VERR_INVALID_HANDLE, operation + ": " + type + " is not a type of this registry");
        }
        if (!impl.isLive()) {
            throw new PgmException(PgmStatus.VERR_INVALID_HANDLE, operation + ": handler type " + type + " is dead");
        }
        return impl;
    }

    @Override
    public PhysicalHandler create(HandlerType type, Object userArgument, String description) {
        HandlerTypeImpl impl = ownType(type, "create");
        PhysicalHandlerImpl handler = new PhysicalHandlerImpl(this, impl, userArgument,
                description != null ? description : impl.description());
        impl.retain();
        impl.adopt(handler);
        return handler;
    }

    @Override
    public PhysicalHandler duplicate(PhysicalHandler source) {
        PhysicalHandlerImpl impl = own(source, "duplicate");
        return create(impl.type, impl.userArgument, impl.description);
    }

    @Override
    public PgmStatus register(PhysicalHandler handler, long first, long last) {
        PhysicalHandlerImpl impl = own(handler, "register");
        HandlerKind kind = impl.type.kind();
        if (impl.isRegistered()) {
            throw new PgmException(PgmStatus.VERR_WRONG_ORDER,
                    impl + " is already registered; cannot register it for " + span(first, last));
        }
        if (impl.type.overlay) {
            return registerOverlay(impl, first, last);
        }
        if (first >= last) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    "handler '" + impl.description + "' range " + span(first, last) + ": first must be below last");
        }
        RamRange range = placement(impl, first, last);
        impl.place(first, last);
        if (!tree.insert(impl)) {
            PhysicalHandlerImpl other = tree.overlapping(first, last);
            impl.place(PhysicalMemory.NIL_ADDRESS, PhysicalMemory.NIL_ADDRESS);
            throw new PgmException(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_CONFLICT,
                    "handler '" + impl.description + "' range " + span(first, last) + " overlaps " + other);
        }
        PgmStatus status = pages.arm(impl, range);
        if (status == PgmStatus.VINF_PGM_SYNC_CR3) {
            status = PgmStatus.VINF_PGM_GCPHYS_ALIASED;
        }
        if (pages.engine != null) {
            pages.engine.handlerRegistered(kind, first, last - first + 1);
        }
        registrations++;
        return status;
    }

    /**
     * Registers an overlay handler: any byte range inside one RAM range, not overlapping another
     * overlay, over no page that is switched off or aliased; its pages are raised to its state.
     */
    private PgmStatus registerOverlay(PhysicalHandlerImpl impl, long first, long last) {
        String subject = "overlay " + impl.type.kind() + " handler '" + impl.description + "' range " + span(first, last);
        if (first > last) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, subject + ": first must not be above last");
        }
        RamRange range = memory.rangeAt(first);
        if (range == null || last > range.last()) {
            throw new PgmException(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_NO_RAM_RANGE, subject + " is not inside one RAM range");
        }
        PhysicalHandlerImpl other = overlayTree.overlapping(first, last);
        if (other != null) {
            throw new PgmException(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_CONFLICT, subject + " overlaps overlay " + other);
        }
        for (int index = range.pageIndex(first); index <= range.pageIndex(last); index++) {
            if (range.pageType(index).isMmioAlias() || range.handlerState(index) == PageHandlerState.DISABLED) {
                throw new PgmException(PgmStatus.VERR_ACCESS_DENIED, subject + ": page " + hex(range.pageAddress(index))
                        + " is " + (range.pageType(index).isMmioAlias() ? "aliased (" + range.pageType(index) + ")"
                                : "switched off") + " by " + tree.containing(range.pageAddress(index) | OFFSET_MASK));
            }
        }
        impl.place(first, last);
        if (!overlayTree.insert(impl)) {
            impl.place(PhysicalMemory.NIL_ADDRESS, PhysicalMemory.NIL_ADDRESS);
            throw new PgmException(PgmStatus.VERR_PGM_PHYS_HANDLER_IPE, subject + " could not be inserted");
        }
        PgmStatus status = pages.arm(impl, range);
        registrations++;
        return status == PgmStatus.VINF_PGM_SYNC_CR3 ? PgmStatus.VINF_PGM_GCPHYS_ALIASED : status;
    }

    /**
     * Checks where a handler may go, in the reference's order: whole pages for ALL and MMIO, inside
     * one RAM range, and (an assertion in the reference) MMIO handlers over MMIO pages only.
     *
     * @return the RAM range holding the span
     */
    private RamRange placement(PhysicalHandlerImpl handler, long first, long last) {
        HandlerKind kind = handler.type.kind();
        if (kind.needsWholePages() && ((first & OFFSET_MASK) != 0 || (last & OFFSET_MASK) != OFFSET_MASK)) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, subject(handler, first, last) + " must cover whole pages");
        }
        RamRange range = memory.rangeAt(first);
        if (range == null || last > range.last()) {
            throw new PgmException(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_NO_RAM_RANGE,
                    subject(handler, first, last) + " is not inside one RAM range");
        }
        if (kind == HandlerKind.MMIO) {
            for (int index = range.pageIndex(first); index <= range.pageIndex(last); index++) {
                if (!range.pageType(index).isMmioOrAlias()) {
                    throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, subject(handler, first, last) + " covers "
                            + range.pageType(index) + " page " + hex(range.pageAddress(index)));
                }
            }
        }
        return range;
    }

    /** How an error names a handler and the range asked for (built only for the error: the pool registers at every CR3 load). */
    private static String subject(PhysicalHandlerImpl handler, long first, long last) {
        return handler.type.kind() + " handler '" + handler.description + "' range " + span(first, last);
    }

    @Override
    public PgmStatus register(long first, long last, HandlerType type, Object userArgument, String description) {
        PhysicalHandler handler = create(type, userArgument, description);
        try {
            return register(handler, first, last);
        } catch (PgmException e) {
            destroy(handler);
            throw e;
        }
    }

    @Override
    public void deregister(PhysicalHandler handler) {
        PhysicalHandlerImpl impl = own(handler, "deregister");
        if (!impl.isRegistered()) {
            throw new PgmException(PgmStatus.VERR_PGM_HANDLER_NOT_FOUND, impl + " is not registered");
        }
        PhysicalHandlerImpl found = (impl.type.overlay ? overlayTree : tree).get(impl.first);
        if (found != impl) {
            throw new PgmException(PgmStatus.VERR_PGM_HANDLER_IPE_1, "the registry holds "
                    + (found == null ? "no handler" : found.toString()) + " at " + hex(impl.first) + " instead of " + impl);
        }
        unregister(impl, -1);
    }

    /** Takes a handler out of the tree and restores its pages. */
    private void unregister(PhysicalHandlerImpl handler, int restoreAsRam) {
        if (handler.type.overlay) {
            overlayTree.remove(handler.first);
            pages.disarmOverlay(handler);
            handler.place(PhysicalMemory.NIL_ADDRESS, PhysicalMemory.NIL_ADDRESS);
            deregistrations++;
            return;
        }
        tree.remove(handler.first);
        pages.disarm(handler);
        pages.notifyDeregistered(handler, restoreAsRam);
        handler.place(PhysicalMemory.NIL_ADDRESS, PhysicalMemory.NIL_ADDRESS);
        lastHit = null;
        deregistrations++;
    }

    @Override
    public void destroy(PhysicalHandler handler) {
        PhysicalHandlerImpl impl = own(handler, "destroy");
        if (impl.isRegistered()) {
            throw new PgmException(PgmStatus.VERR_WRONG_ORDER, "cannot destroy " + impl + " while it is registered");
        }
        dispose(impl);
    }

    /** Destroys an unregistered handler and drops its type reference. */
    private void dispose(PhysicalHandlerImpl handler) {
        handler.destroyed = true;
        handler.type.disown(handler);
        handler.type.release();
        forgetIfDead(handler.type);
    }

    private PhysicalHandlerImpl require(long first, String operation) {
        PhysicalHandlerImpl handler = tree.get(first);
        if (handler == null) {
            throw new PgmException(PgmStatus.VERR_PGM_HANDLER_NOT_FOUND, operation + ": no handler starts at " + hex(first));
        }
        return handler;
    }

    @Override
    public void deregister(long first) {
        PhysicalHandlerImpl handler = require(first, "deregister");
        unregister(handler, -1);
        dispose(handler);
    }

    @Override
    public PgmStatus modify(long current, long first, long last) {
        PhysicalHandlerImpl handler = require(current, "modify");
        tree.remove(current);
        lastHit = null;
        pages.disarm(handler);
        HandlerKind kind = handler.type.kind();
        boolean restoreAsRam = kind != HandlerKind.MMIO;
        PgmException failure;
        if (last < first) {
            failure = new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "invalid new range " + span(first, last));
        } else {
            try {
                // Unlike the reference, the new range gets the same checks as a registration: it forgets the
                // end of the RAM range and the whole pages of ALL and MMIO handlers.
                RamRange range = placement(handler, first, last);
                handler.place(first, last);
                if (tree.insert(handler)) {
                    pages.arm(handler, range);
                    if (pages.engine != null) {
                        pages.engine.handlerModified(kind, current, first, last - first + 1, restoreAsRam);
                    }
                    pages.shadow.flushAllTlbs();
                    modifications++;
                    return PgmStatus.VINF_SUCCESS;
                }
                // As in the reference, the engine then hears of the deregistration of the new range.
                failure = new PgmException(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_CONFLICT,
                        "new range " + span(first, last) + " overlaps " + tree.overlapping(first, last));
            } catch (PgmException e) {
                failure = e;
            }
        }
        pages.notifyDeregistered(handler, -1);
        handler.place(PhysicalMemory.NIL_ADDRESS, PhysicalMemory.NIL_ADDRESS);
        deregistrations++;
        dispose(handler);
        throw new PgmException(failure.status(), "modify of the handler at " + hex(current)
                + " failed, so it was deregistered and destroyed: " + failure.getMessage());
    }

    @Override
    public void changeUserArgument(long first, Object userArgument) {
        require(first, "change user argument").userArgument = userArgument;
    }

    @Override
    public void split(long first, long splitAt) {
        if (first >= splitAt) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    "split address " + hex(splitAt) + " must be above the handler start " + hex(first));
        }
        PhysicalHandlerImpl handler = require(first, "split");
        if (splitAt > handler.last) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "split address " + hex(splitAt) + " is outside " + handler);
        }
        if ((splitAt & OFFSET_MASK) != 0) {
            // A switched-off or aliased page must stay inside one handler; whole-page kinds stay whole.
            if (handler.type.kind().needsWholePages()) {
                throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "split address " + hex(splitAt) + " of "
                        + handler + " must be page aligned (whole-page handler)");
            }
            RamRange range = memory.rangeAt(splitAt);
            if (range.handlerState(range.pageIndex(splitAt)) == PageHandlerState.DISABLED) {
                throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "split address " + hex(splitAt) + " of "
                        + handler + " would cut page " + hex(splitAt & ~OFFSET_MASK) + ", which is switched off");
            }
        }
        PhysicalHandlerImpl second = (PhysicalHandlerImpl) create(handler.type, handler.userArgument, handler.description);
        long last = handler.last;
        handler.place(first, splitAt - 1);
        tree.updateLast(first, splitAt - 1);
        second.place(splitAt, last);
        if (!tree.insert(second)) {
            throw new PgmException(PgmStatus.VERR_PGM_PHYS_HANDLER_IPE, "split of " + handler + " could not insert " + second);
        }
        recount(handler);
        recount(second);
        splits++;
    }

    /**
     * Recounts a handler's aliased and switched-off pages from the page states. Such pages always lie
     * wholly inside their handler, so a partial first or last page never counts.
     */
    private void recount(PhysicalHandlerImpl handler) {
        handler.aliasedPages = 0;
        handler.tempOffPages = 0;
        RamRange range = memory.rangeAt(handler.first);
        int index = range.pageIndex(handler.first);
        for (int n = 0; n < handler.pageCount; n++, index++) {
            long page = range.pageAddress(index);
            if (page < handler.first || (page | OFFSET_MASK) > handler.last) {
                continue;
            }
            if (range.pageType(index).isMmioAlias()) {
                handler.aliasedPages++;
            } else if (range.handlerState(index) == PageHandlerState.DISABLED) {
                handler.tempOffPages++;
            }
        }
    }

    @Override
    public void join(long first, long second) {
        PhysicalHandlerImpl a = require(first, "join");
        PhysicalHandlerImpl b = require(second, "join");
        if (a.last + 1 != b.first) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "cannot join " + a + " and " + b + ": not adjacent");
        }
        if (a.type != b.type) {
            throw new PgmException(PgmStatus.VERR_ACCESS_DENIED,
                    "cannot join " + a + " (" + a.type + ") and " + b + " (" + b.type + "): different types");
        }
        // Not checked by the reference: two handlers may be adjacent across the boundary of two adjacent
        // RAM ranges, and the joined one would then span both, which registration refuses (page states,
        // recounts and the checker all index one range's page array).
        RamRange range = memory.rangeAt(a.first);
        if (range == null || b.last > range.last()) {
            throw new PgmException(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_NO_RAM_RANGE,
                    "cannot join " + a + " and " + b + ": they lie in different RAM ranges");
        }
        if (tree.remove(second) != b) {
            throw new PgmException(PgmStatus.VERR_PGM_PHYS_HANDLER_IPE, "join: the registry lost " + b);
        }
        long last = b.last;
        a.place(a.first, last);
        tree.updateLast(a.first, last);
        a.aliasedPages += b.aliasedPages;
        a.tempOffPages += b.tempOffPages;
        a.readHits += b.readHits;
        a.writeHits += b.writeHits;
        b.place(PhysicalMemory.NIL_ADDRESS, PhysicalMemory.NIL_ADDRESS);
        lastHit = null;
        dispose(b);
        joins++;
    }

    @Override
    public void reset(long first) {
        PhysicalHandlerImpl handler = require(first, "reset");
        RamRange range = memory.rangeAt(first);
        if (handler.type.kind() == HandlerKind.MMIO) {
            if (handler.aliasedPages > 0) {
                int index = range.pageIndex(first);
                for (int n = 0; n < handler.pageCount; n++, index++) {
                    if (range.pageType(index).isMmioAlias()) {
                        pages.unalias(range, index);
                        handler.aliasedPages--;
                    }
                }
            }
        } else if (handler.tempOffPages > 0) {
            pages.arm(handler, range);
            pages.raiseOverlays(handler.first, handler.last);
        }
        handler.aliasedPages = 0;
        handler.tempOffPages = 0;
        resets++;
    }

    /** Finds the handler and checks that the page lies in it and that it covers whole pages. */
    private PhysicalHandlerImpl requirePageOf(long first, long page, String operation) {
        PhysicalHandlerImpl handler = require(first, operation);
        if (page < handler.first || page > handler.last) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    operation + ": page " + hex(page) + " is outside " + handler);
        }
        return handler;
    }

    private static void requireWholePages(PhysicalHandlerImpl handler, String operation) {
        if ((handler.first & OFFSET_MASK) != 0 || (handler.last & OFFSET_MASK) != OFFSET_MASK) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    operation + ": " + handler + " does not cover whole pages");
        }
    }

    @Override
    public void pageTempOff(long first, long page) {
        PhysicalHandlerImpl handler = requirePageOf(first, page, "temp-off");
        requireWholePages(handler, "temp-off");
        HandlerKind kind = handler.type.kind();
        if (kind != HandlerKind.WRITE && kind != HandlerKind.ALL) {
            throw new PgmException(PgmStatus.VERR_ACCESS_DENIED, "temp-off: " + kind + " " + handler
                    + " cannot switch pages off (only WRITE and ALL handlers can)");
        }
        PageLocation location = memory.page(page);
        RamRange range = location.range();
        int index = location.index();
        if (range.handlerState(index) != PageHandlerState.DISABLED) {
            range.setHandlerState(index, PageHandlerState.DISABLED);
            handler.tempOffPages++;
            tempOffs++;
            memory.notifyProtectionChanged(range, index);
        }
    }

    /** Checks done by both alias operations once the handler is found. */
    private PageLocation requireAliasablePage(PhysicalHandlerImpl handler, long page, String operation) {
        if (handler.type.kind() != HandlerKind.MMIO) {
            throw new PgmException(PgmStatus.VERR_ACCESS_DENIED,
                    operation + ": " + handler + " is a " + handler.type.kind() + " handler, not MMIO");
        }
        requireWholePages(handler, operation);
        return memory.page(page);
    }

    @Override
    public PgmStatus pageAliasMmio2(long first, long page, Object owner, int mmio2Handle, long mmio2Offset) {
        PageLocation remap = memory.resolveMmio2Page(owner, mmio2Handle, mmio2Offset);
        if (remap.type() != PageType.MMIO2) {
            throw new PgmException(PgmStatus.VERR_PGM_PHYS_NOT_MMIO2,
                    "alias source " + hex(mmio2Offset) + " of MMIO2 handle " + mmio2Handle + " is a " + remap.type() + " page");
        }
        PhysicalHandlerImpl handler = requirePageOf(first, page, "alias MMIO2");
        PageLocation target = requireAliasablePage(handler, page, "alias MMIO2");
        RamRange range = target.range();
        int index = target.index();
        PageType type = range.pageType(index);
        if (type != PageType.MMIO) {
            if (type != PageType.MMIO2_ALIAS_MMIO) {
                throw new PgmException(PgmStatus.VERR_PGM_PHYS_NOT_MMIO2,
                        "alias MMIO2: page " + hex(page) + " of " + handler + " is a " + type + " page");
            }
            if (range.hostFrame(index) == remap.hostFrame()) {
                return PgmStatus.VINF_PGM_HANDLER_ALREADY_ALIASED;
            }
            pages.unalias(range, index);
            handler.aliasedPages--;
        }
        return alias(handler, target, PageType.MMIO2_ALIAS_MMIO, remap.hostFrame(), remap.range().pageId(remap.index()));
    }

    /** Backs an MMIO page of the handler with the frame; its accesses are no longer intercepted. */
    private PgmStatus alias(PhysicalHandlerImpl handler, PageLocation target, PageType type, int hostFrame, int pageId) {
        memory.aliasMmioPage(target.range(), target.index(), type, hostFrame, pageId, PageHandlerState.DISABLED);
        handler.aliasedPages++;
        aliases++;
        return PgmStatus.VINF_SUCCESS;
    }

    @Override
    public PgmStatus pageAliasHc(long first, long page, int hostFrame) {
        PhysicalHandlerImpl handler = requirePageOf(first, page, "alias host page");
        PageLocation target = requireAliasablePage(handler, page, "alias host page");
        RamRange range = target.range();
        int index = target.index();
        PageType type = range.pageType(index);
        if (type != PageType.MMIO) {
            if (type != PageType.SPECIAL_ALIAS_MMIO) {
                throw new PgmException(PgmStatus.VERR_PGM_PHYS_NOT_MMIO2,
                        "alias host page: page " + hex(page) + " of " + handler + " is a " + type + " page");
            }
            return PgmStatus.VINF_PGM_HANDLER_ALREADY_ALIASED;
        }
        return alias(handler, target, PageType.SPECIAL_ALIAS_MMIO, hostFrame, PhysicalMemory.NIL_PAGE_ID);
    }

    @Override
    public boolean isRegistered(long address) {
        return lookup(address) != null;
    }

    @Override
    public boolean isAll(long address) {
        PhysicalHandler handler = lookup(address);
        return handler == null || handler.type().kind() != HandlerKind.WRITE;
    }

    // ================================================================ look-up

    @Override
    public PhysicalHandler handlerAt(long first) {
        return tree.get(first);
    }

    @Override
    public PhysicalHandlerImpl lookup(long address) {
        lookups++;
        PhysicalHandlerImpl hit = lastHit;
        if (hit != null && address >= hit.first && address <= hit.last) {
            cacheHits++;
            return hit;
        }
        PhysicalHandlerImpl found = tree.containing(address);
        if (found != null) {
            lastHit = found;
        }
        return found;
    }

    /** Look-up without the cache, for benchmarks. */
    public PhysicalHandler lookupUncached(long address) {
        return tree.containing(address);
    }

    @Override
    public PhysicalHandlerImpl bestFit(long address, boolean above) {
        return above ? tree.ceiling(address) : tree.floor(address);
    }

    @Override
    public List<PhysicalHandler> handlers() {
        if (overlayTree.size() == 0) {
            return List.copyOf(tree.toList());
        }
        List<PhysicalHandler> all = new ArrayList<>(tree.toList());
        all.addAll(overlayTree.toList());
        // Stable: at the same start the ordinary handler stays first.
        all.sort(java.util.Comparator.comparingLong(PhysicalHandler::first));
        return List.copyOf(all);
    }

    @Override
    public int handlerCount() {
        return tree.size() + overlayTree.size();
    }

    @Override
    public PhysicalHandler overlayAt(long address) {
        return overlayTree.containing(address);
    }

    @Override
    public List<PhysicalHandler> overlays() {
        return List.copyOf(overlayTree.toList());
    }

    // ================================================================ access

    @Override
    public long read(long gcPhys, int size, AccessOrigin origin) {
        return dispatcher.read(gcPhys, size, origin);
    }

    @Override
    public void write(long gcPhys, int size, long value, AccessOrigin origin) {
        dispatcher.write(gcPhys, size, value, origin);
    }

    // ================================================================ inspection

    @Override
    public RegistryStatistics statistics() {
        return new RegistryStatistics(registrations, deregistrations, modifications, splits, joins, resets, tempOffs,
                aliases, lookups, cacheHits, dispatcher.callbacks, dispatcher.defaultAccesses);
    }

    @Override
    public void dump(Appendable out) throws IOException {
        RegistryDump.write(this, out);
    }

    @Override
    public List<String> check() {
        return new RegistryChecker(this, memory).check();
    }
}
