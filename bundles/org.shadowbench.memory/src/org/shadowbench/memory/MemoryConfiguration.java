package org.shadowbench.memory;

/**
 * Limits of a {@link PhysicalMemory}.
 *
 * @param maxHostFrames     frames the host frame store may hand out at once, the zero frame included
 * @param maxRanges         RAM ranges that may be registered at once (VirtualBox allows 3072)
 * @param maxRegionSlots    slots of the device region handle table; a region takes one per chunk
 * @param maxChunkPages     pages per chunk of a device (MMIO2) region; larger regions are split
 */
public record MemoryConfiguration(int maxHostFrames, int maxRanges, int maxRegionSlots, int maxChunkPages) {

    /** VirtualBox's limit on RAM ranges. */
    public static final int DEFAULT_MAX_RANGES = 3072;
    /** Slots in the device region handle table (VirtualBox's PGM_MMIO2_MAX_RANGES). */
    public static final int DEFAULT_MAX_REGION_SLOTS = 32;
    /** Pages per device region chunk, VirtualBox's figure (a chunk's descriptors fill about 16 MiB). */
    public static final int DEFAULT_MAX_CHUNK_PAGES = 1_048_000;
    /** Host frames: 64 GiB; frames are allocated lazily so the limit costs nothing until used. */
    public static final int DEFAULT_MAX_HOST_FRAMES = 1 << 24;

    /** Validates the limits. */
    public MemoryConfiguration {
        if (maxHostFrames < 2 || maxRanges < 1 || maxRegionSlots < 1 || maxChunkPages < 1) {
            throw new IllegalArgumentException("memory limits must be positive (and at least two host frames): "
                    + maxHostFrames + ", " + maxRanges + ", " + maxRegionSlots + ", " + maxChunkPages);
        }
    }

    /** The defaults. */
    public static MemoryConfiguration defaults() {
        return new MemoryConfiguration(DEFAULT_MAX_HOST_FRAMES, DEFAULT_MAX_RANGES, DEFAULT_MAX_REGION_SLOTS,
                DEFAULT_MAX_CHUNK_PAGES);
    }

    /** A copy with another host frame limit. */
    public MemoryConfiguration withMaxHostFrames(int frames) {
        return new MemoryConfiguration(frames, maxRanges, maxRegionSlots, maxChunkPages);
    }

    /** A copy with another range limit. */
    public MemoryConfiguration withMaxRanges(int ranges) {
        return new MemoryConfiguration(maxHostFrames, ranges, maxRegionSlots, maxChunkPages);
    }

    /** A copy with another region slot count. */
    public MemoryConfiguration withMaxRegionSlots(int slots) {
        return new MemoryConfiguration(maxHostFrames, maxRanges, slots, maxChunkPages);
    }

    /** A copy with another chunk size. */
    public MemoryConfiguration withMaxChunkPages(int pages) {
        return new MemoryConfiguration(maxHostFrames, maxRanges, maxRegionSlots, pages);
    }
}
