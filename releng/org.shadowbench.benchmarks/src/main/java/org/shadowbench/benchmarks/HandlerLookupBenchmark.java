package org.shadowbench.benchmarks;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.handlers.ShadowPageTables;
import org.shadowbench.handlers.internal.PhysicalHandlerRegistryImpl;
import org.shadowbench.machine.EngineFactories;
import org.shadowbench.memory.PhysicalMemory;

import com.google.common.collect.Range;
import com.google.common.collect.TreeRangeMap;

/**
 * Handler look-up by address with 6144 (VirtualBox's default maximum) and 65536 one-page handlers
 * separated by one-page gaps, for random addresses (half inside handlers, half in gaps), against
 * {@link TreeMap#floorEntry} plus a range check and Guava's {@link TreeRangeMap} holding the same
 * intervals. Also the cost of registering and deregistering a one-page handler among them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HandlerLookupBenchmark {
    private static final int ADDRESSES = 4096;

    @Param({ "6144", "65536" })
    public int handlers;

    private PhysicalHandlerRegistryImpl registry;
    private HandlerType type;
    private final TreeMap<Long, Long> treeMap = new TreeMap<>();
    private final TreeRangeMap<Long, Object> rangeMap = TreeRangeMap.create();
    private final long[] addresses = new long[ADDRESSES];
    private long freePage;

    @Setup
    public void setUp() {
        PhysicalMemory memory = EngineFactories.standard().memory().create();
        long pages = 2L * handlers + 16;
        memory.registerRam(0, pages * PhysicalMemory.PAGE_SIZE - 1, "RAM");
        registry = (PhysicalHandlerRegistryImpl) EngineFactories.standard().registry().create(memory, ShadowPageTables.NONE, null);
        type = registry.registerType(HandlerKind.WRITE, "benchmark", (access, user) -> AccessOutcome.DEFAULT);
        Random random = new Random(42);
        // Insert in random order so that the tree is built the way a running machine builds it.
        int[] order = new int[handlers];
        for (int i = 0; i < handlers; i++) {
            order[i] = i;
        }
        for (int i = handlers - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i : order) {
            long first = 2L * i * PhysicalMemory.PAGE_SIZE;
            long last = first + PhysicalMemory.PAGE_SIZE - 1;
            registry.register(first, last, type, null, "h" + i);
            treeMap.put(first, last);
            rangeMap.put(Range.closed(first, last), registry.handlerAt(first));
        }
        for (int i = 0; i < ADDRESSES; i++) {
            addresses[i] = (long) (random.nextDouble() * 2 * handlers * PhysicalMemory.PAGE_SIZE);
        }
        freePage = 2L * handlers * PhysicalMemory.PAGE_SIZE + PhysicalMemory.PAGE_SIZE;
    }

    @Benchmark
    @OperationsPerInvocation(ADDRESSES)
    public int registryLookup() {
        int found = 0;
        for (long address : addresses) {
            if (registry.lookup(address) != null) {
                found++;
            }
        }
        return found;
    }

    @Benchmark
    @OperationsPerInvocation(ADDRESSES)
    public int registryLookupUncached() {
        int found = 0;
        for (long address : addresses) {
            if (registry.lookupUncached(address) != null) {
                found++;
            }
        }
        return found;
    }

    @Benchmark
    @OperationsPerInvocation(ADDRESSES)
    public int treeMapFloorEntry() {
        int found = 0;
        for (long address : addresses) {
            Map.Entry<Long, Long> entry = treeMap.floorEntry(address);
            if (entry != null && entry.getValue() >= address) {
                found++;
            }
        }
        return found;
    }

    @Benchmark
    @OperationsPerInvocation(ADDRESSES)
    public int guavaTreeRangeMap() {
        int found = 0;
        for (long address : addresses) {
            if (rangeMap.get(address) != null) {
                found++;
            }
        }
        return found;
    }

    @Benchmark
    public PhysicalHandler registerAndDeregister() {
        registry.register(freePage, freePage + PhysicalMemory.PAGE_SIZE - 1, type, null, "transient");
        PhysicalHandler handler = registry.handlerAt(freePage);
        registry.deregister(freePage);
        return handler;
    }
}
