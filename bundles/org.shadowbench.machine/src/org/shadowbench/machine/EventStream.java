package org.shadowbench.machine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the engine does, as a stream of events in a bounded ring: handler hits, shadow syncs,
 * guest faults, TLB flushes and CR3 syncs from the CPU's slow paths; allocations, cache hits,
 * flushes, evictions and monitoring changes from the pool; devices arriving and departing.
 *
 * <p>The emulation thread writes without ever waiting: a slot is a few primitive stores and the
 * sequence is published with release semantics. Readers on any thread poll with their own
 * {@link Reader} and check after copying a slot that it was not overwritten meanwhile; one that
 * falls a ring's capacity behind loses the oldest events and is told how many. Totals per kind count every event ever recorded, so rates per second need no
 * reader at all ({@link Rates}).
 */
public final class EventStream {
    /** The kinds of event. */
    public enum Kind {
        /** A guest read went to a physical access handler: a = physical address, b = size. */
        HANDLER_READ,
        /** A guest write went to a physical access handler: a = physical address, b = size. */
        HANDLER_WRITE,
        /** The trap handler synced a shadow entry: a = linear address, b = guest-physical page. */
        SHADOW_SYNC,
        /** An exception or interrupt was delivered: a = vector, b = error code (-1: none). */
        GUEST_FAULT,
        /** The pool changed shadow entries and the TLB was flushed. */
        TLB_FLUSH,
        /** The shadow roots were resynchronised from CR3: a = 1 when the pool was cleared first. */
        CR3_SYNC,
        /** The pool handed out a new page: a = page, b = guest-physical address shadowed. */
        POOL_ALLOC,
        /** The pool's cache answered an allocation: a = page, b = guest-physical address. */
        POOL_CACHE_HIT,
        /** A pool page was flushed: a = page, b = guest-physical address it shadowed. */
        POOL_FLUSH,
        /** The least recently used pool page is evicted: a = page. */
        POOL_EVICT,
        /** A pool page started monitoring its guest page: a = page, b = guest-physical address. */
        MONITOR_ON,
        /** A pool page stopped monitoring: a = page, b = guest-physical address. */
        MONITOR_OFF,
        /** A device was attached: a = devices attached now, detail = its name. */
        DEVICE_ARRIVED,
        /** A device was detached: a = devices attached now, detail = its name. */
        DEVICE_DEPARTED
    }

    /**
     * One event as a reader sees it.
     *
     * @param sequence 0 for the first event the stream ever recorded
     * @param nanos    the machine's virtual time
     * @param detail   a name, for device events; else null
     */
    public record Event(long sequence, long nanos, Kind kind, long a, long b, String detail) {
    }

    private static final Kind[] KINDS = Kind.values();
    private static final VarHandle PUBLISHED;

    static {
        try {
            PUBLISHED = MethodHandles.lookup().findVarHandle(EventStream.class, "published", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int mask;
    private final long[] times;
    private final byte[] kinds;
    private final long[] as;
    private final long[] bs;
    private final String[] details;
    private final long[] totals = new long[KINDS.length];
    /** Events recorded so far; slot {@code s & mask} holds event {@code s}. Written with release. */
    @SuppressWarnings("unused")
    private volatile long published;

    /** A stream keeping the last {@code capacity} events (rounded up to a power of two). */
    public EventStream(int capacity) {
        int size = Integer.highestOneBit(Math.max(16, capacity) - 1) << 1;
        mask = size - 1;
        times = new long[size];
        kinds = new byte[size];
        as = new long[size];
        bs = new long[size];
        details = new String[size];
    }

    /** Records an event (emulation thread). */
    public void record(Kind kind, long nanos, long a, long b) {
        record(kind, nanos, a, b, null);
    }

    /** Records an event with a detail (emulation thread). */
    public void record(Kind kind, long nanos, long a, long b, String detail) {
        long sequence = (long) PUBLISHED.getOpaque(this);
        // Keeps the slot's new contents from becoming visible before the previous publication.
        VarHandle.storeStoreFence();
        int slot = (int) sequence & mask;
        times[slot] = nanos;
        kinds[slot] = (byte) kind.ordinal();
        as[slot] = a;
        bs[slot] = b;
        details[slot] = detail;
        totals[kind.ordinal()]++;
        PUBLISHED.setRelease(this, sequence + 1);
    }

    /** Events recorded so far. */
    public long recorded() {
        return (long) PUBLISHED.getAcquire(this);
    }

    /** Events of a kind recorded so far. */
    public long total(Kind kind) {
        PUBLISHED.getAcquire(this);
        return totals[kind.ordinal()];
    }

    /** The ring's capacity. */
    public int capacity() {
        return mask + 1;
    }

    /** A reader starting after the events recorded so far. */
    public Reader reader() {
        return new Reader(recorded());
    }

    /** Reads the stream from one position on; not shared between threads. */
    public final class Reader {
        private long next;
        private long lost;

        private Reader(long start) {
            next = start;
        }

        /**
         * Hands the events recorded since the last poll to {@code sink}, oldest first, at most
         * {@code max} of them.
         *
         * @return the number handed over
         */
        public int poll(Consumer<Event> sink, int max) {
            int delivered = 0;
            while (delivered < max) {
                long end = recorded();
                if (next >= end) {
                    break;
                }
                // The slot of event end - capacity may be under rewrite for event end right now.
                long oldest = end - capacity() + 1;
                if (next < oldest) {
                    lost += oldest - next;
                    next = oldest;
                }
                int slot = (int) next & mask;
                Event event = new Event(next, times[slot], KINDS[kinds[slot]], as[slot], bs[slot], details[slot]);
                VarHandle.loadLoadFence();
                if (recorded() - capacity() + 1 > next) {
                    continue; // lapped while copying: the copy may be torn; the next turn counts it lost
                }
                sink.accept(event);
                next++;
                delivered++;
            }
            return delivered;
        }

        /** Events overwritten before this reader got to them. */
        public long lost() {
            return lost;
        }
    }

    /** Rates per second of wall-clock time, from the totals between two samples. */
    public final class Rates {
        private final long[] last = new long[KINDS.length];
        private long lastNanos = System.nanoTime();

        private Rates() {
            for (Kind kind : KINDS) {
                last[kind.ordinal()] = total(kind);
            }
        }

        /** Events per second of each kind since the previous sample (or since the rates were created). */
        public Map<Kind, Double> sample() {
            long now = System.nanoTime();
            double seconds = Math.max(1e-9, (now - lastNanos) / 1e9);
            Map<Kind, Double> rates = new EnumMap<>(Kind.class);
            for (Kind kind : KINDS) {
                long total = total(kind);
                rates.put(kind, (total - last[kind.ordinal()]) / seconds);
                last[kind.ordinal()] = total;
            }
            lastNanos = now;
            return rates;
        }
    }

    /** A new rate sampler. */
    public Rates rates() {
        return new Rates();
    }
}
