package org.shadowbench.handlers.internal;

import java.util.ArrayList;
import java.util.List;

import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.memory.PageDescriptor;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;

/**
 * The registry's consistency checker: the tree's invariants; every handler against its type and
 * RAM range; every page with a handler state against the handlers on it (VirtualBox's
 * PGMAssertHandlerAndFlagsInSync); and the reverse, which VirtualBox left as a todo: every page
 * of every handler carries its state, and the aliased and switched-off counts match the pages.
 */
final class RegistryChecker {
    private static final int MAX_PROBLEMS = 100;
    private static final long OFFSET_MASK = PhysicalMemory.PAGE_OFFSET_MASK;
    /** A RAM page without handlers, which {@link #checkPage} passes at once; most of a guest's pages. */
    private static final long PLAIN_RAM_MASK = PageDescriptor.HANDLER_MASK | PageDescriptor.TYPE_MASK;
    private static final long PLAIN_RAM = (long) PageHandlerState.NONE.code() << PageDescriptor.HANDLER_SHIFT
            | (long) PageType.RAM.code() << PageDescriptor.TYPE_SHIFT;

    private final PhysicalHandlerRegistryImpl registry;
    private final PhysicalMemory memory;
    private final List<String> problems = new ArrayList<>();

    RegistryChecker(PhysicalHandlerRegistryImpl registry, PhysicalMemory memory) {
        this.registry = registry;
        this.memory = memory;
    }

    List<String> check() {
        registry.tree.check(problems);
        List<PhysicalHandlerImpl> handlers = registry.tree.toList();
        for (PhysicalHandlerImpl handler : handlers) {
            if (handler.type.overlay) {
                problems.add(handler + " of overlay type " + handler.type + " is among the ordinary handlers");
            }
            checkHandler(handler);
        }
        registry.overlayTree.check(problems);
        for (PhysicalHandlerImpl overlay : registry.overlayTree.toList()) {
            checkOverlay(overlay);
        }
        for (HandlerTypeImpl type : registry.types) {
            if (type.referenceCount() < type.handlers.size()) {
                problems.add(type + " has " + type.referenceCount() + " references but " + type.handlers.size() + " handlers");
            }
            for (PhysicalHandlerImpl handler : type.handlers) {
                if (handler.destroyed || handler.type != type || !type.owns(handler)) {
                    problems.add(type + " lists " + handler + " which is destroyed or of another type");
                }
            }
        }
        PhysicalHandlerImpl hit = registry.lastHit;
        if (hit != null && registry.tree.get(hit.first) != hit) {
            problems.add("the look-up cache holds " + hit + ", which is not registered");
        }
        for (RamRange range : memory.ranges()) {
            int index = 0;
            while (problems.size() < MAX_PROBLEMS
                    && (index = range.nextPageUnlike(index, PLAIN_RAM_MASK, PLAIN_RAM)) < range.pageCount()) {
                checkPage(range, index++);
            }
        }
        return problems.size() > MAX_PROBLEMS ? problems.subList(0, MAX_PROBLEMS) : problems;
    }

    private static boolean wholePages(PhysicalHandlerImpl handler) {
        return (handler.first & OFFSET_MASK) == 0 && (handler.last & OFFSET_MASK) == OFFSET_MASK;
    }

    private void checkHandler(PhysicalHandlerImpl handler) {
        if (handler.destroyed || handler.owner != registry || !handler.type.owns(handler)) {
            problems.add(handler + " is registered but destroyed, foreign, or unknown to its type");
        }
        if (!handler.type.isLive()) {
            problems.add(handler + " has a dead type " + handler.type);
        }
        if (handler.pageCount != PhysicalHandlerImpl.pagesOf(handler.first, handler.last)) {
            problems.add(handler + " counts " + handler.pageCount + " pages");
        }
        HandlerKind kind = handler.type.kind();
        if (kind.needsWholePages() && !wholePages(handler)) {
            problems.add(kind + " " + handler + " does not cover whole pages");
        }
        RamRange range = memory.rangeAt(handler.first);
        if (range == null || handler.last > range.last()) {
            problems.add(handler + " is not inside one RAM range");
            return;
        }
        int aliased = 0;
        int disabled = 0;
        int index = range.pageIndex(handler.first);
        for (int n = 0; n < handler.pageCount; n++, index++) {
            PageType type = range.pageType(index);
            PageHandlerState state = range.handlerState(index);
            long page = range.pageAddress(index);
            boolean inside = page >= handler.first && (page | OFFSET_MASK) <= handler.last;
            if ((type.isMmioAlias() || state == PageHandlerState.DISABLED) && !inside) {
                problems.add(handlerPage(handler, page) + "switched off or aliased but shared with the neighbouring range");
            }
            if (type.isMmioAlias()) {
                aliased++;
                if (state != PageHandlerState.DISABLED) {
                    problems.add(handlerPage(handler, page) + "aliased but in state " + state);
                }
            } else if (state == PageHandlerState.DISABLED) {
                disabled++;
            } else if (state.compareTo(kind.pageState()) < 0) {
                problems.add(handlerPage(handler, page) + "state " + state + " below the handler's " + kind.pageState());
            }
            if (kind == HandlerKind.MMIO && !type.isMmioOrAlias()) {
                problems.add(handlerPage(handler, page) + "MMIO handler over a " + type + " page");
            }
        }
        if (aliased != handler.aliasedPages) {
            problems.add(handler + " counts " + handler.aliasedPages + " aliased pages, the pages say " + aliased);
        }
        if (disabled != handler.tempOffPages) {
            problems.add(handler + " counts " + handler.tempOffPages + " pages off, the pages say " + disabled);
        }
        if ((aliased > 0 && kind != HandlerKind.MMIO) || (disabled > 0 && kind == HandlerKind.MMIO)) {
            problems.add(handler + " of kind " + kind + " has " + aliased + " aliased and " + disabled + " pages off");
        }
    }

