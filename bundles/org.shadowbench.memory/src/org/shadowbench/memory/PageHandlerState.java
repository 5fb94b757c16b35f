package org.shadowbench.memory;

/**
 * The physical access handler state of a page (PGM_PAGE_HNDL_PHYS_STATE_*). The constants are
 * ordered: registering a handler only ever raises a page's state, and a page covered by several
 * handlers carries the highest of their states.
 */
public enum PageHandlerState {
    /** No handler covers the page. */
    NONE,
    /** A handler covers the page but is temporarily switched off for it (temp-off or alias). */
    DISABLED,
    /** Writes to the page go to a handler; reads hit memory directly. */
    WRITE,
    /** Every access to the page goes to a handler. */
    ALL;

    private static final PageHandlerState[] BY_CODE = values();

    /** The numeric code stored in page descriptors. */
    public int code() {
        return ordinal();
    }

    /** Decodes a descriptor code. */
    public static PageHandlerState fromCode(int code) {
        return BY_CODE[code];
    }

    /** Whether accesses must be intercepted at all (WRITE or ALL). */
    public boolean isActive() {
        return this == WRITE || this == ALL;
    }

    /** Whether reads must be intercepted as well as writes. */
    public boolean interceptsReads() {
        return this == ALL;
    }

    /** The higher of the two states. */
    public PageHandlerState max(PageHandlerState other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
