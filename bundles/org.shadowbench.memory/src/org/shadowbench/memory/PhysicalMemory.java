package org.shadowbench.memory;

/**
 * The guest-physical page model: RAM ranges with packed page descriptors, device regions, the
 * host frame store and the raw "default" memory access that access handlers fall back to.
 *
 * <p>Address rules: guest-physical addresses are non-negative and at most {@link #MAX_ADDRESS}
 * (52 address bits). Ranges are page aligned and never overlap.
 *
 * <p>Errors: a rejected call throws {@link PgmException} with the VirtualBox status and a message
 * naming the address or range, and changes nothing.
 *
 * <p>This is the mutating surface; code that only looks at the model takes the
 * {@link ReadOnlyPhysicalMemory} it extends. Instances come from a {@link PhysicalMemoryFactory}.
 *
 * <p>Threading: not thread-safe. The emulation thread owns it; other threads go through the
 * machine's request queue.
 */
public interface PhysicalMemory extends ReadOnlyPhysicalMemory {
    /** log2 of the guest page size. */
    int PAGE_SHIFT = 12;
    /** Guest page size in bytes. */
    long PAGE_SIZE = 1L << PAGE_SHIFT;
    /** Mask of the offset inside a page. */
    long PAGE_OFFSET_MASK = PAGE_SIZE - 1;
    /** Highest guest-physical address (52 address bits). */
    long MAX_ADDRESS = (1L << 52) - 1;
    /** "No address", e.g. the first address of an unmapped device region chunk. */
    long NIL_ADDRESS = -1L;
    /** The page id of pages without an allocation of their own. */
    int NIL_PAGE_ID = 0;

    /** The host frame store backing the guest. */
    HostFrameStore frames();

    // ---------------------------------------------------------------- ranges

    /** Registers RAM pages on the zero frame for [first, last]. */
    RamRange registerRam(long first, long last, String description);

    /**
     * Registers a ROM range initialised from an image (shorter images are zero padded). With
     * {@code shadowed} the pages are of type ROM_SHADOW (writable copies), else ROM (writes ignored).
     */
    RamRange registerRom(long first, long last, byte[] image, boolean shadowed, String description);

    /** Registers an MMIO range: pages of type MMIO on the zero frame, no backing. */
    RamRange registerMmio(long first, long last, String description);

    /**
     * Removes a RAM, ROM or MMIO range starting at {@code first} and frees its frames. Refused
     * with VERR_RESOURCE_BUSY while any of its pages is covered by a handler or tracked by the pool.
     */
    void deregisterRange(long first);

    /** Counts a look-up answered by a caller's own cache, for statistics only. */
    void countCachedLookup();

    // ---------------------------------------------------------------- device regions

    /** Registers an MMIO2 region of allocated, device-owned pages; returns its handle. Not mapped yet. */
    int registerMmio2(Object owner, long size, String description);

    /** Registers an MMIO region under a handle, to be mapped later; returns its handle. */
    int preRegisterMmio(Object owner, long size, String description);

    /** Maps a region's chunks contiguously at a page-aligned address. */
    void mapRegion(Object owner, int handle, long gcPhys);

    /** Unmaps a region (its pages and their contents stay with the region). */
    void unmapRegion(Object owner, int handle);

    /** Deregisters an unmapped region and frees its frames. */
    void deregisterRegion(Object owner, int handle);

    /**
     * Resolves a page of an MMIO2 region (pgmPhysResolveMmio2PageLocked): the handle must name
     * the first chunk of a region owned by {@code owner}, every chunk walked must be MMIO2 and the
     * offset must fall inside the region.
     *
     * @throws PgmException VERR_OUT_OF_RANGE naming the check that failed
     */
    PageLocation resolveMmio2Page(Object owner, int handle, long offset);

    // ---------------------------------------------------------------- page transitions

    /**
     * Makes a page's frame privately writable (pgmPhysPageMakeWritable): ZERO and BALLOONED pages get a
     * zeroed frame, SHARED pages a private copy, WRITE_MONITORED pages become ALLOCATED. Listeners
     * hear of the new backing. ALLOCATED pages are left alone.
     *
     * @throws PgmException VERR_PGM_PHYS_PAGE_RESERVED for pages that are not RAM-like (MMIO, ROM, aliases),
     *                      VERR_NO_MEMORY when no frame is left
     */
    void makeWritable(RamRange range, int index);

    /** Starts monitoring writes to an ALLOCATED page (state WRITE_MONITORED). */
    void writeMonitor(RamRange range, int index);

    /**
     * Makes the target page share the source page's frame (both SHARED, copied on the next write
     * to either). Both must be RAM pages; the source must have a frame (not ZERO or BALLOONED).
     */
    void share(RamRange target, int targetIndex, RamRange source, int sourceIndex);

    /** Returns a RAM page's frame to the host (state BALLOONED on the zero frame). */
    void balloon(RamRange range, int index);

    /**
     * Backs an MMIO page with another frame: an MMIO2 page ({@link PageType#MMIO2_ALIAS_MMIO}) or a
     * host page ({@link PageType#SPECIAL_ALIAS_MMIO}). The page must be MMIO on the zero frame. Its
     * handler state is set as given before listeners are told.
     */
    void aliasMmioPage(RamRange range, int index, PageType aliasType, int hostFrame, int pageId,
            PageHandlerState handlerState);

    /** Turns an aliased page back into MMIO on the zero frame, with the given handler state. */
    void resetAliasedPage(RamRange range, int index, PageHandlerState handlerState);

    // ---------------------------------------------------------------- notifications

    /** Tells listeners the page's protection changed and stores the engine's new state. */
    void notifyProtectionChanged(RamRange range, int index);

    /** Tells listeners one page's cached translation is stale. */
    void invalidatePageMapping(long gcPhysPage);

    /** Tells listeners every cached translation is stale. */
    void invalidateAllPageMappings();

    /** Adds a listener (called in the order added). */
    void addListener(PageChangeListener listener);

    /** Removes a listener. */
    void removeListener(PageChangeListener listener);

    // ---------------------------------------------------------------- raw access

    /**
     * Writes 1, 2, 4 or 8 bytes little-endian, split at page boundaries. Pages without a private frame
     * get one first; ROM pages, MMIO pages without backing and unassigned addresses drop the write.
     */
    void write(long gcPhys, int size, long value);

    /** Bulk write with the rules of {@link #write(long, int, long)}. */
    void write(long gcPhys, byte[] src, int offset, int length);
}
