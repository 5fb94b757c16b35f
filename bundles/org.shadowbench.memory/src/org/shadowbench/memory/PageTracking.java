package org.shadowbench.memory;

/**
 * Encoding of the 16-bit tracking word each page descriptor carries for the shadow page pool.
 *
 * <p>The top two bits count references, the low fourteen bits index something in the pool:
 * with a count of 1 or 2 the index is the pool page whose shadow table maps the guest page;
 * with the count {@link #REFS_PHYS_EXT} the index is the head of a list of physical-extent
 * records, or {@link #INDEX_OVERFLOWED} once the pool has given up tracking the page exactly.
 * Zero means untracked.
 */
public final class PageTracking {
    /** Bit position of the reference count. */
    public static final int REFS_SHIFT = 14;
    /** Mask of the reference count after shifting. */
    public static final int REFS_MASK = 0x3;
    /** Reference count value that marks the index as a physical-extent list. */
    public static final int REFS_PHYS_EXT = REFS_MASK;
    /** Mask of the index. */
    public static final int INDEX_MASK = 0x3fff;
    /** Physical-extent index meaning "too many references to track". */
    public static final int INDEX_OVERFLOWED = INDEX_MASK;
    /** The untracked word. */
    public static final int NONE = 0;

    private PageTracking() {
    }

    /** Builds a tracking word. */
    public static int make(int refs, int index) {
        if ((refs & ~REFS_MASK) != 0 || (index & ~INDEX_MASK) != 0) {
            throw new IllegalArgumentException("tracking word out of range: refs=" + refs + " index=" + index);
        }
        return (refs << REFS_SHIFT) | index;
    }

    /** The reference count field (0..3). */
    public static int refs(int tracking) {
        return (tracking >>> REFS_SHIFT) & REFS_MASK;
    }

    /** The index field. */
    public static int index(int tracking) {
        return tracking & INDEX_MASK;
    }

    /** Whether the word points at a physical-extent list (or its overflow marker). */
    public static boolean isPhysExt(int tracking) {
        return refs(tracking) == REFS_PHYS_EXT;
    }

    /** Whether the pool gave up tracking this page. */
    public static boolean isOverflowed(int tracking) {
        return isPhysExt(tracking) && index(tracking) == INDEX_OVERFLOWED;
    }

    /** A readable rendering, e.g. {@code refs=1 idx=0x2a} or {@code ext=0x10}. */
    public static String describe(int tracking) {
        if (tracking == NONE) {
            return "untracked";
        }
        if (isOverflowed(tracking)) {
            return "overflowed";
        }
        if (isPhysExt(tracking)) {
            return "ext=0x" + Integer.toHexString(index(tracking));
        }
        return "refs=" + refs(tracking) + " idx=0x" + Integer.toHexString(index(tracking));
    }
}
