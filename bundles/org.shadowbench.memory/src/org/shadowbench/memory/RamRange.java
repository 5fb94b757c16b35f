package org.shadowbench.memory;

/**
 * A page-aligned, inclusive [first, last] span of guest-physical address space with its page
 * descriptors (the reference's PGMRAMRANGE with its PGMPAGE array).
 *
 * <p>Pages are addressed by index ({@code 0 .. pageCount()-1}); there is no object per page. The
 * descriptor of a page packs, in 16 bytes: type, state, host frame, page id, handler state,
 * execution-engine state, PDE type and the pool's tracking word. Type, state, host frame and page
 * id change only through {@link PhysicalMemory}'s page transitions, which keep them consistent;
 * the other fields belong to the layers above, which set them directly.
 */
public interface RamRange {
    /** Guest-physical address of the first byte, or {@link PhysicalMemory#NIL_ADDRESS} for an unmapped chunk. */
    long first();

    /** Guest-physical address of the last byte (inclusive). */
    long last();

    /** Size in bytes. */
    default long size() {
        return (long) pageCount() << PhysicalMemory.PAGE_SHIFT;
    }

    /** Number of pages. */
    int pageCount();

    /** What the range is for, e.g. "Base RAM" or "VGA VRAM". */
    String description();

    /** How the range was registered. */
    RangeKind kind();

    /** Whether the address lies inside the range. */
    default boolean contains(long gcPhys) {
        return gcPhys >= first() && gcPhys <= last();
    }

    /** Index of the page holding an address inside the range. */
    default int pageIndex(long gcPhys) {
        return (int) ((gcPhys - first()) >>> PhysicalMemory.PAGE_SHIFT);
    }

    /** Guest-physical address of a page. */
    default long pageAddress(int index) {
        return first() + ((long) index << PhysicalMemory.PAGE_SHIFT);
    }

    /** Incremented by every change to any descriptor of the range, so that snapshots can share unchanged ranges. */
    long version();

    /**
     * Copies the packed descriptors of every page ({@link PageDescriptor#WORDS} longs each) into
     * {@code destination}, which must hold {@code pageCount() * PageDescriptor.WORDS} longs.
     */
    void copyDescriptors(long[] destination);

    /** Pages per descriptor chunk: snapshots copy only the chunks whose version changed. */
    int CHUNK_PAGES = 4096;

    /** Number of chunks (the last may be partial). */
    default int chunkCount() {
        return (pageCount() + CHUNK_PAGES - 1) / CHUNK_PAGES;
    }

    /** Incremented by every change to a descriptor of the chunk. */
    long chunkVersion(int chunk);

    /** Copies the packed descriptors of one chunk into {@code destination} (sized for the chunk's pages). */
    void copyChunk(int chunk, long[] destination);

    /** The page's type. */
    PageType pageType(int index);

    /** The page's allocation state. */
    PageState pageState(int index);

    /** The host frame backing the page (the zero frame for ZERO, BALLOONED and MMIO pages). */
    int hostFrame(int index);

    /** The page's allocation id (0 when it has none, e.g. on the zero frame). */
    int pageId(int index);

    /** The page's physical handler state. */
    PageHandlerState handlerState(int index);

    /** Sets the page's physical handler state (owned by the handler registry). */
    void setHandlerState(int index, PageHandlerState state);

    /** The execution engine's 2-bit state for the page (the reference's NEM state). */
    int engineState(int index);

    /** Sets the execution engine's 2-bit state. */
    void setEngineState(int index, int state);

    /** The large-page suitability recorded for the page. */
    PdeType pdeType(int index);

    /** Records the large-page suitability of the page. */
    void setPdeType(int index, PdeType type);

    /**
     * The first page at or after {@code from} whose packed second descriptor word ({@link PageDescriptor}:
     * tracking, type, state, handler and engine state) differs from {@code word1} in the bits of
     * {@code mask}; {@link #pageCount()} when none does. A consistency checker visits with it only the
     * pages that are not in the state it knows to be clean (untracked, without handlers), instead of
     * asking every page of a large guest's RAM one call at a time.
     *
     * @since 1.1
     */
    default int nextPageUnlike(int from, long mask, long word1) {
        long[] chunk = new long[CHUNK_PAGES * PageDescriptor.WORDS];
        for (int c = Math.max(0, from) / CHUNK_PAGES; c < chunkCount(); c++) {
            copyChunk(c, chunk);
            int base = c * CHUNK_PAGES;
            int pages = Math.min(CHUNK_PAGES, pageCount() - base);
            for (int k = Math.max(0, from - base); k < pages; k++) {
                if ((chunk[PageDescriptor.WORDS * k + 1] & mask) != word1) {
                    return base + k;
                }
            }
        }
        return pageCount();
    }

    /** The pool's 16-bit tracking word, see {@link PageTracking}. */
    int tracking(int index);

    /** Sets the pool's tracking word. */
    void setTracking(int index, int tracking);

    /** Whether a WRITE or ALL handler is active on the page. */
    default boolean hasActiveHandlers(int index) {
        return handlerState(index).isActive();
    }

    /** Whether an ALL handler is active on the page. */
    default boolean hasActiveAllHandlers(int index) {
        return handlerState(index) == PageHandlerState.ALL;
    }

    /** Whether any physical handler (even a disabled one) covers the page. */
    default boolean hasAnyHandlers(int index) {
        return handlerState(index) != PageHandlerState.NONE;
    }
}
