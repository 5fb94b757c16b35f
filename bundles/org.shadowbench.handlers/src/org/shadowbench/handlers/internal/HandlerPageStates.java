package org.shadowbench.handlers.internal;

import org.shadowbench.handlers.HandlerEngineListener;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.ShadowPageTables;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;

/**
 * Keeps page handler states in step with the handlers: arming pages on registration, disarming
 * them on deregistration, recomputing pages shared with neighbouring handlers, undoing aliases,
 * and the execution engine's deregistration notice. Each method is the counterpart of one helper
 * of the reference, named in its comment.
 */
final class HandlerPageStates {
    private static final long PAGE_MASK = ~PhysicalMemory.PAGE_OFFSET_MASK;

    private final PhysicalMemory memory;
    private final HandlerTree tree;
    private final HandlerTree overlays;
    ShadowPageTables shadow;
    final HandlerEngineListener engine;

    HandlerPageStates(PhysicalMemory memory, HandlerTree tree, HandlerTree overlays, ShadowPageTables shadow,
            HandlerEngineListener engine) {
        this.memory = memory;
        this.tree = tree;
        this.overlays = overlays;
        this.shadow = shadow;
        this.engine = engine;
    }

    /**
     * Raises every page of the handler to its kind's state and has shadow paging update the entries
     * of pages that changed (pgmHandlerPhysicalSetRamFlagsAndFlushShadowPTs). States are only raised,
     * never lowered: a page shared with a handler of a higher state keeps it.
     *
     * @return VINF_SUCCESS, or VINF_PGM_SYNC_CR3 when some entries could not be updated
     */
    PgmStatus arm(PhysicalHandlerImpl handler, RamRange range) {
        PageHandlerState state = handler.type.kind().pageState();
        PgmStatus status = PgmStatus.VINF_SUCCESS;
        boolean flushTlbs = false;
        int index = range.pageIndex(handler.first);
        for (int remaining = handler.pageCount; remaining > 0; remaining--, index++) {
            if (range.handlerState(index).compareTo(state) < 0) {
                range.setHandlerState(index, state);
                int result = shadow.updatePageEntries(range.pageAddress(index), range, index, false);
                flushTlbs |= (result & ShadowPageTables.FLUSH_TLBS) != 0;
                if ((result & ShadowPageTables.SYNC_CR3) != 0 && status == PgmStatus.VINF_SUCCESS) {
                    status = PgmStatus.VINF_PGM_SYNC_CR3;
                }
                memory.notifyProtectionChanged(range, index);
            }
        }
        if (flushTlbs) {
            shadow.flushAllTlbs();
        }
        return status;
    }

    /**
     * Clears the handler's pages, turning aliased pages back into MMIO, zeroes its page counts and
     * recomputes partial first and last pages from the handlers still on them
     * (pgmHandlerPhysicalResetRamFlags). The handler must already be out of the tree. Shadow entries
     * of disarmed pages are left alone: the next fault on them finds the page unhandled and syncs it.
     */
    void disarm(PhysicalHandlerImpl handler) {
        RamRange hint = null;
        long address = handler.first;
        for (int remaining = handler.pageCount; remaining > 0; remaining--, address += PhysicalMemory.PAGE_SIZE) {
            RamRange range = memory.rangeWithHint(address, hint);
            if (range == null) {
                continue;
            }
            hint = range;
            int index = range.pageIndex(address);
            boolean notified = false;
            if (range.pageType(index).isMmioAlias()) {
                unalias(range, index);
                handler.aliasedPages--;
                notified = true;
            }
            range.setHandlerState(index, PageHandlerState.NONE);
            if (!notified) {
                memory.notifyProtectionChanged(range, index);
            }
        }
        handler.aliasedPages = 0;
        handler.tempOffPages = 0;
        if ((handler.first & PhysicalMemory.PAGE_OFFSET_MASK) != 0) {
            recalculate(handler.first - 1, false);
        }
        if ((handler.last & PhysicalMemory.PAGE_OFFSET_MASK) != PhysicalMemory.PAGE_OFFSET_MASK) {
            recalculate(handler.last + 1, true);
        }
        raiseOverlays(handler.first, handler.last);
    }

    /**
     * The highest state the handlers of one tree imply for the page at {@code page} (page aligned):
     * every handler of the tree with a byte on the page counts.
     */
    static PageHandlerState stateOn(HandlerTree handlers, long page) {
        PageHandlerState state = PageHandlerState.NONE;
        for (PhysicalHandlerImpl handler = handlers.floor(page | PhysicalMemory.PAGE_OFFSET_MASK);
                handler != null && handler.last >= page; handler = handlers.floor(handler.first - 1)) {
            state = state.max(handler.type.kind().pageState());
        }
        return state;
    }

    /**
     * Raises the pages of [first, last] to the state of the overlay handlers on them (after the ordinary
     * side lowered or re-armed them). Pages switched off or aliased by their ordinary handler stay so:
     * the ordinary handler wins there. Nothing to do without overlays.
     */
    void raiseOverlays(long first, long last) {
        if (overlays.size() == 0) {
            return;
        }
        RamRange hint = null;
        for (long page = first & PAGE_MASK; page <= last && page >= 0; page += PhysicalMemory.PAGE_SIZE) {
            RamRange range = memory.rangeWithHint(page, hint);
            if (range == null) {
                continue;
            }
            hint = range;
            int index = range.pageIndex(page);
            PageHandlerState current = range.handlerState(index);
            if (current == PageHandlerState.DISABLED || range.pageType(index).isMmioAlias()) {
                continue;
            }
            PageHandlerState wanted = stateOn(overlays, page);
            if (current.compareTo(wanted) < 0) {
                raise(range, index, wanted);
            }
        }
    }

