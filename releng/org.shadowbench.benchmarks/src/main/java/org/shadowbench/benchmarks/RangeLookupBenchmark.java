package org.shadowbench.benchmarks;

import java.util.Random;
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
import org.shadowbench.machine.EngineFactories;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.internal.PhysicalMemoryImpl;

/**
 * Page look-up by guest-physical address in a 4 GiB guest made of 1 or 3072 RAM ranges.
 *
 * <ul>
 * <li>{@code cachedLookup}: addresses inside the range looked up last (the last-hit cache answers).</li>
 * <li>{@code uncachedLookup}: random addresses over the whole guest with the cache bypassed (bisection).</li>
 * <li>{@code randomLookup}: random addresses through the normal path (cache check, then bisection).</li>
 * </ul>
 * Each look-up resolves the page and reads its host frame, as the CPU's TLB fill does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RangeLookupBenchmark {
    private static final int ADDRESSES = 1024;
    private static final long GUEST = 4L << 30;

    @Param({ "1", "3072" })
    public int ranges;

    private PhysicalMemoryImpl memory;
    private final long[] sameRange = new long[ADDRESSES];
    private final long[] anywhere = new long[ADDRESSES];

    @Setup
    public void setUp() {
        memory = (PhysicalMemoryImpl) EngineFactories.standard().memory().create();
        long pagesPerRange = (GUEST >>> 12) / ranges;
        long address = 0;
        for (int i = 0; i < ranges; i++) {
            // A one-page gap between neighbours keeps them separate ranges.
            long pages = ranges == 1 ? pagesPerRange : pagesPerRange - 1;
            memory.registerRam(address, address + (pages << 12) - 1, "RAM " + i);
            address += pagesPerRange << 12;
        }
        Random random = new Random(42);
        RamRange middle = memory.ranges().get(ranges / 2);
        for (int i = 0; i < ADDRESSES; i++) {
            sameRange[i] = middle.first() + (long) (random.nextDouble() * middle.size());
            RamRange any = memory.ranges().get(random.nextInt(ranges));
            anywhere[i] = any.first() + (long) (random.nextDouble() * any.size());
        }
    }

    /** Resolves each address through the normal look-up and reads its page's host frame. */
    private long lookUpAll(long[] addresses) {
        long sum = 0;
        for (long address : addresses) {
            RamRange range = memory.rangeAt(address);
            sum += range.hostFrame(range.pageIndex(address));
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(ADDRESSES)
    public long cachedLookup() {
        return lookUpAll(sameRange);
    }

    @Benchmark
    @OperationsPerInvocation(ADDRESSES)
    public long uncachedLookup() {
        long sum = 0;
        for (long address : anywhere) {
            RamRange range = memory.rangeAtUncached(address);
            sum += range.hostFrame(range.pageIndex(address));
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(ADDRESSES)
    public long randomLookup() {
        return lookUpAll(anywhere);
    }
}
