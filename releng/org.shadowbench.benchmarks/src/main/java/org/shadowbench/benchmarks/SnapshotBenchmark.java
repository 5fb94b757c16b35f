package org.shadowbench.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.ShadowPagePool;

/**
 * A full machine snapshot of a 1 GiB guest whose 4096-page pool is full (8 PAE directories and
 * 4083 monitored PAE page tables, so 4083 handlers too), with one guest page written between
 * snapshots as a running guest would (target: at most 20 ms).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SnapshotBenchmark {
    private Machine machine;
    private long page;

    @Setup
    public void setUp() {
        machine = new Machine(MachineConfiguration.defaults().withRam(1L << 30).withPoolPages(4096));
        ShadowPagePool pool = machine.pool();
        int[] directories = new int[8];
        for (int d = 0; d < directories.length; d++) {
            directories[d] = pool.alloc(0x100_0000L + d * 0x1000L, PoolKind.PAE_PD_FOR_PAE_PD, ShadowPagePool.ROOT_PML4, d)
                    .page();
        }
        for (int d = 0; d < directories.length && pool.freePages() + pool.configuration().maxPages() > 0; d++) {
            for (int i = 0; i < 512 && pool.usedPages() < pool.configuration().maxPages() - 5; i++) {
                pool.alloc(0x200_0000L + (d * 512L + i) * 0x1000L, PoolKind.PAE_PT_FOR_PAE_PT, directories[d], i);
            }
        }
        machine.takeSnapshot();
    }

    @Benchmark
    public MachineSnapshot snapshotWithOnePageWritten() {
        page = (page + 1) % 200_000;
        machine.memory().write(0x400_0000L + page * 4096, 4, page);
        return machine.takeSnapshot();
    }
}
