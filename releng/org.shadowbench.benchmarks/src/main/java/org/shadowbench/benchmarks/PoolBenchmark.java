package org.shadowbench.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.shadowbench.handlers.AccessOrigin;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.handlers.ShadowPageTables;
import org.shadowbench.machine.EngineFactories;
import org.shadowbench.memory.HostFrameStore;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.pool.Allocation;
import org.shadowbench.pool.FaultingInstruction;
import org.shadowbench.pool.PoolConfiguration;
import org.shadowbench.pool.PoolHooks;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.ShadowPagePool;

/**
 * The shadow page pool's core operations on a 4 GiB guest with VirtualBox's pool size for it
 * (2304 pages).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PoolBenchmark {
    private static final int PD = ShadowPagePool.ROOT_32BIT_PD;

    /** A guest with its pool; {@code writeInstruction} is what the "CPU" is executing. */
    @State(Scope.Thread)
    public static class Guest {
        PhysicalMemory memory;
        RamRange ram;
        PhysicalHandlerRegistry registry;
        ShadowPagePool pool;
        final FaultingInstruction writeInstruction = new FaultingInstruction().writeSize(4).length(2);
        long guestTable;
        int cachedTable;
        int bigTable;

        @Setup(Level.Trial)
        public void setUp() {
            memory = EngineFactories.standard().memory().create();
            ram = memory.registerRam(0, (4L << 30) - 1, "RAM");
            registry = EngineFactories.standard().registry().create(memory, ShadowPageTables.NONE, null);
            PoolConfiguration configuration = PoolConfiguration.forGuestRam(4L << 30).withModificationLimit(Integer.MAX_VALUE);
            pool = EngineFactories.standard().pool().create(memory, registry, configuration, new PoolHooks() {
                @Override
                public FaultingInstruction currentInstruction() {
                    return writeInstruction.reset();
                }
            });
            guestTable = 0x100000;
            for (int i = 0; i < 512; i++) {
                memory.write(0x800000 + ((long) i << 12), 4, i);
            }
            cachedTable = link(guestTable, PoolKind.PT32_FOR_PT32, 0);
            bigTable = link(0x800000, PoolKind.PAE_PT_FOR_PHYS, 1);
        }

        int link(long guest, PoolKind kind, int entry) {
            Allocation allocation = pool.alloc(guest, kind, PD, entry);
            pool.setDirectoryEntry(PD, entry, HostFrameStore.hostAddress(pool.page(allocation.page()).hostFrame()) | 3);
            return allocation.page();
        }

        void mapAll(int table) {
            for (int i = 0; i < 512; i++) {
                long guest = 0x800000 + ((long) i << 12);
                int index = ram.pageIndex(guest);
                pool.mapGuestPage(table, i, HostFrameStore.hostAddress(ram.hostFrame(index)) | 3, ram, index);
            }
        }
    }

    /** Adds a user to a cached page and drops it again: the cache-hit path of alloc plus free. */
    @Benchmark
    public int allocCachedAndFree(Guest g) {
        Allocation allocation = g.pool.alloc(g.guestTable, PoolKind.PT32_FOR_PT32, PD, 7);
        g.pool.freeByPage(allocation.page(), PD, 7);
        return allocation.page();
    }

    /** A new, unmonitored page allocated and flushed. */
    @Benchmark
    public int allocNewAndFlush(Guest g) {
        Allocation allocation = g.pool.alloc(0x4000000, PoolKind.PAE_PT_FOR_PHYS, PD, 8);
        g.pool.flushPage(allocation.page());
        return allocation.page();
    }

    /** A new page shadowing a guest page table: allocation registers a monitoring handler, flushing removes it. */
    @Benchmark
    public int allocMonitoredAndFlush(Guest g) {
        Allocation allocation = g.pool.alloc(0x5000000, PoolKind.PT32_FOR_PT32, PD, 9);
        g.pool.flushPage(allocation.page());
        return allocation.page();
    }

    /** A table with 512 present entries, mapped again before every invocation (not measured). */
    @State(Scope.Thread)
    public static class MappedTable {
        Guest guest;
        int table;

        @Setup(Level.Trial)
        public void create() {
            guest = new Guest();
            guest.setUp();
        }

        @Setup(Level.Invocation)
        public void map() {
            table = guest.link(0x800000, PoolKind.PAE_PT_FOR_PHYS, 2);
            guest.mapAll(table);
        }
    }

    /** Flushing a page table with 512 present entries: every guest reference dropped, the table zeroed. */
    @Benchmark
    public int flushPageWith512Entries(MappedTable mapped) {
        mapped.guest.pool.flushPage(mapped.table);
        return mapped.guest.pool.presentEntries();
    }

    /** A state with an invocation-level setup that does nothing: JMH's own per-invocation overhead. */
    @State(Scope.Thread)
    public static class EmptyInvocation {
        int invocations;

        @Setup(Level.Invocation)
        public void count() {
            invocations++;
        }
    }

    /** JMH's per-invocation setup overhead, to subtract from flushPageWith512Entries. */
    @Benchmark
    public int invocationSetupOverhead(EmptyInvocation empty) {
        return empty.invocations;
    }

    /** A guest write to a monitored page table: registry dispatch, the pool's handler, chain changing, the write. */
    @Benchmark
    public int guestWriteThroughMonitor(Guest g) {
        g.registry.write(g.guestTable + 0x10, 4, 0, AccessOrigin.CPU);
        return g.pool.page(g.cachedTable).modifications();
    }

    /** A pool with every page in use, for flush all. */
    @State(Scope.Thread)
    public static class FullPool {
        Guest guest;

        @Setup(Level.Trial)
        public void create() {
            guest = new Guest();
            guest.setUp();
        }

        @Setup(Level.Invocation)
        public void fill() {
            ShadowPagePool pool = guest.pool;
            int entry = 10;
            long address = 0x10000000;
            while (pool.usedPages() < pool.configuration().maxPages() - ShadowPagePool.FIRST_INDEX) {
                pool.alloc(address, PoolKind.PAE_PT_FOR_PHYS, PD, entry);
                entry = (entry + 1) % 1024;
                address += 0x200000;
            }
        }
    }

    /** Flush all of a full 2304-page pool (the allocation refilling it is not measured). */
    @Benchmark
    @Warmup(iterations = 3, batchSize = 1)
    @Measurement(iterations = 5, batchSize = 1)
    public int flushAllFullPool(FullPool full) {
        full.guest.pool.flushAll();
        return full.guest.pool.usedPages();
    }
}