    private void raise(RamRange range, int index, PageHandlerState state) {
        range.setHandlerState(index, state);
        int result = shadow.updatePageEntries(range.pageAddress(index), range, index, false);
        if ((result & ShadowPageTables.FLUSH_TLBS) != 0) {
            shadow.flushAllTlbs();
        }
        memory.notifyProtectionChanged(range, index);
    }

    /**
     * Recomputes the pages of an overlay handler that left the overlay tree from what is still on them:
     * the ordinary handlers and other overlays sharing the page. Pages its ordinary handler switched off
     * or aliased are left as they are. Lowered pages are not flushed from shadow paging, as
     * {@link #disarm} does not: the next fault finds them less handled and syncs them.
     */
    void disarmOverlay(PhysicalHandlerImpl handler) {
        RamRange range = memory.rangeAt(handler.first);
        if (range == null) {
            return;
        }
        int index = range.pageIndex(handler.first);
        for (int remaining = handler.pageCount; remaining > 0; remaining--, index++) {
            PageHandlerState current = range.handlerState(index);
            if (current == PageHandlerState.DISABLED || range.pageType(index).isMmioAlias()) {
                continue;
            }
            long page = range.pageAddress(index);
            PageHandlerState wanted = stateOn(tree, page).max(stateOn(overlays, page));
            if (current != wanted) {
                if (current.compareTo(wanted) < 0) {
                    raise(range, index, wanted);
                } else {
                    range.setHandlerState(index, wanted);
                    memory.notifyProtectionChanged(range, index);
                }
            }
        }
    }

    /**
     * Gives a page shared with neighbouring handlers the highest state among them, walking from the
     * address downwards or upwards while handlers stay on the same page
     * (pgmHandlerPhysicalRecalcPageState). Only raises the state.
     */
    void recalculate(long address, boolean above) {
        PageHandlerState state = PageHandlerState.NONE;
        long at = address;
        long page = address >>> PhysicalMemory.PAGE_SHIFT;
        for (;;) {
            PhysicalHandlerImpl neighbour = above ? tree.ceiling(at) : tree.floor(at);
            if (neighbour == null || ((above ? neighbour.first : neighbour.last) >>> PhysicalMemory.PAGE_SHIFT) != page) {
                break;
            }
            state = state.max(neighbour.type.kind().pageState());
            long next = above ? neighbour.last + 1 : neighbour.first - 1;
            if ((next >>> PhysicalMemory.PAGE_SHIFT) != page) {
                break;
            }
            at = next;
        }
        if (state == PageHandlerState.NONE) {
            return;
        }
        RamRange range = memory.rangeAt(at);
        if (range == null) {
            return;
        }
        int index = range.pageIndex(at);
        if (range.handlerState(index).compareTo(state) < 0) {
            range.setHandlerState(index, state);
            int result = shadow.updatePageEntries(range.pageAddress(index), range, index, false);
            if ((result & ShadowPageTables.FLUSH_TLBS) != 0) {
                shadow.flushAllTlbs();
            }
            memory.notifyProtectionChanged(range, index);
        }
    }

    /**
     * Turns an aliased page back into an MMIO page on the zero frame, intercepting everything
     * (pgmHandlerPhysicalResetAliasedPage without accounting). Shadow entries mapping the alias
     * are flushed first, since they point at the frame being taken away.
     */
    void unalias(RamRange range, int index) {
        shadow.updatePageEntries(range.pageAddress(index), range, index, true);
        shadow.flushAllTlbs();
        memory.resetAliasedPage(range, index, PageHandlerState.ALL);
    }

    /**
     * Tells the execution engine a handler left its range, shrunk to whole pages no longer covered
     * by other handlers (pgmHandlerPhysicalDeregisterNotifyREMAndNEM). Page states must already be
     * recomputed. Nothing is told when no whole page remains.
     */
    void notifyDeregistered(PhysicalHandlerImpl handler, int restoreAsRam) {
        HandlerKind kind = handler.type.kind();
        long start = handler.first;
        long last = handler.last;
        if ((start & PhysicalMemory.PAGE_OFFSET_MASK) != 0 || ((last + 1) & PhysicalMemory.PAGE_OFFSET_MASK) != 0) {
            if ((start & PhysicalMemory.PAGE_OFFSET_MASK) != 0) {
                if (stillHandled(start)) {
                    long aligned = (start + PhysicalMemory.PAGE_SIZE - 1) & PAGE_MASK;
                    if (aligned > last || aligned < start) {
                        return;
                    }
                    start = aligned;
                } else {
                    start &= PAGE_MASK;
                }
            }
            // As in the reference this also runs for a last byte at offset 0xfff.
            if ((last & PhysicalMemory.PAGE_OFFSET_MASK) != 0) {
                if (stillHandled(last)) {
                    long aligned = (last & PAGE_MASK) - 1;
                    if (aligned < start || aligned > last) {
                        return;
                    }
                    last = aligned;
                } else {
                    last |= PhysicalMemory.PAGE_OFFSET_MASK;
                }
            }
        }
        if (engine != null) {
            engine.handlerDeregistered(kind, start, last - start + 1, restoreAsRam, kind != HandlerKind.MMIO);
        }
    }

    private boolean stillHandled(long address) {
        RamRange range = memory.rangeAt(address);
        return range != null && range.handlerState(range.pageIndex(address)) != PageHandlerState.NONE;
    }
}
