package org.shadowbench.pool.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.function.Executable;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.handlers.PhysicalHandlerRegistryFactory;
import org.shadowbench.memory.HostFrameStore;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.tests.Factories;
import org.shadowbench.pool.Allocation;
import org.shadowbench.pool.PoolConfiguration;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.ShadowPagePool;
import org.shadowbench.pool.ShadowPagePoolFactory;

/**
 * 4 MiB of guest RAM, a registry and a pool over it, with helpers that do what the CPU's sync code
 * will do: write guest page tables into guest memory and shadow them.
 */
public final class PoolFixture {
    public static final long P = ShadowPagePool.PRESENT;
    public static final long RW = ShadowPagePool.WRITABLE;

    public final PhysicalMemory memory = Factories.MEMORY.create();
    public final RamRange ram = memory.registerRam(0, (4L << 20) - 1, "RAM");
    public final PhysicalHandlerRegistry registry = Factories.provider(PhysicalHandlerRegistryFactory.class)
            .create(memory, org.shadowbench.handlers.ShadowPageTables.NONE, null);
    public final RecordingHooks hooks = new RecordingHooks();
    public final ShadowPagePool pool;

    public PoolFixture() {
        this(new PoolConfiguration(64, 128, 64, 8, PoolConfiguration.DEFAULT_MODIFICATION_LIMIT, true));
    }

    public PoolFixture(PoolConfiguration configuration) {
        pool = Factories.provider(ShadowPagePoolFactory.class).create(memory, registry, configuration, hooks);
    }

    /** Writes a 32-bit guest PTE. */
    public void guestPte32(long pageTable, int index, long value) {
        memory.write(pageTable + 4L * index, 4, value);
    }

    /** Writes a 64-bit guest PTE. */
    public void guestPte64(long pageTable, int index, long value) {
        memory.write(pageTable + 8L * index, 8, value);
    }

    /** Allocates a shadow table under a root entry and links it there. */
    public int shadow(long guest, PoolKind kind, int root, int rootEntry) {
        Allocation allocation = pool.alloc(guest, kind, root, rootEntry);
        int page = allocation.page();
        long frameAddress = HostFrameStore.hostAddress(pool.page(page).hostFrame());
        pool.setDirectoryEntry(root, rootEntry, frameAddress | P | RW);
        return page;
    }

    /** Maps guest page {@code guestPage} (made writable) into entry {@code index} of a shadow page table. */
    public void map(int pageTable, int index, long guestPage, boolean writable) {
        RamRange range = memory.rangeAt(guestPage);
        int pageIndex = range.pageIndex(guestPage);
        long entry = HostFrameStore.hostAddress(range.hostFrame(pageIndex)) | P | (writable ? RW : 0);
        pool.mapGuestPage(pageTable, index, entry, range, pageIndex);
    }

    /** Gives a guest page a private frame (so that its frame is unique) and returns it. */
    public long touch(long guestPage) {
        memory.makeWritable(ram, ram.pageIndex(guestPage));
        return guestPage;
    }

    /** The tracking word of a guest page. */
    public int tracking(long guestPage) {
        return ram.tracking(ram.pageIndex(guestPage));
    }

    /** Asserts pool, registry and page model are consistent. */
    public void assertConsistent() {
        List<String> problems = new ArrayList<>(pool.check());
        problems.addAll(registry.check());
        problems.addAll(memory.check());
        assertTrue(problems.isEmpty(), () -> "consistency problems:\n  " + String.join("\n  ", problems));
    }

    /** Asserts a call fails with the status and a message holding the fragments, and the structures stay consistent. */
    public PgmException assertFails(PgmStatus status, Executable call, String... fragments) {
        PgmException error = assertThrows(PgmException.class, call);
        assertEquals(status, error.status(), error.getMessage());
        for (String fragment : fragments) {
            assertTrue(error.getMessage().contains(fragment), "'" + error.getMessage() + "' lacks '" + fragment + "'");
        }
        assertConsistent();
        return error;
    }
}
