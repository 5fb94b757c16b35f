package org.shadowbench.memory;

/**
 * A page named by its range and index, returned by look-ups that resolve a single page.
 *
 * @param range the range holding the page
 * @param index the page's index in the range
 */
public record PageLocation(RamRange range, int index) {
    /** The page's guest-physical address (meaningless for a page of an unmapped device region). */
    public long address() {
        return range.pageAddress(index);
    }

    /** The page's type. */
    public PageType type() {
        return range.pageType(index);
    }

    /** The page's state. */
    public PageState state() {
        return range.pageState(index);
    }

    /** The page's host frame. */
    public int hostFrame() {
        return range.hostFrame(index);
    }

    /** The page's handler state. */
    public PageHandlerState handlerState() {
        return range.handlerState(index);
    }
}
