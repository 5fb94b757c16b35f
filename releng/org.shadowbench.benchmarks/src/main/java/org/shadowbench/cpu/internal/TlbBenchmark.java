package org.shadowbench.cpu.internal;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.shadowbench.benchmarks.GuestMachine;

/**
 * The MMU's hot path: a guest memory access that hits the TLB (target: at most 5 ns). It lives in
 * the CPU's internal package to call the MMU directly, as the interpreter does; 64 pages under
 * 32-bit guest paging are written first (setting their dirty bits) so that every measured access is
 * a hit.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TlbBenchmark {
    private static final int PAGES = 64;
    private static final int ACCESSES = 1024;
    private static final int BASE = GuestMachine.DATA;

    private Mmu mmu;
    private final int[] addresses = new int[ACCESSES];

    @Setup
    public void setUp() {
        GuestMachine machine = new GuestMachine(true);
        mmu = ((CpuCore) machine.cpu).mmu;
        for (int i = 0; i < ACCESSES; i++) {
            addresses[i] = BASE + (i % PAGES) * 0x1000 + ((i * 52) & 0xffc);
        }
        for (int address : addresses) {
            mmu.write32(address, address);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ACCESSES)
    public int read32Hit() {
        int sum = 0;
        for (int address : addresses) {
            sum += mmu.read32(address);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(ACCESSES)
    public void write32Hit() {
        for (int address : addresses) {
            mmu.write32(address, address);
        }
    }
}
