package org.shadowbench.memory.internal;

import java.util.Arrays;
import java.util.List;

/**
 * The visible ranges sorted by address: parallel arrays of first and last addresses searched by
 * bisection, plus a last-hit cache in front. Changing the set of ranges copies the arrays, which
 * is rare; look-ups allocate nothing.
 */
final class RangeIndex {
    private RamRangeImpl[] ranges = new RamRangeImpl[0];
    private long[] firsts = new long[0];
    private long[] lasts = new long[0];
    private RamRangeImpl lastHit;
    long lookups;
    long cacheHits;

    int size() {
        return ranges.length;
    }

    RamRangeImpl get(int position) {
        return ranges[position];
    }

    List<RamRangeImpl> asList() {
        return List.of(ranges);
    }

    RamRangeImpl lastHit() {
        return lastHit;
    }

    /** The range holding the address, or {@code null}. */
    RamRangeImpl find(long address) {
        lookups++;
        RamRangeImpl hit = lastHit;
        if (hit != null && address >= hit.first() && address <= hit.last()) {
            cacheHits++;
            return hit;
        }
        int position = floor(address);
        if (position >= 0 && address <= lasts[position]) {
            RamRangeImpl range = ranges[position];
            lastHit = range;
            return range;
        }
        return null;
    }

    /** Like {@link #find(long)} but bypassing the cache (for benchmarks and the checker). */
    RamRangeImpl findUncached(long address) {
        int position = floor(address);
        return position >= 0 && address <= lasts[position] ? ranges[position] : null;
    }

    /** The range holding the address or the first one above it, or {@code null}. */
    RamRangeImpl findAtOrAbove(long address) {
        int position = floor(address);
        if (position >= 0 && address <= lasts[position]) {
            return ranges[position];
        }
        return position + 1 < ranges.length ? ranges[position + 1] : null;
    }

    /** Position of the last range whose first address is at most {@code address}, or -1. */
    private int floor(long address) {
        long[] keys = firsts;
        int low = 0;
        int high = keys.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (keys[mid] <= address) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return high;
    }

    /** The first existing range overlapping [first, last], or {@code null}. */
    RamRangeImpl firstOverlap(long first, long last) {
        RamRangeImpl candidate = findAtOrAbove(first);
        return candidate != null && candidate.first() <= last ? candidate : null;
    }

    /** Inserts a range known not to overlap. */
    void insert(RamRangeImpl range) {
        int position = floor(range.first()) + 1;
        int n = ranges.length;
        RamRangeImpl[] newRanges = new RamRangeImpl[n + 1];
        long[] newFirsts = new long[n + 1];
        long[] newLasts = new long[n + 1];
        System.arraycopy(ranges, 0, newRanges, 0, position);
        System.arraycopy(firsts, 0, newFirsts, 0, position);
        System.arraycopy(lasts, 0, newLasts, 0, position);
        newRanges[position] = range;
        newFirsts[position] = range.first();
        newLasts[position] = range.last();
        System.arraycopy(ranges, position, newRanges, position + 1, n - position);
        System.arraycopy(firsts, position, newFirsts, position + 1, n - position);
        System.arraycopy(lasts, position, newLasts, position + 1, n - position);
        ranges = newRanges;
        firsts = newFirsts;
        lasts = newLasts;
    }

    /** Removes a range that is in the index. */
    void remove(RamRangeImpl range) {
        int position = floor(range.first());
        if (position < 0 || ranges[position] != range) {
            throw new IllegalStateException("range not indexed: " + range);
        }
        int n = ranges.length;
        RamRangeImpl[] newRanges = Arrays.copyOf(ranges, n - 1);
        long[] newFirsts = Arrays.copyOf(firsts, n - 1);
        long[] newLasts = Arrays.copyOf(lasts, n - 1);
        System.arraycopy(ranges, position + 1, newRanges, position, n - position - 1);
        System.arraycopy(firsts, position + 1, newFirsts, position, n - position - 1);
        System.arraycopy(lasts, position + 1, newLasts, position, n - position - 1);
        ranges = newRanges;
        firsts = newFirsts;
        lasts = newLasts;
        if (lastHit == range) {
            lastHit = null;
        }
    }

    /** Appends the index's own invariant violations. */
    void check(List<String> problems) {
        if (firsts.length != ranges.length || lasts.length != ranges.length) {
            problems.add("range index arrays differ in length");
            return;
        }
        for (int i = 0; i < ranges.length; i++) {
            RamRangeImpl range = ranges[i];
            if (firsts[i] != range.first() || lasts[i] != range.last()) {
                problems.add("range index keys of position " + i + " do not match " + range);
            }
            if (i > 0 && lasts[i - 1] >= firsts[i]) {
                problems.add("ranges out of order or overlapping: " + ranges[i - 1] + " and " + range);
            }
        }
        if (lastHit != null && (findUncached(lastHit.first()) != lastHit)) {
            problems.add("last-hit cache holds a range that is not indexed: " + lastHit);
        }
    }
}
