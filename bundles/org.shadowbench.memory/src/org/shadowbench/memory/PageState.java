package org.shadowbench.memory;

/** The allocation state of a guest page, numbered as VirtualBox's PGM_PAGE_STATE_*. */
public enum PageState {
    /** Backed by the shared zero frame; the first write allocates a private frame. */
    ZERO,
    /** Backed by a private, writable host frame. */
    ALLOCATED,
    /** Allocated, but writes are monitored (e.g. for live snapshots); the first write clears it. */
    WRITE_MONITORED,
    /** Backed by a frame shared with other pages; the first write copies it (copy-on-write). */
    SHARED,
    /** Given back to the host by a balloon driver; reads as zeros, the first write re-allocates. */
    BALLOONED;

    private static final PageState[] BY_CODE = values();

    /** The numeric code stored in page descriptors. */
    public int code() {
        return ordinal();
    }

    /** Decodes a descriptor code. */
    public static PageState fromCode(int code) {
        return BY_CODE[code];
    }

    /** Whether the frame behind the page may be written without a state change first. */
    public boolean isWritable() {
        return this == ALLOCATED;
    }
}
