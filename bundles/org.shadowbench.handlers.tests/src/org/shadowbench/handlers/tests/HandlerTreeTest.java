package org.shadowbench.handlers.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.handlers.PhysicalHandlerRegistryFactory;
import org.shadowbench.handlers.ShadowPageTables;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.tests.Factories;
import org.shadowbench.memory.tests.TestScale;

/**
 * The handler tree (a B+-tree) through the registry's look-ups, against {@link TreeMap} as the
 * reference: thousands of small WRITE handlers inserted and removed in random and sequential
 * orders, so that leaves and inner nodes split, borrow and merge. The tree's own checker runs
 * along.
 */
class HandlerTreeTest {

    static java.util.stream.LongStream seeds() {
        return TestScale.seeds(11, 12, 13);
    }
    private static final long SPACE = 1L << 24;

    private final PhysicalMemory memory = Factories.MEMORY.create();
    private final PhysicalHandlerRegistry registry = Factories.provider(PhysicalHandlerRegistryFactory.class)
            .create(memory, ShadowPageTables.NONE, null);
    private final HandlerType type;
    /** Reference: first address to last address. */
    private final TreeMap<Long, Long> reference = new TreeMap<>();
    private final TreeMap<Long, PhysicalHandler> byFirst = new TreeMap<>();

    HandlerTreeTest() {
        memory.registerRam(0, SPACE - 1, "RAM");
        type = registry.registerType(HandlerKind.WRITE, "tree test", (access, user) -> AccessOutcome.DEFAULT);
    }

    private boolean overlapsReference(long first, long last) {
        Map.Entry<Long, Long> floor = reference.floorEntry(last);
        return floor != null && floor.getValue() >= first;
    }

    private void add(long first, long last) {
        boolean conflict = overlapsReference(first, last);
        try {
            registry.register(first, last, type, null, "h");
            assertTrue(!conflict, String.format("[%#x, %#x] should conflict", first, last));
            reference.put(first, last);
            byFirst.put(first, registry.handlerAt(first));
        } catch (PgmException e) {
            assertTrue(conflict, e.getMessage());
        }
    }

    private void remove(long first) {
        registry.deregister(first);
        reference.remove(first);
        byFirst.remove(first);
    }

    private void verifyLookups(Random random, int probes) {
        for (int i = 0; i < probes; i++) {
            long address = (long) (random.nextDouble() * SPACE);
            Map.Entry<Long, Long> floor = reference.floorEntry(address);
            PhysicalHandler containing = floor != null && floor.getValue() >= address ? byFirst.get(floor.getKey()) : null;
            assertSame(containing, registry.lookup(address), String.format("lookup %#x", address));
            Long below = reference.floorKey(address);
            Long above = reference.ceilingKey(address);
            assertSame(below == null ? null : byFirst.get(below), registry.bestFit(address, false));
            assertSame(above == null ? null : byFirst.get(above), registry.bestFit(address, true));
            assertSame(byFirst.get(address), registry.handlerAt(address));
        }
    }

    private void verifyOrder() {
        List<PhysicalHandler> handlers = registry.handlers();
        assertEquals(new ArrayList<>(byFirst.values()), handlers);
        List<String> problems = registry.check();
        assertTrue(problems.isEmpty(), problems::toString);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomInsertsAndRemovalsAgreeWithTreeMap(long seed) {
        Random random = new Random(seed);
        long steps = TestScale.steps(20_000);
        for (long step = 0; step < steps; step++) {
            try {
                if (random.nextInt(100) < 55 || reference.isEmpty()) {
                    long first = random.nextLong(SPACE - 64);
                    add(first, first + 1 + random.nextInt(48));
                } else {
                    Long key = reference.ceilingKey(random.nextLong(SPACE));
                    remove(key != null ? key : reference.firstKey());
                }
                if (step % 500 == 0) {
                    verifyLookups(random, 200);
                    verifyOrder();
                }
            } catch (AssertionError | RuntimeException e) {
                // Named like ModelRun's failures, so that a soak run can report and replay it.
                throw new AssertionError("seed " + seed + " step " + step + " failed: " + e, e);
            }
        }
        verifyLookups(random, 2000);
        verifyOrder();
    }

    @Test
    void sequentialFillAndDrainKeepTheTreeBalanced() {
        Random random = new Random(7);
        for (long i = 0; i < 20_000; i++) {
            add(i * 64, i * 64 + 31);
        }
        verifyOrder();
        verifyLookups(random, 2000);
        for (long i = 0; i < 20_000; i += 2) {
            remove(i * 64);
        }
        verifyOrder();
        verifyLookups(random, 2000);
        for (long i = 19_999; i >= 1; i -= 2) {
            remove(i * 64);
        }
        verifyOrder();
        assertEquals(0, registry.handlerCount());
        assertNull(registry.lookup(0));
        assertNull(registry.bestFit(0, true));
        add(100, 200);
        verifyLookups(random, 100);
        verifyOrder();
    }

    @Test
    void descendingInsertsUpdateSeparators() {
        Random random = new Random(3);
        for (long i = 10_000; i >= 0; i--) {
            add(i * 100, i * 100 + 50);
        }
        verifyOrder();
        verifyLookups(random, 3000);
    }
}
