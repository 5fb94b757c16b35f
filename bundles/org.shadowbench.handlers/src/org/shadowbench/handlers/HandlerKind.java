package org.shadowbench.handlers;

import org.shadowbench.memory.PageHandlerState;

/**
 * What a handler intercepts (PGMPHYSHANDLERKIND) and the page handler state that implies.
 * ALL and MMIO handlers must cover whole pages.
 */
public enum HandlerKind {
    /** Writes are intercepted; reads go to memory. Any byte range. */
    WRITE(PageHandlerState.WRITE),
    /** Every access is intercepted. Whole pages only. */
    ALL(PageHandlerState.ALL),
    /** Memory-mapped I/O: every access is intercepted and pages may be aliased. Whole pages only. */
    MMIO(PageHandlerState.ALL);

    private final PageHandlerState pageState;

    HandlerKind(PageHandlerState pageState) {
        this.pageState = pageState;
    }

    /** The state a page covered by a handler of this kind gets. */
    public PageHandlerState pageState() {
        return pageState;
    }

    /** Whether handlers of this kind must start and end on page boundaries. */
    public boolean needsWholePages() {
        return this != WRITE;
    }
}
