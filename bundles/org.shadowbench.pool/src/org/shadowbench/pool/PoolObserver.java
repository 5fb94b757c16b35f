package org.shadowbench.pool;

/**
 * Told about the pool's structural events, for event streams and views. Every method defaults to
 * nothing; calls happen on the emulation thread, inside the pool's operations, so observers only
 * record.
 */
public interface PoolObserver {
    /** No observer. */
    PoolObserver NONE = new PoolObserver() {
    };

    /** A page was handed out: {@code cached} when the cache answered. */
    default void allocated(int page, PoolKind kind, long gcPhys, boolean cached) {
    }

    /** A page was flushed back to the free list. */
    default void flushed(int page, PoolKind kind, long gcPhys) {
    }

    /** The least recently used page is about to be evicted to make room. */
    default void evicting(int page) {
    }

    /** A page joined ({@code monitored}) or left the monitoring of its guest page. */
    default void monitorChanged(int page, long gcPhys, boolean monitored) {
    }
}
