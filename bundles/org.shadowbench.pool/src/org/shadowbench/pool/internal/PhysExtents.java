package org.shadowbench.pool.internal;

import org.shadowbench.pool.ShadowPagePool;

/**
 * Physical cross-reference extents (PGMPOOLPHYSEXT): lists of up to three shadow page tables per
 * extent that map the same guest page, chained through {@link #next}, with a free list.
 */
final class PhysExtents {
    static final int NIL = 0xffff;
    static final int SLOTS = 3;

    final int[] next;
    /** {@code SLOTS} shadow page table indexes per extent, NIL_INDEX when empty. */
    final int[] tables;
    int freeHead;

    PhysExtents(int capacity) {
        next = new int[capacity];
        tables = new int[capacity * SLOTS];
        reset();
    }

    int capacity() {
        return next.length;
    }

    /** Empties every extent onto the free list. */
    void reset() {
        for (int i = 0; i < next.length; i++) {
            next[i] = i + 1;
            clear(i);
        }
        next[next.length - 1] = NIL;
        freeHead = 0;
    }

    private void clear(int extent) {
        for (int s = 0; s < SLOTS; s++) {
            tables[extent * SLOTS + s] = ShadowPagePool.NIL_INDEX;
        }
    }

    /** Takes an empty extent off the free list (pgmPoolTrackPhysExtAlloc), or NIL when none is left. */
    int allocate() {
        int extent = freeHead;
        if (extent != NIL) {
            freeHead = next[extent];
            next[extent] = NIL;
        }
        return extent;
    }

    /** Empties one extent and frees it (pgmPoolTrackPhysExtFree). */
    void free(int extent) {
        clear(extent);
        next[extent] = freeHead;
        freeHead = extent;
    }

    /** Empties and frees a whole list (pgmPoolTrackPhysExtFreeList). */
    void freeList(int head) {
        int extent = head;
        int last;
        do {
            clear(extent);
            last = extent;
            extent = next[extent];
        } while (extent != NIL);
        next[last] = freeHead;
        freeHead = head;
    }

    int slot(int extent, int s) {
        return tables[extent * SLOTS + s];
    }

    void setSlot(int extent, int s, int table) {
        tables[extent * SLOTS + s] = table;
    }
}
