package org.shadowbench.memory;

import java.io.IOException;
import java.util.List;

/**
 * The read-only surface of the guest-physical page model: look-ups of ranges, pages and device
 * regions, raw reads, statistics, the dump and the consistency check. Views and the debugger take
 * this type where they only look, so the compiler keeps them from changing the model;
 * {@link PhysicalMemory} extends it with the operations that change it.
 *
 * <p>Read-only describes this surface, not the object behind it: the model keeps changing on the
 * emulation thread, and the {@link RamRange}s returned still carry the descriptor setters the
 * registry and the pool use. Reads of MMIO or unassigned space return what the page model holds
 * (no device is called), so reading through this type never has a side effect on the guest.
 *
 * <p>Threading: as {@link PhysicalMemory}; call it on the emulation thread.
 */
public interface ReadOnlyPhysicalMemory {
    /** The limits this model was created with. */
    MemoryConfiguration configuration();

    // ---------------------------------------------------------------- ranges

    /** The ranges visible in guest-physical space, in address order (an unmodifiable copy). */
    List<RamRange> ranges();

    /** Number of ranges visible in guest-physical space. */
    int rangeCount();

    /** The range holding the address, or {@code null} (pgmPhysGetRange). */
    RamRange rangeAt(long gcPhys);

    /** The range holding the address or else the first above it, or {@code null} (pgmPhysGetRangeAtOrAbove). */
    RamRange rangeAtOrAbove(long gcPhys);

    /** The hint when it holds the address, else the range holding it, or {@code null} (the with-hint look-ups). */
    RamRange rangeWithHint(long gcPhys, RamRange hint);

    /**
     * The range holding the address (pgmPhysGetPageEx).
     *
     * @throws PgmException VERR_PGM_INVALID_GC_PHYSICAL_ADDRESS when no range holds it
     */
    RamRange requireRange(long gcPhys);

    /** The page holding the address; throws like {@link #requireRange(long)}. */
    default PageLocation page(long gcPhys) {
        RamRange range = requireRange(gcPhys);
        return new PageLocation(range, range.pageIndex(gcPhys));
    }

    // ---------------------------------------------------------------- device regions

    /** The region with the handle, or {@code null}. */
    DeviceMemoryRegion region(int handle);

    /** All registered regions in handle order. */
    List<DeviceMemoryRegion> regions();

    // ---------------------------------------------------------------- pages and raw reads

    /** The protection an execution engine should give the page (pgmPhysPageCalcNemProtection). */
    int protection(RamRange range, int index);

    /**
     * Reads 1, 2, 4 or 8 bytes little-endian, split at page boundaries. Unassigned addresses read
     * as all ones; MMIO pages read the zero frame behind them, as in VirtualBox.
     */
    long read(long gcPhys, int size);

    /** Bulk read with the rules of {@link #read(long, int)}. */
    void read(long gcPhys, byte[] dst, int offset, int length);

    // ---------------------------------------------------------------- inspection

    /** A consistent copy of the counters. */
    MemoryStatistics statistics();

    /** Writes a table of the ranges and regions in the spirit of VirtualBox's {@code info phys}. */
    void dump(Appendable out) throws IOException;

    /**
     * Checks every invariant of the model: ranges sorted, aligned and disjoint; descriptors decode
     * to valid values and agree with each other (zero frame iff ZERO/BALLOONED/MMIO); frame
     * ownership and reference counts match the pages; the zero frame is still zero; the region
     * table's chunk flags; the look-up cache. Returns the violations, empty when consistent.
     */
    List<String> check();
}
