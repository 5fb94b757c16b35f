package org.shadowbench.memory;

/**
 * The packed form of a page descriptor, two {@code long}s per page (16 bytes, PGMPAGE's size), as
 * {@link RamRange#copyDescriptors(long[])} hands them out for snapshots. The first word holds the
 * host frame (bits 0-31), the page id (32-59) and the PDE type (60-61); the second the tracking word
 * (0-15), the page type (16-20), the page state (21-23), the handler state (24-25) and the execution
 * engine state (26-27).
 */
public final class PageDescriptor {
    /** Longs per page. */
    public static final int WORDS = 2;
    // The layout, shared with the page model's own accessors.
    public static final long FRAME_MASK = 0xffff_ffffL;
    public static final int PAGE_ID_SHIFT = 32;
    public static final long PAGE_ID_MASK = (1L << 28) - 1;
    public static final int PDE_SHIFT = 60;
    public static final int TYPE_SHIFT = 16;
    public static final int STATE_SHIFT = 21;
    public static final int HANDLER_SHIFT = 24;
    public static final int ENGINE_SHIFT = 26;
    /** The fields' bits in their word, for {@link RamRange#nextPageUnlike}. */
    public static final long TRACKING_MASK = 0xffffL;
    public static final long TYPE_MASK = 0x1fL << TYPE_SHIFT;
    public static final long STATE_MASK = 0x7L << STATE_SHIFT;
    public static final long HANDLER_MASK = 0x3L << HANDLER_SHIFT;

    private PageDescriptor() {
    }

    public static int hostFrame(long word0) {
        return (int) (word0 & FRAME_MASK);
    }

    public static int pageId(long word0) {
        return (int) ((word0 >>> PAGE_ID_SHIFT) & PAGE_ID_MASK);
    }

    public static PdeType pdeType(long word0) {
        return PdeType.fromCode((int) (word0 >>> PDE_SHIFT) & 0x3);
    }

    public static int tracking(long word1) {
        return (int) word1 & 0xffff;
    }

    public static PageType type(long word1) {
        return PageType.fromCode((int) (word1 >>> TYPE_SHIFT) & 0x1f);
    }

    public static PageState state(long word1) {
        return PageState.fromCode((int) (word1 >>> STATE_SHIFT) & 0x7);
    }

    public static PageHandlerState handlerState(long word1) {
        return PageHandlerState.fromCode((int) (word1 >>> HANDLER_SHIFT) & 0x3);
    }

    public static int engineState(long word1) {
        return (int) (word1 >>> ENGINE_SHIFT) & 0x3;
    }
}
