package org.shadowbench.handlers.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.function.Executable;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.handlers.PhysicalAccess;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.handlers.PhysicalHandlerRegistryFactory;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.tests.Factories;
import org.shadowbench.memory.tests.MemorySnapshot;

/**
 * A page model with two adjacent RAM ranges and an MMIO range, a registry over it with recording
 * doubles, and one handler type per kind whose callbacks record accesses and answer
 * {@link #outcome}.
 */
public final class RegistryFixture {
    /** RAM [0, 0xfffff]. */
    public static final long RAM = 0;
    /** RAM [0x100000, 0x1fffff], adjacent to the first. */
    public static final long RAM2 = 0x100000;
    /** MMIO [0xf0000000, 0xf000ffff]. */
    public static final long MMIO = 0xf0000000L;

    public final PhysicalMemory memory = Factories.MEMORY.create();
    public final RecordingShadow shadow = new RecordingShadow();
    public final RecordingEngine engine = new RecordingEngine();
    public final PhysicalHandlerRegistry registry = Factories.provider(PhysicalHandlerRegistryFactory.class)
            .create(memory, shadow, engine);
    public final RamRange ram = memory.registerRam(RAM, RAM + 0xfffff, "RAM");
    public final RamRange ram2 = memory.registerRam(RAM2, RAM2 + 0xfffff, "RAM 2");
    public final RamRange mmio = memory.registerMmio(MMIO, MMIO + 0xffff, "Device");
    /** Accesses seen by the callbacks, e.g. {@code WRITE 4 bytes at 0x1000 by CPU value 0x5 user=a}. */
    public final List<String> accesses = new ArrayList<>();
    /** What the callbacks answer. */
    public AccessOutcome outcome = AccessOutcome.DEFAULT;
    /** Value completed for handled reads. */
    public long readValue = 0x1122334455667788L;
    public final HandlerType writeType = registry.registerType(HandlerKind.WRITE, "write watcher", this::record);
    public final HandlerType allType = registry.registerType(HandlerKind.ALL, "all watcher", this::record);
    public final HandlerType mmioType = registry.registerType(HandlerKind.MMIO, "device registers", this::record);

    private AccessOutcome record(PhysicalAccess access, Object user) {
        accesses.add(access + " user=" + user);
        if (outcome == AccessOutcome.HANDLED) {
            access.complete(readValue);
        }
        return outcome;
    }

    /** Registers a handler and returns it. */
    public PhysicalHandler register(HandlerType type, long first, long last, String description) {
        PhysicalHandler handler = registry.create(type, description, description);
        registry.register(handler, first, last);
        return handler;
    }

    /** The handler state of the page holding the address. */
    public PageHandlerState stateAt(long address) {
        RamRange range = memory.rangeAt(address);
        return range.handlerState(range.pageIndex(address));
    }

    /** Everything observable about the registry and the pages. */
    public List<String> snapshot() {
        List<String> state = new ArrayList<>();
        for (PhysicalHandler handler : registry.handlers()) {
            state.add(String.format("%x-%x %s %s user=%s pages=%d aliased=%d off=%d", handler.first(), handler.last(),
                    handler.type().kind(), handler.description(), handler.userArgument(), handler.pageCount(),
                    handler.aliasedPageCount(), handler.tempOffPageCount()));
        }
        state.add("types " + writeType.referenceCount() + "/" + allType.referenceCount() + "/" + mmioType.referenceCount());
        state.add(MemorySnapshot.of(memory).toString());
        return state;
    }

    /** Asserts registry and page model are consistent. */
    public void assertConsistent() {
        List<String> problems = new ArrayList<>(registry.check());
        problems.addAll(memory.check());
        assertTrue(problems.isEmpty(), () -> "consistency problems:\n  " + String.join("\n  ", problems));
    }

    /**
     * Asserts the call fails with the status and a message holding the fragments, leaves registry and
     * pages unchanged, and tells neither shadow paging nor the engine anything.
     */
    public PgmException assertRejected(PgmStatus status, Executable call, String... fragments) {
        List<String> before = snapshot();
        shadow.calls.clear();
        engine.calls.clear();
        PgmException error = assertThrows(PgmException.class, call);
        assertEquals(status, error.status(), error.getMessage());
        for (String fragment : fragments) {
            assertTrue(error.getMessage().contains(fragment), "message '" + error.getMessage() + "' lacks '" + fragment + "'");
        }
        assertEquals(before, snapshot(), "a rejected call must change nothing");
        assertEquals(List.of(), shadow.calls);
        assertEquals(List.of(), engine.calls);
        assertConsistent();
        return error;
    }
}
