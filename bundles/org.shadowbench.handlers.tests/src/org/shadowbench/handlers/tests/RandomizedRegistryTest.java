package org.shadowbench.handlers.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.shadowbench.handlers.AccessOrigin;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.handlers.PhysicalHandlerRegistryFactory;
import org.shadowbench.memory.FrameUse;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.tests.Factories;
import org.shadowbench.memory.tests.ModelRun;
import org.shadowbench.memory.tests.TestScale;

/**
 * Model-based test of the registry: random sequences of every operation (RAM ranges added,
 * register, deregister, modify, split, join, temp-off, MMIO2 and host aliases, reset, overlay
 * handlers registered and deregistered over and beside ordinary ones, accesses)
 * checked after every step against a brute-force reference: the same status, the same handlers and
 * the same type and handler state on every page; and the consistency checkers after every step.
 * CI runs 4 x 50,000 steps; {@code -Dshadowbench.test.scale=50} runs 10 million.
 */
class RandomizedRegistryTest {

    static java.util.stream.LongStream seeds() {
        return TestScale.seeds(101, 202, 303, 404);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomOperationsAgreeWithTheReference(long seed) {
        ModelRun.run(seed, TestScale.steps(50_000), new Scenario(seed));
    }

    /** One seeded run. */
    private static final class Scenario implements ModelRun.Scenario {
        private static final long PAGE = PhysicalMemory.PAGE_SIZE;
        private static final long MMIO_BASE = 0x80000;

        /** The reference's view of a handler. */
        private static final class Ref {
            long first;
            long last;
            final int type;
            final Object user;
            final Set<Long> tempOff = new HashSet<>();

            Ref(long first, long last, int type, Object user) {
                this.first = first;
                this.last = last;
                this.type = type;
                this.user = user;
            }
        }

        /** The reference's view of an overlay handler. */
        private record Overlay(long first, long last, int type, Object user, PhysicalHandler handler) {
        }

        private final Random random;
        private final PhysicalMemory memory = Factories.MEMORY.create();
        private final PhysicalHandlerRegistry registry = Factories.provider(PhysicalHandlerRegistryFactory.class)
                .create(memory, new RecordingShadow(), null);
        private final HandlerType[] types = new HandlerType[4];
        private final HandlerKind[] kinds = { HandlerKind.WRITE, HandlerKind.WRITE, HandlerKind.ALL, HandlerKind.MMIO };
        private final TreeMap<Long, Ref> handlers = new TreeMap<>();
        private final HandlerType[] overlayTypes = new HandlerType[2];
        private final HandlerKind[] overlayKinds = { HandlerKind.WRITE, HandlerKind.ALL };
        private final TreeMap<Long, Overlay> overlays = new TreeMap<>();
        /** Overlay handlers deregistered and not destroyed yet: deregistering one again is refused. */
        private final List<PhysicalHandler> retiredOverlays = new ArrayList<>();
        private Object lastOverlayUser;
        /** Aliased pages and the frame behind them; special aliases are marked in {@link #special}. */
        private final Map<Long, Integer> aliases = new HashMap<>();
        private final Set<Long> special = new HashSet<>();
        private final List<RamRange> ranges = new ArrayList<>();
        private final Object vga = "vga";
        private final int vram;
        private final int[] devicePages = new int[2];
        private Object lastUser;
        private int nextUser;
        private long nextRange = 0x100000;

        Scenario(long seed) {
            random = new Random(seed);
            ranges.add(memory.registerRam(0, 0x1ffff, "RAM A"));
            ranges.add(memory.registerRam(0x20000, 0x3ffff, "RAM B"));
            ranges.add(memory.registerMmio(MMIO_BASE, MMIO_BASE + 0xffff, "MMIO"));
            vram = memory.registerMmio2(vga, 4 * PAGE, "VRAM");
            for (int i = 0; i < devicePages.length; i++) {
                devicePages[i] = memory.frames().allocate(FrameUse.DEVICE);
            }
            for (int i = 0; i < types.length; i++) {
                types[i] = registry.registerType(kinds[i], "type " + i, (access, user) -> {
                    lastUser = user;
                    return AccessOutcome.DEFAULT;
                });
            }
            for (int i = 0; i < overlayTypes.length; i++) {
                overlayTypes[i] = registry.registerOverlayType(overlayKinds[i], "watch " + i, (access, user) -> {
                    lastOverlayUser = user;
                    return AccessOutcome.FAULT; // ignored: overlays only observe
                });
            }
        }

        // ---------------------------------------------------------------- reference

        private boolean overlaps(long first, long last, Ref except) {
            for (Ref ref : handlers.values()) {
                if (ref != except && ref.first <= last && first <= ref.last) {
                    return true;
                }
            }
            return false;
        }

        private static boolean wholePages(long first, long last) {
            return (first & 0xfff) == 0 && (last & 0xfff) == 0xfff;
        }

        /** The status placement checks give, or null when the span is fine. */
        private PgmStatus placementFailure(int type, long first, long last) {
            if (kinds[type] != HandlerKind.WRITE && !wholePages(first, last)) {
                return PgmStatus.VERR_INVALID_PARAMETER;
            }
            RamRange range = memory.rangeAt(first);
            if (range == null || last > range.last()) {
                return PgmStatus.VERR_PGM_HANDLER_PHYSICAL_NO_RAM_RANGE;
            }
            if (kinds[type] == HandlerKind.MMIO) {
                for (long page = first & ~0xfffL; page <= last; page += PAGE) {
                    if (!memory.rangeAt(page).pageType(memory.rangeAt(page).pageIndex(page)).isMmioOrAlias()) {
                        return PgmStatus.VERR_INVALID_PARAMETER;
                    }
                }
            }
            return null;
        }

        private Ref handlerOn(long page) {
            for (Ref ref : handlers.values()) {
                if (ref.first <= page + PAGE - 1 && page <= ref.last) {
                    return ref;
                }
            }
            return null;
        }

        private PageHandlerState expectedState(long page) {
            if (aliases.containsKey(page)) {
                return PageHandlerState.DISABLED;
            }
            PageHandlerState state = PageHandlerState.NONE;
            for (Ref ref : handlers.values()) {
                if (ref.tempOff.contains(page)) {
                    return PageHandlerState.DISABLED;
                }
                if (ref.first <= page + PAGE - 1 && page <= ref.last) {
                    state = state.max(kinds[ref.type].pageState());
                }
            }
            for (Overlay overlay : overlays.values()) {
                if (overlay.first() <= page + PAGE - 1 && page <= overlay.last()) {
                    state = state.max(overlayKinds[overlay.type()].pageState());
                }
            }
            return state;
        }

        private PageType expectedType(RamRange range, long page) {
            if (aliases.containsKey(page)) {
                return special.contains(page) ? PageType.SPECIAL_ALIAS_MMIO : PageType.MMIO2_ALIAS_MMIO;
            }
            return range.kind() == org.shadowbench.memory.RangeKind.MMIO ? PageType.MMIO : PageType.RAM;
        }

        private void dropPageState(Ref ref) {
            ref.tempOff.clear();
            for (long page = ref.first & ~0xfffL; page <= ref.last; page += PAGE) {
                aliases.remove(page);
                special.remove(page);
            }
        }

        @Override
        public List<String> problems() {
            List<String> problems = new ArrayList<>(registry.check());
            problems.addAll(memory.check());
            List<PhysicalHandler> all = registry.handlers();
            List<PhysicalHandler> actual = all.stream().filter(h -> !h.type().isOverlay()).toList();
            List<PhysicalHandler> actualOverlays = registry.overlays();
            if (all.size() != handlers.size() + overlays.size() || registry.handlerCount() != all.size()) {
                problems.add(all.size() + " handlers (count " + registry.handlerCount() + "), reference has "
                        + handlers.size() + " and " + overlays.size() + " overlays");
                return problems;
            }
            if (!actualOverlays.equals(List.copyOf(overlays.values().stream().map(Overlay::handler).toList()))) {
                problems.add("overlays " + actualOverlays + ", reference " + overlays.values());
            }
            for (Overlay overlay : overlays.values()) {
                PhysicalHandler handler = overlay.handler();
                if (handler.first() != overlay.first() || handler.last() != overlay.last()
                        || handler.type() != overlayTypes[overlay.type()] || handler.userArgument() != overlay.user()) {
                    problems.add(handler + " differs from reference overlay " + overlay);
                }
            }
            if (actual.size() != handlers.size()) {
                problems.add(actual.size() + " handlers, reference has " + handlers.size());
                return problems;
            }
            int i = 0;
            for (Ref ref : handlers.values()) {
                PhysicalHandler handler = actual.get(i++);
                if (handler.first() != ref.first || handler.last() != ref.last || handler.type() != types[ref.type]
                        || handler.userArgument() != ref.user) {
                    problems.add(handler + " differs from reference " + Long.toHexString(ref.first) + "-" + Long.toHexString(ref.last));
                }
            }
            for (RamRange range : ranges) {
                for (int index = 0; index < range.pageCount(); index++) {
                    long page = range.pageAddress(index);
                    if (range.handlerState(index) != expectedState(page) || range.pageType(index) != expectedType(range, page)) {
                        problems.add(String.format("page %#x: %s/%s, reference %s/%s", page, range.pageType(index),
                                range.handlerState(index), expectedType(range, page), expectedState(page)));
                    }
                }
            }
            return problems;
        }

        // ---------------------------------------------------------------- operations

        private long anyAddress() {
            if (random.nextInt(8) == 0) {
                return nearBoundary();
            }
            int pick = random.nextInt(10);
            long base = pick < 4 ? 0 : pick < 7 ? MMIO_BASE : pick < 9 ? 0x100000 + random.nextInt(8) * 0x10000L : 0x50000;
            long span = pick < 4 ? 0x40000 : 0x10000;
            return base + (long) (random.nextDouble() * span);
        }

        /**
         * An address within two pages of a range boundary: uniform addresses reached two handlers
         * meeting where RAM A meets RAM B only after some 170,000 steps, so spans and joins across
         * boundaries (adjacent RAM ranges, RAM next to nothing, the MMIO range's ends) are drawn on purpose.
         */
        private long nearBoundary() {
            RamRange range = ranges.get(random.nextInt(ranges.size()));
            long edge = random.nextBoolean() ? range.first() : range.last() + 1;
            long offset = (long) ((random.nextDouble() * 4 - 2) * PAGE);
            return Math.max(0, edge + offset);
        }

        private long existingOrAny() {
            if (!handlers.isEmpty() && random.nextInt(4) != 0) {
                List<Long> keys = new ArrayList<>(handlers.keySet());
                return keys.get(random.nextInt(keys.size()));
            }
            return anyAddress();
        }

        /** Runs the call and compares its outcome with the expected status (null: an exception is not expected). */
        private void expect(PgmStatus expected, Supplier<PgmStatus> call, String what) {
            PgmStatus actual;
            try {
                actual = call.get();
            } catch (PgmException e) {
                actual = e.status();
            }
            assertEquals(expected, actual, what);
        }

        @Override
        public String step() {
            int op = random.nextInt(100);
            if (op < 22) {
                return register();
            } else if (op < 32) {
                return deregister();
            } else if (op < 40) {
                return modify();
            } else if (op < 47) {
                return split();
            } else if (op < 54) {
                return join();
            } else if (op < 61) {
                return tempOff();
            } else if (op < 70) {
                return aliasMmio2();
            } else if (op < 75) {
                return aliasHc();
            } else if (op < 82) {
                return reset();
            } else if (op < 87) {
                return registerOverlay();
            } else if (op < 91) {
                return deregisterOverlay();
            } else if (op < 98) {
                return access();
            }
            return addRange();
        }

        private long[] randomSpan(int type) {
            long first = anyAddress();
            if (kinds[type] == HandlerKind.WRITE && random.nextBoolean()) {
                return new long[] { first, first + 1 + random.nextInt(random.nextBoolean() ? 64 : 3 * (int) PAGE) };
            }
            first &= ~0xfffL;
            return new long[] { first, first + (1 + random.nextInt(3)) * PAGE - 1 };
        }

        private String register() {
            int type = random.nextInt(types.length);
            long[] span = randomSpan(type);
            Object user = "u" + nextUser++;
            PgmStatus failure = span[0] >= span[1] ? PgmStatus.VERR_INVALID_PARAMETER : placementFailure(type, span[0], span[1]);
            if (failure == null && overlaps(span[0], span[1], null)) {
                failure = PgmStatus.VERR_PGM_HANDLER_PHYSICAL_CONFLICT;
            }
            expect(failure == null ? PgmStatus.VINF_SUCCESS : failure,
                    () -> registry.register(span[0], span[1], types[type], user, null), "register");
            if (failure == null) {
                handlers.put(span[0], new Ref(span[0], span[1], type, user));
            }
            return String.format("register %d %#x-%#x", type, span[0], span[1]);
        }

        private String registerOverlay() {
            int type = random.nextInt(overlayTypes.length);
            long first = anyAddress();
            Ref over = random.nextBoolean() ? handlers.get(existingOrAny()) : null;
            if (over != null) {
                // Mostly over or beside an ordinary handler: the shared pages are what overlays are about.
                first = over.first + (long) (random.nextDouble() * (over.last - over.first + 1));
            }
            long start = first;
            long last = random.nextInt(10) == 0 ? first - 1 : first + random.nextInt(random.nextBoolean() ? 8 : 2 * (int) PAGE);
            Object user = "o" + nextUser++;
            PgmStatus failure = null;
            RamRange range = memory.rangeAt(first);
            if (last < first) {
                failure = PgmStatus.VERR_INVALID_PARAMETER;
            } else if (range == null || last > range.last()) {
                failure = PgmStatus.VERR_PGM_HANDLER_PHYSICAL_NO_RAM_RANGE;
            } else {
                for (Overlay other : overlays.values()) {
                    if (other.first() <= last && first <= other.last()) {
                        failure = PgmStatus.VERR_PGM_HANDLER_PHYSICAL_CONFLICT;
                    }
                }
                for (long page = first & ~0xfffL; failure == null && page <= last; page += PAGE) {
                    if (expectedState(page) == PageHandlerState.DISABLED) {
                        failure = PgmStatus.VERR_ACCESS_DENIED;
                    }
                }
            }
            PhysicalHandler handler = registry.create(overlayTypes[type], user, null);
            expect(failure == null ? PgmStatus.VINF_SUCCESS : failure, () -> registry.register(handler, start, last),
                    "register overlay");
            if (failure == null) {
                overlays.put(first, new Overlay(first, last, type, user, handler));
            } else {
                registry.destroy(handler);
            }
            return String.format("register overlay %d %#x-%#x", type, first, last);
        }

        private String deregisterOverlay() {
            if (!retiredOverlays.isEmpty() && (overlays.isEmpty() || random.nextInt(8) == 0)) {
                PhysicalHandler handler = retiredOverlays.remove(random.nextInt(retiredOverlays.size()));
                expect(PgmStatus.VERR_PGM_HANDLER_NOT_FOUND, () -> {
                    registry.deregister(handler);
                    return PgmStatus.VINF_SUCCESS;
                }, "deregister a deregistered overlay");
                registry.destroy(handler);
                return "deregister overlay again";
            }
            if (overlays.isEmpty()) {
                return "no overlay";
            }
            List<Long> keys = new ArrayList<>(overlays.keySet());
            Overlay overlay = overlays.remove(keys.get(random.nextInt(keys.size())));
            registry.deregister(overlay.handler());
            if (random.nextBoolean()) {
                registry.destroy(overlay.handler());
            } else {
                retiredOverlays.add(overlay.handler());
            }
            return String.format("deregister overlay %#x-%#x", overlay.first(), overlay.last());
        }

        private String deregister() {
            long first = existingOrAny();
            Ref ref = handlers.get(first);
            expect(ref == null ? PgmStatus.VERR_PGM_HANDLER_NOT_FOUND : PgmStatus.VINF_SUCCESS, () -> {
                registry.deregister(first);
                return PgmStatus.VINF_SUCCESS;
            }, "deregister");
            if (ref != null) {
                handlers.remove(first);
                dropPageState(ref);
            }
            return String.format("deregister %#x", first);
        }

        private String modify() {
            long current = existingOrAny();
            Ref ref = handlers.get(current);
            long[] span = randomSpan(ref == null ? 0 : ref.type);
            if (ref != null && random.nextInt(5) == 0) {
                span[1] = span[0] - 1 - random.nextInt(10);
            }
            PgmStatus expected;
            if (ref == null) {
                expected = PgmStatus.VERR_PGM_HANDLER_NOT_FOUND;
            } else {
                handlers.remove(current);
                dropPageState(ref);
                PgmStatus failure = span[1] < span[0] ? PgmStatus.VERR_INVALID_PARAMETER : placementFailure(ref.type, span[0], span[1]);
                if (failure == null && overlaps(span[0], span[1], null)) {
                    failure = PgmStatus.VERR_PGM_HANDLER_PHYSICAL_CONFLICT;
                }
                expected = failure == null ? PgmStatus.VINF_SUCCESS : failure;
                if (failure == null) {
                    ref.first = span[0];
                    ref.last = span[1];
                    handlers.put(span[0], ref);
                }
            }
            expect(expected, () -> registry.modify(current, span[0], span[1]), "modify");
            return String.format("modify %#x to %#x-%#x", current, span[0], span[1]);
        }

        private String split() {
            long first = existingOrAny();
            Ref ref = handlers.get(first);
            long at = ref == null ? first + 1 + random.nextInt(0x3000)
                    : ref.first + 1 + (long) (random.nextDouble() * (ref.last - ref.first + 0x800));
            if (random.nextBoolean()) {
                at &= ~0xfffL;
            }
            PgmStatus expected;
            if (first >= at) {
                expected = PgmStatus.VERR_INVALID_PARAMETER;
            } else if (ref == null) {
                expected = PgmStatus.VERR_PGM_HANDLER_NOT_FOUND;
            } else if (at > ref.last) {
                expected = PgmStatus.VERR_INVALID_PARAMETER;
            } else if ((at & 0xfff) != 0 && (kinds[ref.type] != HandlerKind.WRITE || ref.tempOff.contains(at & ~0xfffL)
                    || aliases.containsKey(at & ~0xfffL))) {
                expected = PgmStatus.VERR_INVALID_PARAMETER;
            } else {
                expected = PgmStatus.VINF_SUCCESS;
            }
            long splitAt = at;
            expect(expected, () -> {
                registry.split(first, splitAt);
                return PgmStatus.VINF_SUCCESS;
            }, "split");
            if (expected == PgmStatus.VINF_SUCCESS) {
                Ref upper = new Ref(splitAt, ref.last, ref.type, ref.user);
                ref.last = splitAt - 1;
                for (Long page : List.copyOf(ref.tempOff)) {
                    if (page >= splitAt) {
                        ref.tempOff.remove(page);
                        upper.tempOff.add(page);
                    }
                }
                handlers.put(splitAt, upper);
            }
            return String.format("split %#x at %#x", first, splitAt);
        }

        private String join() {
            long first = existingOrAny();
            Ref a = handlers.get(first);
            long second = a != null && random.nextInt(3) != 0 ? a.last + 1 : existingOrAny();
            Ref b = handlers.get(second);
            PgmStatus expected;
            if (a == null || b == null) {
                expected = PgmStatus.VERR_PGM_HANDLER_NOT_FOUND;
            } else if (a.last + 1 != b.first) {
                expected = PgmStatus.VERR_INVALID_PARAMETER;
            } else if (types[a.type] != types[b.type]) {
                expected = PgmStatus.VERR_ACCESS_DENIED;
            } else if (memory.rangeAt(a.first) != memory.rangeAt(b.first)) {
                expected = PgmStatus.VERR_PGM_HANDLER_PHYSICAL_NO_RAM_RANGE;
            } else {
                expected = PgmStatus.VINF_SUCCESS;
            }
            expect(expected, () -> {
                registry.join(first, second);
                return PgmStatus.VINF_SUCCESS;
            }, "join");
            if (expected == PgmStatus.VINF_SUCCESS) {
                handlers.remove(second);
                a.last = b.last;
                a.tempOff.addAll(b.tempOff);
            }
            return String.format("join %#x %#x", first, second);
        }

        private long pageIn(Ref ref, long fallback) {
            if (ref == null || random.nextInt(8) == 0) {
                return fallback & ~0xfffL;
            }
            long pages = ((ref.last - (ref.first & ~0xfffL)) >>> 12) + 1;
            return (ref.first & ~0xfffL) + random.nextInt((int) pages) * PAGE;
        }

        private String tempOff() {
            long first = existingOrAny();
            Ref ref = handlers.get(first);
            long page = pageIn(ref, anyAddress());
            PgmStatus expected;
            if (ref == null) {
                expected = PgmStatus.VERR_PGM_HANDLER_NOT_FOUND;
            } else if (page < ref.first || page > ref.last) {
                expected = PgmStatus.VERR_INVALID_PARAMETER;
            } else if (!wholePages(ref.first, ref.last)) {
                expected = PgmStatus.VERR_INVALID_PARAMETER;
            } else if (kinds[ref.type] == HandlerKind.MMIO) {
                expected = PgmStatus.VERR_ACCESS_DENIED;
            } else {
                expected = PgmStatus.VINF_SUCCESS;
            }
            expect(expected, () -> {
                registry.pageTempOff(first, page);
                return PgmStatus.VINF_SUCCESS;
            }, "temp-off");
            if (expected == PgmStatus.VINF_SUCCESS) {
                ref.tempOff.add(page);
            }
            return String.format("temp-off %#x page %#x", first, page);
        }

        /** Checks shared by both aliases; returns the failure status or null. */
        private PgmStatus aliasFailure(Ref ref, long page) {
            if (ref == null) {
                return PgmStatus.VERR_PGM_HANDLER_NOT_FOUND;
            } else if (page < ref.first || page > ref.last) {
                return PgmStatus.VERR_INVALID_PARAMETER;
            } else if (kinds[ref.type] != HandlerKind.MMIO) {
                return PgmStatus.VERR_ACCESS_DENIED;
            }
            return null;
        }

        private String aliasMmio2() {
            long first = existingOrAny();
            Ref ref = handlers.get(first);
            long page = pageIn(ref, anyAddress());
            boolean rightOwner = random.nextInt(10) != 0;
            long offset = random.nextInt(random.nextInt(10) == 0 ? 5 : 4) * PAGE;
            PgmStatus expected;
            int frame = 0;
            if (!rightOwner || offset >= 4 * PAGE) {
                expected = PgmStatus.VERR_OUT_OF_RANGE;
            } else {
                frame = memory.resolveMmio2Page(vga, vram, offset).hostFrame();
                expected = aliasFailure(ref, page);
                if (expected == null) {
                    if (special.contains(page)) {
                        expected = PgmStatus.VERR_PGM_PHYS_NOT_MMIO2;
                    } else if (aliases.containsKey(page) && aliases.get(page) == frame) {
                        expected = PgmStatus.VINF_PGM_HANDLER_ALREADY_ALIASED;
                    } else {
                        expected = PgmStatus.VINF_SUCCESS;
                        aliases.put(page, frame);
                    }
                }
            }
            Object owner = rightOwner ? vga : "intruder";
            expect(expected, () -> registry.pageAliasMmio2(first, page, owner, vram, offset), "alias MMIO2");
            return String.format("alias MMIO2 %#x page %#x offset %#x", first, page, offset);
        }

        private String aliasHc() {
            long first = existingOrAny();
            Ref ref = handlers.get(first);
            long page = pageIn(ref, anyAddress());
            int frame = devicePages[random.nextInt(devicePages.length)];
            PgmStatus expected = aliasFailure(ref, page);
            if (expected == null) {
                if (special.contains(page)) {
                    expected = PgmStatus.VINF_PGM_HANDLER_ALREADY_ALIASED;
                } else if (aliases.containsKey(page)) {
                    expected = PgmStatus.VERR_PGM_PHYS_NOT_MMIO2;
                } else {
                    expected = PgmStatus.VINF_SUCCESS;
                    aliases.put(page, frame);
                    special.add(page);
                }
            }
            expect(expected, () -> registry.pageAliasHc(first, page, frame), "alias HC");
            return String.format("alias HC %#x page %#x", first, page);
        }

        private String reset() {
            long first = existingOrAny();
            Ref ref = handlers.get(first);
            expect(ref == null ? PgmStatus.VERR_PGM_HANDLER_NOT_FOUND : PgmStatus.VINF_SUCCESS, () -> {
                registry.reset(first);
                return PgmStatus.VINF_SUCCESS;
            }, "reset");
            if (ref != null) {
                dropPageState(ref);
            }
            return String.format("reset %#x", first);
        }

        private String access() {
            long address = anyAddress();
            boolean write = random.nextBoolean();
            RamRange range = memory.rangeAt(address);
            Object expectedUser = null;
            Object expectedOverlayUser = null;
            if (range != null) {
                long page = address & ~0xfffL;
                PageHandlerState state = expectedState(page);
                boolean intercepted = special.contains(page)
                        || (write ? state.isActive() : state == PageHandlerState.ALL);
                Ref ref = handlers.floorEntry(address) == null ? null : handlers.floorEntry(address).getValue();
                if (intercepted && ref != null && ref.last >= address && (write || kinds[ref.type] != HandlerKind.WRITE)) {
                    expectedUser = ref.user;
                }
                Overlay overlay = overlays.floorEntry(address) == null ? null : overlays.floorEntry(address).getValue();
                if (intercepted && state != PageHandlerState.DISABLED && overlay != null && overlay.last() >= address
                        && (write || overlayKinds[overlay.type()] == HandlerKind.ALL)) {
                    expectedOverlayUser = overlay.user();
                }
            }
            lastUser = null;
            lastOverlayUser = null;
            if (write) {
                registry.write(address, 1, random.nextInt(256), AccessOrigin.CPU);
            } else {
                registry.read(address, 1, AccessOrigin.CPU);
            }
            assertEquals(expectedUser, lastUser, String.format("%s at %#x", write ? "write" : "read", address));
            assertEquals(expectedOverlayUser, lastOverlayUser, String.format("overlay %s at %#x", write ? "write" : "read", address));
            return String.format("%s %#x", write ? "write" : "read", address);
        }

        private String addRange() {
            if (nextRange >= 0x180000) {
                return "no more ranges";
            }
            ranges.add(memory.registerRam(nextRange, nextRange + 8 * PAGE - 1, "added"));
            nextRange += 0x10000;
            return "add range";
        }
    }
}
