package org.shadowbench.pool.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.shadowbench.handlers.AccessOrigin;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.memory.HostFrameStore;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.tests.ModelRun;
import org.shadowbench.memory.tests.TestScale;
import org.shadowbench.pool.Allocation;
import org.shadowbench.pool.FaultingInstruction;
import org.shadowbench.pool.OpcodeClass;
import org.shadowbench.pool.PoolConfiguration;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.ShadowPagePool;

/**
 * Random sequences of what the CPU and the devices do to the pool: shadow tables allocated for
 * random kinds under random directory entries (exhausting the pool and its records), guest pages
 * mapped and unmapped, guest page-table writes with random instruction facts, handlers armed and
 * disarmed on mapped pages, backing changes, frees, page and chain flushes, CR3 monitoring, flush
 * all and clear all; data pages becoming page tables, whole tables filled (so slow scans give up and
 * ask for a pool clear), and CR3 syncs run as the CPU runs them (clear, then every root entry freed). After every step the pool, registry and page model checkers run, and the
 * outcomes the reference guarantees are asserted. CI runs 4 x 50,000 steps;
 * {@code -Dshadowbench.test.scale=50} runs 10 million.
 */
class RandomizedPoolTest {

    static java.util.stream.LongStream seeds() {
        return TestScale.seeds(7, 8, 9, 10);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomOperationsKeepThePoolConsistent(long seed) {
        Scenario scenario = new Scenario(seed);
        ModelRun.run(seed, TestScale.steps(50_000), scenario);
        // The run must have reached the pool's rare paths, or it proved little.
        var stats = scenario.f.pool.statistics();
        String summary = "seed " + seed + ": " + stats;
        assertTrue(stats.cacheEvictions() > 0 && stats.freeOneUser() > 0 && stats.cacheKindMismatches() > 0, summary);
        assertTrue(stats.trackAliasedMany() > 0 && stats.trackOverflows() > 0 && stats.trackSlowScans() > 0, summary);
        assertTrue(stats.monitorHandled() > 0 && stats.monitorRepStosd() > 0 && stats.monitorFork() > 0
                && stats.monitorReused() > 0 && stats.monitorRepPrefix() > 0, summary);
        // And the states real guests reach: the slow scan giving up, a table linked while the pool had to be
        // cleared, and CR3 syncs releasing roots whose tables are shared by several entries.
        String reached = summary + ", " + scenario.flushedLinks + " links while a clear was pending, "
                + scenario.resyncs + " CR3 syncs, " + scenario.sharedReleases + " shared tables released by them";
        System.out.println(reached);
        assertTrue(stats.trackSlowScanGiveUps() > 0 && scenario.flushedLinks > 0 && scenario.resyncs > 0
                && scenario.sharedReleases > 0, reached);
    }

    private static final class Scenario implements ModelRun.Scenario {
        private static final int PD = ShadowPagePool.ROOT_32BIT_PD;
        private static final long GUEST_TABLES = 0x100000;
        private static final int TABLES = 24;
        private static final long DATA = 0x200000;
        private static final int DATA_PAGES = 32;

        private final Random random;
        private final PoolFixture f = new PoolFixture(new PoolConfiguration(24, 24, 16, 4, 12, true));
        private final HandlerType write;
        private final HandlerType all;
        private final List<int[]> directories = new ArrayList<>();
        long flushedLinks;
        long resyncs;
        long sharedReleases;

        Scenario(long seed) {
            random = new Random(seed);
            write = f.registry.registerType(HandlerKind.WRITE, "device write", (a, u) -> AccessOutcome.DEFAULT);
            all = f.registry.registerType(HandlerKind.ALL, "device all", (a, u) -> AccessOutcome.DEFAULT);
            for (int t = 0; t < TABLES; t++) {
                for (int i = 0; i < 64; i++) {
                    f.guestPte32(GUEST_TABLES + 0x1000L * t, i, randomPte());
                }
            }
        }

        private long randomPte() {
            if (random.nextInt(4) == 0) {
                return 0;
            }
            return (DATA + 0x1000L * random.nextInt(DATA_PAGES)) | (random.nextBoolean() ? 3 : 1);
        }

        @Override
        public List<String> problems() {
            List<String> problems = new ArrayList<>(f.pool.check());
            problems.addAll(f.registry.check());
            problems.addAll(f.memory.check());
            return problems;
        }

        @Override
        public String step() {
            String done = operation();
            // The CPU syncs CR3 before its next instruction once the pool asks for a clear: until then
            // entries the slow scan gave up on may still map what they should not.
            if (f.pool.clearRequested()) {
                done += "; " + cr3Resync();
            }
            return done;
        }

        private String operation() {
            int op = random.nextInt(1000);
            if (op < 8) {
                return fillTable();
            } else if (op < 13) {
                return cr3Resync();
            } else if (op < 200) {
                return allocate();
            } else if (op < 450) {
                return mapEntry();
            } else if (op < 470) {
                return mapEverywhere();
            } else if (op < 500) {
                return unmapEntry();
            } else if (op < 650) {
                return guestWrite();
            } else if (op < 730) {
                return handlerChange();
            } else if (op < 790) {
                return backingChange();
            } else if (op < 870) {
                return release();
            } else if (op < 910) {
                return flushSomething();
            } else if (op < 950) {
                return cr3();
            } else if (op < 970) {
                f.pool.modifiedClearAll();
                return "modified clear all";
            } else if (op < 975) {
                f.pool.clearAll();
                return "clear all";
            } else if (op < 977) {
                f.pool.flushAll();
                f.pool.acknowledgeSync();
                return "flush all";
            }
            return addDirectory();
        }

        /** A user slot: a root or an allocated PAE directory, and an entry of it that is not present. */
        private int[] freeSlot() {
            int user;
            int entries;
            if (directories.isEmpty() || random.nextBoolean()) {
                user = PD;
                entries = 1024;
            } else {
                int[] directory = directories.get(random.nextInt(directories.size()));
                user = directory[0];
                if (f.pool.page(user).kind() != PoolKind.PAE_PD_FOR_PAE_PD) {
                    directories.remove(directory);
                    return null;
                }
                entries = 512;
            }
            int entry = random.nextInt(Math.min(entries, 64));
            return (f.pool.entry(user, entry) & ShadowPagePool.PRESENT) == 0 ? new int[] { user, entry } : null;
        }

        private String addDirectory() {
            int entry = random.nextInt(4);
            if ((f.pool.entry(ShadowPagePool.ROOT_PDPT, entry) & ShadowPagePool.PRESENT) != 0) {
                return "no directory";
            }
            int page = link(GUEST_TABLES + 0x1000L * random.nextInt(TABLES), PoolKind.PAE_PD_FOR_PAE_PD,
                    ShadowPagePool.ROOT_PDPT, entry);
            if (page != 0) {
                directories.add(new int[] { page });
            }
            return "directory";
        }

        /**
         * Allocates and links as the CPU's shadow sync does: whatever the status, the table goes into the
         * entry, and a pending clear is left to the next CR3 sync.
         */
        private int link(long guest, PoolKind kind, int user, int entry) {
            Allocation allocation = f.pool.alloc(guest, kind, user, entry);
            if (allocation.status() == PgmStatus.VERR_PGM_POOL_FLUSHED) {
                flushedLinks++;
            }
            f.pool.setDirectoryEntry(user, entry,
                    HostFrameStore.hostAddress(f.pool.page(allocation.page()).hostFrame()) | 3);
            return allocation.page();
        }

        private String allocate() {
            int[] slot = freeSlot();
            if (slot == null) {
                return "no slot";
            }
            PoolKind kind;
            long guest;
            List<Integer> existing = linkedTables();
            if (!existing.isEmpty() && random.nextBoolean()) {
                // Another user of a table already shadowed: a cache hit that adds a user record.
                int page = existing.get(random.nextInt(existing.size()));
                kind = f.pool.page(page).kind();
                guest = f.pool.page(page).gcPhys();
                return "share " + kind + " -> " + link(guest, kind, slot[0], slot[1]);
            }
            switch (random.nextInt(6)) {
                case 0, 1 -> {
                    kind = PoolKind.PT32_FOR_PT32;
                    // Now and then a data page becomes a page table, as freed memory does in a guest (xv6's
                    // kalloc): monitoring a page whose tracking overflowed may make the slow scan give up.
                    guest = random.nextInt(3) == 0 ? interestingDataPage() : GUEST_TABLES + 0x1000L * random.nextInt(TABLES);
                }
                case 2 -> {
                    kind = PoolKind.PAE_PT_FOR_PT32;
                    guest = GUEST_TABLES + 0x1000L * random.nextInt(TABLES) + (random.nextBoolean() ? 0x800 : 0);
                }
                case 3 -> {
                    kind = PoolKind.PT32_FOR_BIG32;
                    guest = 0;
                }
                case 4 -> {
                    kind = PoolKind.PAE_PT_FOR_PAE_BIG;
                    guest = DATA - 0x1000L * random.nextInt(8);
                }
                default -> {
                    // Physical tables at several bases: many tables can map the same data page.
                    kind = PoolKind.PAE_PT_FOR_PHYS;
                    guest = DATA - 0x1000L * random.nextInt(8);
                }
            }
            var device = f.registry.handlerAt(guest & ~0xfffL);
            if (device != null && (device.type() == write || device.type() == all)) {
                // A new monitor cannot share the page with a device's handler: a typed refusal, nothing kept
                // (the checkers after the step see to that).
                try {
                    return "allocate " + kind + " at " + Long.toHexString(guest) + " over a device handler -> "
                            + link(guest, kind, slot[0], slot[1]);
                } catch (PgmException e) {
                    assertEquals(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_CONFLICT, e.status(), e.getMessage());
                    return "allocate " + kind + " at " + Long.toHexString(guest) + " refused: device handler";
                }
            }
            int page = link(guest, kind, slot[0], slot[1]);
            return "allocate " + kind + " at " + Long.toHexString(guest) + " -> " + page;
        }

        /** Pool page tables currently linked from a directory. */
        private List<Integer> linkedTables() {
            List<Integer> tables = new ArrayList<>();
            for (int page = ShadowPagePool.FIRST_INDEX; page < f.pool.currentPages(); page++) {
                PoolKind kind = f.pool.page(page).kind();
                if (kind.isPageTable()) {
                    tables.add(page);
                }
            }
            return tables;
        }

        private String mapEntry() {
            List<Integer> tables = linkedTables();
            if (tables.isEmpty()) {
                return "no table";
            }
            int table = tables.get(random.nextInt(tables.size()));
            PoolKind kind = f.pool.page(table).kind();
            int entry = random.nextInt(kind == PoolKind.PT32_FOR_BIG32 ? 1024 : 64);
            if ((f.pool.entry(table, entry) & ShadowPagePool.PRESENT) != 0) {
                return "already mapped";
            }
            long base = f.pool.page(table).gcPhys();
            long guest;
            switch (kind) {
                case PT32_FOR_PT32, PAE_PT_FOR_PT32 -> {
                    long pte = f.memory.read(base + 4L * entry, 4);
                    if ((pte & 1) == 0) {
                        return "guest entry not present";
                    }
                    guest = pte & 0xfffff000L;
                }
                default -> guest = base + ((long) entry << 12);
            }
            RamRange range = f.memory.rangeAt(guest);
            if (range == null) {
                return "guest entry outside RAM"; // a data page used as a page table holds anything
            }
            int index = range.pageIndex(guest);
            PageHandlerState state = range.handlerState(index);
            if (state == PageHandlerState.ALL) {
                return "intercepted page not mapped";
            }
            boolean writable = state != PageHandlerState.WRITE && range.pageState(index) == PageState.ALLOCATED;
            long value = HostFrameStore.hostAddress(range.hostFrame(index)) | 1 | (writable ? 2 : 0);
            f.pool.mapGuestPage(table, entry, value, range, index);
            return "map " + table + "[" + entry + "] -> " + Long.toHexString(guest);
        }

        /** Maps one data page into every big or physical table that covers it: many references to one page. */
        private String mapEverywhere() {
            long guest = DATA + 0x1000L * random.nextInt(DATA_PAGES);
            RamRange range = f.ram;
            int index = range.pageIndex(guest);
            if (range.handlerState(index) == PageHandlerState.ALL) {
                return "intercepted page";
            }
            int mapped = 0;
            for (int table : linkedTables()) {
                PoolKind kind = f.pool.page(table).kind();
                long base = f.pool.page(table).gcPhys();
                if (kind == PoolKind.PT32_FOR_PT32 || kind == PoolKind.PAE_PT_FOR_PT32 || guest < base
                        || guest - base >= (long) f.pool.entryCount(table) << 12) {
                    continue;
                }
                int entry = (int) ((guest - base) >>> 12);
                if ((f.pool.entry(table, entry) & ShadowPagePool.PRESENT) == 0) {
                    f.pool.mapGuestPage(table, entry, HostFrameStore.hostAddress(range.hostFrame(index)) | 1, range, index);
                    mapped++;
                }
            }
            return "map " + Long.toHexString(guest) + " into " + mapped + " tables";
        }

        private String unmapEntry() {
            List<Integer> tables = linkedTables();
            if (tables.isEmpty()) {
                return "no table";
            }
            int table = tables.get(random.nextInt(tables.size()));
            for (int tries = 0; tries < 8; tries++) {
                int entry = random.nextInt(64);
                if ((f.pool.entry(table, entry) & ShadowPagePool.PRESENT) != 0) {
                    f.pool.unmapGuestPage(table, entry);
                    return "unmap " + table + "[" + entry + "]";
                }
            }
            return "nothing to unmap";
        }

        private FaultingInstruction randomInstruction(long address) {
            FaultingInstruction instruction = new FaultingInstruction()
                    .opcode(OpcodeClass.values()[random.nextInt(OpcodeClass.values().length)])
                    .writeSize(random.nextBoolean() ? 4 : 8).length(2).cpl(random.nextInt(4) == 0 ? 3 : 0)
                    .linearAddress(0xc0000000L | (address & 0xfff))
                    .registers(random.nextBoolean() ? 0 : 0x80, random.nextInt(0x24), 0x1000);
            int prefixes = switch (random.nextInt(6)) {
                case 0 -> FaultingInstruction.PREFIX_REP;
                case 1 -> FaultingInstruction.PREFIX_REPNE;
                default -> 0;
            };
            return instruction.prefixes(prefixes).destinationIsEsp(random.nextInt(20) == 0);
        }

        private String guestWrite() {
            long table = GUEST_TABLES + 0x1000L * random.nextInt(TABLES);
            int entry = random.nextInt(64);
            long address = table + 4L * entry;
            long value = randomPte();
            boolean byCpu = random.nextInt(5) != 0;
            FaultingInstruction instruction = byCpu ? randomInstruction(address) : null;
            f.hooks.instruction = instruction;
            try {
                f.registry.write(address, 4, value, byCpu ? AccessOrigin.CPU : AccessOrigin.DEVICE);
            } finally {
                f.hooks.instruction = null;
            }
            // Whatever the heuristics chose, no shadow entry may still map what the guest entry held before.
            for (int page = ShadowPagePool.FIRST_INDEX; page < f.pool.currentPages(); page++) {
                PoolKind kind = f.pool.page(page).kind();
                long base = f.pool.page(page).gcPhys();
                if (kind == PoolKind.PT32_FOR_PT32 && base == table) {
                    assertTrue((f.pool.entry(page, entry) & 1) == 0 || instruction != null && instruction.completedByPool(),
                            "entry " + entry + " of " + page + " survived a write to it");
                }
            }
            return "guest write " + Long.toHexString(address) + (byCpu ? " " + instruction : " by a device");
        }

        /** A data page, preferring one whose tracking overflowed, so that slow scans get exercised. */
        private long interestingDataPage() {
            if (random.nextBoolean()) {
                for (int i = 0; i < DATA_PAGES; i++) {
                    long page = DATA + 0x1000L * i;
                    if (org.shadowbench.memory.PageTracking.isOverflowed(f.tracking(page))) {
                        return page;
                    }
                }
            }
            return DATA + 0x1000L * random.nextInt(DATA_PAGES);
        }

        private String handlerChange() {
            long page = interestingDataPage();
            var existing = f.registry.handlerAt(page);
            if (existing != null && existing.type() != write && existing.type() != all) {
                return "page monitored by the pool";
            }
            if (existing != null) {
                f.registry.deregister(page);
                return "deregister " + Long.toHexString(page);
            }
            if (f.registry.lookup(page) != null) {
                return "page monitored";
            }
            boolean intercepting = random.nextBoolean();
            f.registry.register(page, page + 0xfff, intercepting ? all : write, null, null);
            if (f.pool.clearRequested()) {
                cr3Resync(); // the slow scan gave up: the CPU's CR3 sync clears the pool before anything runs
            }
            f.pool.acknowledgeSync();
            // The pool must have updated every shadow entry mapping the page.
            for (int table = ShadowPagePool.FIRST_INDEX; table < f.pool.currentPages(); table++) {
                if (!f.pool.page(table).kind().isPageTable()) {
                    continue;
                }
                for (int i = 0; i < f.pool.entryCount(table); i++) {
                    long entry = f.pool.entry(table, i);
                    if ((entry & 1) != 0 && (entry & 0x000ffffffffff000L) == HostFrameStore
                            .hostAddress(f.ram.hostFrame(f.ram.pageIndex(page)))
                            && f.ram.pageState(f.ram.pageIndex(page)) == PageState.ALLOCATED) {
                        assertTrue(!intercepting && (entry & 2) == 0, "a mapping of an intercepted page survived");
                    }
                }
            }
            return (intercepting ? "ALL " : "WRITE ") + Long.toHexString(page);
        }

        private String backingChange() {
            long page = interestingDataPage();
            RamRange range = f.ram;
            int index = range.pageIndex(page);
            switch (random.nextInt(3)) {
                case 0 -> f.memory.write(page + random.nextInt(4096) / 8 * 8, 8, random.nextLong());
                case 1 -> {
                    if (!range.hasAnyHandlers(index)) {
                        f.memory.balloon(range, index);
                    }
                }
                default -> {
                    long source = DATA + 0x1000L * random.nextInt(DATA_PAGES);
                    int sourceIndex = range.pageIndex(source);
                    PageState state = range.pageState(sourceIndex);
                    if (source != page && (state == PageState.ALLOCATED || state == PageState.SHARED)
                            && range.hostFrame(sourceIndex) != range.hostFrame(index)) {
                        f.memory.share(range, index, range, sourceIndex);
                    }
                }
            }
            return "backing change " + Long.toHexString(page);
        }

        private String release() {
            int user = random.nextBoolean() || directories.isEmpty() ? PD : directories.get(0)[0];
            if (user != PD && f.pool.page(user).kind() != PoolKind.PAE_PD_FOR_PAE_PD) {
                directories.remove(0);
                return "stale directory";
            }
            int entries = user == PD ? 1024 : 512;
            for (int tries = 0; tries < 8; tries++) {
                int entry = random.nextInt(Math.min(entries, 64));
                long value = f.pool.entry(user, entry);
                if ((value & ShadowPagePool.PRESENT) != 0) {
                    f.pool.setDirectoryEntry(user, entry, 0);
                    f.pool.free(value & 0x000ffffffffff000L, user, entry);
                    return "free " + user + "[" + entry + "]";
                }
            }
            return "nothing to free";
        }

        private String flushSomething() {
            List<Integer> tables = linkedTables();
            if (tables.isEmpty()) {
                return "nothing to flush";
            }
            int page = tables.get(random.nextInt(tables.size()));
            if (random.nextBoolean()) {
                f.pool.flushPage(page);
            } else {
                f.pool.chainFlush(page);
            }
            f.pool.acknowledgeSync();
            return "flush " + page;
        }

        /**
         * Maps every entry of one big or physical table, as a guest touching a whole 2 or 4 MiB region does:
         * more than 1024 present entries make the slow scan give up and ask for a pool clear.
         */
        private String fillTable() {
            List<Integer> tables = new ArrayList<>();
            for (int table : linkedTables()) {
                PoolKind kind = f.pool.page(table).kind();
                if (kind != PoolKind.PT32_FOR_PT32 && kind != PoolKind.PAE_PT_FOR_PT32) {
                    tables.add(table);
                }
            }
            if (tables.isEmpty()) {
                return "no table to fill";
            }
            int table = tables.get(random.nextInt(tables.size()));
            long base = f.pool.page(table).gcPhys();
            int mapped = 0;
            for (int entry = 0; entry < f.pool.entryCount(table); entry++) {
                long guest = base + ((long) entry << 12);
                RamRange range = f.memory.rangeAt(guest);
                if (range == null || (f.pool.entry(table, entry) & ShadowPagePool.PRESENT) != 0) {
                    continue;
                }
                int index = range.pageIndex(guest);
                if (range.handlerState(index) == PageHandlerState.ALL) {
                    continue;
                }
                f.pool.mapGuestPage(table, entry, HostFrameStore.hostAddress(range.hostFrame(index)) | 1, range, index);
                mapped++;
            }
            return "fill " + table + " with " + mapped + " entries";
        }

        /**
         * A CR3 sync as the CPU runs it (CpuCore.syncCr3, Mmu.resetShadowRoots): the pool cleared if it asked,
         * then every present entry of the root and of the PDPT dropped and its table freed, tables shared by
         * several entries included.
         */
        private String cr3Resync() {
            boolean clear = f.pool.clearRequested();
            if (clear) {
                f.pool.clearAll();
            }
            int released = 0;
            for (int root : new int[] { PD, ShadowPagePool.ROOT_PDPT }) {
                for (int i = 0; i < f.pool.entryCount(root); i++) {
                    long entry = f.pool.entry(root, i);
                    if ((entry & ShadowPagePool.PRESENT) == 0) {
                        continue;
                    }
                    int page = f.pool.pageByHostAddress(entry & 0x000ffffffffff000L);
                    if (f.pool.page(page).users().size() > 1) {
                        sharedReleases++;
                    }
                    f.pool.setDirectoryEntry(root, i, 0);
                    f.pool.free(entry & 0x000ffffffffff000L, root, i);
                    released++;
                }
            }
            f.pool.acknowledgeSync();
            resyncs++;
            return "CR3 sync" + (clear ? " with clear" : "") + ", " + released + " entries released";
        }

        private String cr3() {
            if (random.nextInt(3) == 0) {
                f.pool.unmonitorCr3(PD);
                return "unmonitor CR3";
            }
            long guest = GUEST_TABLES + 0x1000L * random.nextInt(TABLES);
            assertEquals(PgmStatus.VINF_SUCCESS, f.pool.monitorCr3(PD, guest));
            return "monitor CR3 " + Long.toHexString(guest);
        }
    }
}
