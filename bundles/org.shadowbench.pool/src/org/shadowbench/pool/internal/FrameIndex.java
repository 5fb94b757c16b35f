package org.shadowbench.pool.internal;

import java.util.Arrays;

import org.shadowbench.pool.ShadowPagePool;

/**
 * Host frame to pool page, the reference's HCPhys tree: an open-addressing table of primitive ints.
 * Pool frames never change once the pool has grown, so entries are only ever added.
 */
final class FrameIndex {
    private static final int EMPTY = -1;
    private final int[] keys;
    private final int[] values;
    private final int mask;

    FrameIndex(int entries) {
        int capacity = Integer.highestOneBit(Math.max(16, entries * 2) - 1) << 1;
        keys = new int[capacity];
        values = new int[capacity];
        mask = capacity - 1;
        Arrays.fill(keys, EMPTY);
    }

    private static int spread(int frame) {
        return frame * 0x9e3779b9 >>> 7;
    }

    void put(int frame, int page) {
        int slot = spread(frame) & mask;
        while (keys[slot] != EMPTY && keys[slot] != frame) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = frame;
        values[slot] = page;
    }

    /** The pool page whose table lives in the frame, or NIL_INDEX. */
    int get(int frame) {
        int slot = spread(frame) & mask;
        while (keys[slot] != EMPTY) {
            if (keys[slot] == frame) {
                return values[slot];
            }
            slot = (slot + 1) & mask;
        }
        return ShadowPagePool.NIL_INDEX;
    }
}
