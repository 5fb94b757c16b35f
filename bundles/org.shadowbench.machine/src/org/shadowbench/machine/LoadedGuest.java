package org.shadowbench.machine;

import java.util.List;

/**
 * What a loader put into guest memory.
 *
 * @param format      "multiboot ELF", "multiboot a.out kludge" or "flat binary"
 * @param entry       the entry point the CPU starts at
 * @param segments    the loaded pieces, kernel first, then modules
 * @param infoAddress the multiboot information structure's address (EBX at entry), or 0 for flat binaries
 */
public record LoadedGuest(String format, long entry, List<Segment> segments, long infoAddress) {
    public LoadedGuest {
        segments = List.copyOf(segments);
    }

    /** Whether a loaded piece (or the multiboot information) occupies part of [first, end). */
    public boolean occupies(long first, long end) {
        return segments.stream().anyMatch(s -> s.address() < end && s.end() > first);
    }

    /**
     * One loaded piece of guest memory.
     *
     * @param address    guest-physical start
     * @param fileBytes  bytes copied from the image
     * @param memoryBytes bytes occupied (the rest zeroed)
     * @param what       a description ("kernel segment 1", "module initrd.img")
     */
    public record Segment(long address, long fileBytes, long memoryBytes, String what) {
        /** The first address after the piece. */
        public long end() {
            return address + memoryBytes;
        }
    }
}
