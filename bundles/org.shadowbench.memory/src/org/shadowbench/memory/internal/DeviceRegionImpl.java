package org.shadowbench.memory.internal;

import java.util.List;

import org.shadowbench.memory.DeviceMemoryRegion;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;

/** A registered device region: its chunks, the slot of the first one and where it is mapped. */
final class DeviceRegionImpl implements DeviceMemoryRegion {
    private final int handle;
    private final Object owner;
    private final String description;
    private final boolean mmio2;
    private final long size;
    final RamRangeImpl[] chunks;
    final int[] chunkFlags;
    private long mappedAt = PhysicalMemory.NIL_ADDRESS;

    DeviceRegionImpl(int handle, Object owner, String description, boolean mmio2, long size, int chunkCount) {
        this.handle = handle;
        this.owner = owner;
        this.description = description;
        this.mmio2 = mmio2;
        this.size = size;
        this.chunks = new RamRangeImpl[chunkCount];
        this.chunkFlags = new int[chunkCount];
    }

    /** Slot of the first chunk in the handle table. */
    int firstSlot() {
        return handle - 1;
    }

    @Override
    public int handle() {
        return handle;
    }

    @Override
    public Object owner() {
        return owner;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean isMmio2() {
        return mmio2;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public List<RamRange> chunks() {
        return List.of(chunks);
    }

    @Override
    public int chunkFlags(int chunk) {
        return chunkFlags[chunk];
    }

    @Override
    public boolean isMapped() {
        return mappedAt != PhysicalMemory.NIL_ADDRESS;
    }

    @Override
    public long mappedAt() {
        return mappedAt;
    }

    /** Places every chunk contiguously from {@code address}, or unmaps them with NIL_ADDRESS. */
    void place(long address) {
        mappedAt = address;
        long at = address;
        for (int i = 0; i < chunks.length; i++) {
            chunks[i].place(at);
            if (address == PhysicalMemory.NIL_ADDRESS) {
                chunkFlags[i] &= ~CHUNK_MAPPED;
            } else {
                chunkFlags[i] |= CHUNK_MAPPED;
                at += chunks[i].size();
            }
        }
    }

    @Override
    public String toString() {
        return "region #" + handle + " '" + description + "' of " + owner;
    }
}
