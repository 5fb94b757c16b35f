package org.shadowbench.pool.internal;

import org.shadowbench.pool.ShadowPagePool;

/**
 * The user records (PGMPOOLUSER): which pool page, and which entry of it, points at a pool page.
 * Parallel arrays with a free list threaded through {@link #next}.
 */
final class UserRecords {
    static final int NIL = 0xffff;
    private static final int NO_TABLE = 0xfffe;

    final int[] next;
    final int[] user;
    final int[] table;
    int freeHead;

    UserRecords(int capacity) {
        next = new int[capacity];
        user = new int[capacity];
        table = new int[capacity];
        reset();
    }

    int capacity() {
        return next.length;
    }

    /** Puts every record on the free list. */
    void reset() {
        for (int i = 0; i < next.length; i++) {
            next[i] = i + 1;
            user[i] = ShadowPagePool.NIL_INDEX;
            table[i] = NO_TABLE;
        }
        next[next.length - 1] = NIL;
        freeHead = 0;
    }

    /** Takes a record off the free list, or NIL when none is left. */
    int allocate() {
        int i = freeHead;
        if (i != NIL) {
            freeHead = next[i];
            next[i] = NIL;
        }
        return i;
    }

    /** Returns a record to the free list. */
    void release(int i) {
        user[i] = ShadowPagePool.NIL_INDEX;
        table[i] = NO_TABLE;
        next[i] = freeHead;
        freeHead = i;
    }
}
