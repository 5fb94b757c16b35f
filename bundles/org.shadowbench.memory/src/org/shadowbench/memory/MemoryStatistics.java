package org.shadowbench.memory;

/**
 * Counters of a {@link PhysicalMemory}, read as one consistent snapshot.
 *
 * @param rangeLookups        address to range look-ups
 * @param rangeCacheHits      look-ups answered by the last-hit cache
 * @param zeroPageAllocations zero or ballooned pages given a private frame on first write
 * @param copyOnWrites        shared pages copied on first write
 * @param monitoredWrites     write-monitored pages written (and unmonitored)
 * @param romWritesIgnored    writes to ROM pages, dropped
 * @param unbackedReads       reads of MMIO pages without backing (zeros) or of unassigned addresses (all ones)
 * @param unbackedWrites      writes to MMIO pages without backing or to unassigned addresses (dropped)
 * @param framesInUse         host frames handed out, the zero frame included
 * @param peakFramesInUse     the most host frames in use at once
 */
public record MemoryStatistics(long rangeLookups, long rangeCacheHits, long zeroPageAllocations, long copyOnWrites,
        long monitoredWrites, long romWritesIgnored, long unbackedReads, long unbackedWrites, int framesInUse,
        int peakFramesInUse) {

    /** Look-ups the last-hit cache could not answer. */
    public long rangeCacheMisses() {
        return rangeLookups - rangeCacheHits;
    }
}