    /**
     * An overlay: of an overlay type, inside one RAM range, its page count, no page counts; every page
     * at least its state, unless its ordinary handler switched the page off or aliased it.
     */
    private void checkOverlay(PhysicalHandlerImpl overlay) {
        if (!overlay.type.overlay) {
            problems.add(overlay + " of ordinary type " + overlay.type + " is among the overlays");
        }
        if (overlay.destroyed || overlay.owner != registry || !overlay.type.owns(overlay)) {
            problems.add("overlay " + overlay + " is registered but destroyed, foreign, or unknown to its type");
        }
        if (!overlay.type.isLive()) {
            problems.add("overlay " + overlay + " has a dead type " + overlay.type);
        }
        if (overlay.pageCount != PhysicalHandlerImpl.pagesOf(overlay.first, overlay.last) || overlay.first > overlay.last) {
            problems.add("overlay " + overlay + " counts " + overlay.pageCount + " pages");
        }
        if (overlay.aliasedPages != 0 || overlay.tempOffPages != 0) {
            problems.add("overlay " + overlay + " counts aliased or switched-off pages");
        }
        RamRange range = memory.rangeAt(overlay.first);
        if (range == null || overlay.last > range.last()) {
            problems.add("overlay " + overlay + " is not inside one RAM range");
            return;
        }
        PageHandlerState own = overlay.type.kind().pageState();
        int index = range.pageIndex(overlay.first);
        for (int n = 0; n < overlay.pageCount; n++, index++) {
            PageHandlerState state = range.handlerState(index);
            long page = range.pageAddress(index);
            if (state == PageHandlerState.DISABLED || range.pageType(index).isMmioAlias()) {
                PhysicalHandlerImpl ordinary = registry.tree.containing(page);
                if (ordinary == null || ordinary.last < (page | OFFSET_MASK)) {
                    problems.add(handlerPage(overlay, page) + "switched off or aliased without an ordinary handler over the whole page");
                }
            } else if (state.compareTo(own) < 0) {
                problems.add(handlerPage(overlay, page) + "state " + state + " below the overlay's " + own);
            }
        }
    }

    // Page names are built only for violations: a clean check formats nothing per page.
    private static String handlerPage(PhysicalHandlerImpl handler, long page) {
        return handler + String.format(" page %#x: ", page);
    }

    private static String page(long page, RamRange range) {
        return String.format("page %#x (%s): ", page, range.description());
    }

    /** The forward check: a page's state is what the handlers on it imply. */
    private void checkPage(RamRange range, int index) {
        PageHandlerState state = range.handlerState(index);
        PageType type = range.pageType(index);
        long page = range.pageAddress(index);
        if (state == PageHandlerState.NONE && !type.isMmioAlias()) {
            return;
        }
        PageHandlerState expected = PageHandlerState.NONE;
        boolean mmio = false;
        long pageLast = page | OFFSET_MASK;
        for (PhysicalHandlerImpl handler = registry.tree.floor(pageLast); handler != null && handler.last >= page;
                handler = registry.tree.floor(handler.first - 1)) {
            expected = expected.max(handler.type.kind().pageState());
            mmio |= handler.type.kind() == HandlerKind.MMIO;
        }
        PageHandlerState overlays = HandlerPageStates.stateOn(registry.overlayTree, page);
        if (state == PageHandlerState.DISABLED && expected == PageHandlerState.NONE && overlays != PageHandlerState.NONE) {
            problems.add(page(page, range) + "switched off or aliased but only overlays cover it");
        }
        expected = expected.max(overlays);
        if (expected == PageHandlerState.NONE) {
            problems.add(page(page, range) + "state " + state + (type.isMmioAlias() ? " and " + type : "") + " but no handler covers it");
        } else if (state != expected && state != PageHandlerState.DISABLED) {
            problems.add(page(page, range) + "state " + state + " but the handlers on it imply " + expected);
        }
        if (type.isMmioAlias() && !mmio) {
            problems.add(page(page, range) + type + " outside an MMIO handler");
        }
    }
}
