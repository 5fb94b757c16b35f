package org.shadowbench.ui.internal;

import java.util.List;

import org.shadowbench.machine.RangeSnapshot;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PageTracking;
import org.shadowbench.memory.PageType;

/**
 * How the memory map colours a page, in three schemes. Each scheme is a legend whose entries are
 * ordered from least to most notable: a cell standing for several pages takes the most notable
 * page's colour, so a single MMIO or shadowed page stays visible when zoomed out.
 */
public enum PageColours {
    /** What backs the page and its allocation state. */
    TYPE_AND_STATE("Type and state", List.of(
            new Entry("Zero page (RAM not yet written)", 0xe4e4e4),
            new Entry("RAM, allocated", 0x4f86e0),
            new Entry("RAM, shared (copy-on-write)", 0x3fb0a0),
            new Entry("RAM, write-monitored", 0x9a6bd8),
            new Entry("RAM, ballooned", 0x8c8c8c),
            new Entry("ROM or ROM shadow", 0xc8923f),
            new Entry("MMIO2 (device memory)", 0x55b04f),
            new Entry("MMIO aliased to MMIO2", 0xa8d96a),
            new Entry("MMIO aliased to a host page", 0xe58cc0),
            new Entry("MMIO", 0xd8443c))),
    /** The physical access handler state. */
    HANDLER_STATE("Handler state", List.of(
            new Entry("No handler", 0xe4e4e4),
            new Entry("Handler off for the page (temp-off, alias)", 0xf2d18a),
            new Entry("Writes intercepted (WRITE)", 0xf08c1c),
            new Entry("Every access intercepted (ALL)", 0xd8443c))),
    /** Whether shadow page tables map the page (the pool's tracking word). */
    SHADOWED("Shadow mappings", List.of(
            new Entry("Not mapped by a shadow page table", 0xe4e4e4),
            new Entry("Mapped by one shadow page table", 0x7fb2e8),
            new Entry("Mapped by several (extent list)", 0x2a62b8),
            new Entry("Too many mappings to track", 0x14306a)));

    /** A legend entry: what it means and its colour (0xRRGGBB). */
    public record Entry(String label, int rgb) {
    }

    private final String title;
    private final List<Entry> legend;

    PageColours(String title, List<Entry> legend) {
        this.title = title;
        this.legend = legend;
    }

    public String title() {
        return title;
    }

    public List<Entry> legend() {
        return legend;
    }

    /** The legend index of a page: higher is more notable. */
    public int index(RangeSnapshot range, int page) {
        return switch (this) {
            case TYPE_AND_STATE -> typeIndex(range.pageType(page), range.pageState(page));
            case HANDLER_STATE -> range.handlerState(page).ordinal();
            case SHADOWED -> trackingIndex(range.tracking(page));
        };
    }

    /** The colour of a page (0xRRGGBB). */
    public int rgb(RangeSnapshot range, int page) {
        return legend.get(index(range, page)).rgb();
    }

    static int typeIndex(PageType type, PageState state) {
        return switch (type) {
            case RAM -> switch (state) {
                case ZERO -> 0;
                case ALLOCATED -> 1;
                case SHARED -> 2;
                case WRITE_MONITORED -> 3;
                case BALLOONED -> 4;
            };
            case ROM, ROM_SHADOW -> 5;
            case MMIO2 -> 6;
            case MMIO2_ALIAS_MMIO -> 7;
            case SPECIAL_ALIAS_MMIO -> 8;
            case MMIO, INVALID -> 9;
        };
    }

    static int trackingIndex(int tracking) {
        if (tracking == PageTracking.NONE) {
            return 0;
        }
        if (PageTracking.isOverflowed(tracking)) {
            return 3;
        }
        return PageTracking.isPhysExt(tracking) ? 2 : 1;
    }

    /** Index of a handler state in {@link #HANDLER_STATE}'s legend. */
    static int handlerIndex(PageHandlerState state) {
        return state.ordinal();
    }
}
