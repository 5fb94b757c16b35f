package org.shadowbench.memory;

import java.util.List;

/**
 * A region registered by a device under a handle: MMIO2 (device-owned memory such as a frame
 * buffer) or pre-registered MMIO. A large region is split into chunks, each a {@link RamRange} of
 * its own occupying one slot of the handle table; the handle is one more than the first chunk's
 * slot. The region is mapped into guest-physical space, unmapped and mapped again as a whole.
 */
public interface DeviceMemoryRegion {
    /** The chunk holds MMIO2 memory (absent for pre-registered MMIO). */
    int CHUNK_MMIO2 = 0x01;
    /** The chunk is the first of its region. */
    int CHUNK_FIRST = 0x02;
    /** The chunk is the last of its region. */
    int CHUNK_LAST = 0x04;
    /** The chunk is mapped into guest-physical space. */
    int CHUNK_MAPPED = 0x08;

    /** The handle (1-based). */
    int handle();

    /** The device that registered the region; only it may map, unmap, resolve or deregister it. */
    Object owner();

    /** Description given at registration. */
    String description();

    /** Whether the region holds MMIO2 memory rather than pre-registered MMIO. */
    boolean isMmio2();

    /** Size in bytes. */
    long size();

    /** The chunks in order. */
    List<RamRange> chunks();

    /** Flags of a chunk ({@code CHUNK_*}). */
    int chunkFlags(int chunk);

    /** Whether the region is mapped. */
    boolean isMapped();

    /** Guest-physical address of the region when mapped, else {@link PhysicalMemory#NIL_ADDRESS}. */
    long mappedAt();
}
