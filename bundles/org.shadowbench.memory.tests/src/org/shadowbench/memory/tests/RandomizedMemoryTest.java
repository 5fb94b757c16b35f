package org.shadowbench.memory.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.shadowbench.memory.DeviceMemoryRegion;
import org.shadowbench.memory.MemoryConfiguration;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.RangeKind;

/**
 * Random sequences of every page model operation against a simple reference: a list of ranges and
 * a sparse map of the bytes written. After every step the checker runs and, every few steps, all
 * content is compared. Rejected operations must match the reference's verdict and change nothing.
 */
class RandomizedMemoryTest {

    static java.util.stream.LongStream seeds() {
        return TestScale.seeds(1, 2, 3, 4);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomOperationsAgreeWithTheReference(long seed) {
        Scenario scenario = new Scenario(seed);
        ModelRun.run(seed, TestScale.steps(5_000), scenario);
        scenario.compareEverything();
    }

    /** One seeded run: the model under test and the reference. */
    private static final class Scenario implements ModelRun.Scenario {
        private static final long PAGE = PhysicalMemory.PAGE_SIZE;
        /** The test plays in the first 1 MiB plus a window above 4 GiB. */
        private static final long HIGH = 1L << 32;

        /** One range of the reference: where it is, what it is, and the storage key of its first page. */
        private record Span(long first, long last, RangeKind kind, int handle) {
            boolean contains(long address) {
                return address >= first && address <= last;
            }
        }

        private final Random random;
        private final PhysicalMemory memory = Factories.MEMORY
                .create(MemoryConfiguration.defaults().withMaxChunkPages(3).withMaxRegionSlots(12).withMaxRanges(40));
        private final List<Span> spans = new ArrayList<>();
        /** Bytes written, keyed by storage address: guest address for RAM and ROM, region key for MMIO2. */
        private final Map<Long, Byte> bytes = new HashMap<>();
        private final Map<Integer, Long> regionSizes = new HashMap<>();
        private final Map<Integer, Object> regionOwners = new HashMap<>();

        Scenario(long seed) {
            this.random = new Random(seed);
        }

        private static long regionKey(int handle, long offset) {
            return (1L << 60) | ((long) handle << 40) | offset;
        }

        private long randomAddress() {
            long base = random.nextBoolean() ? 0 : HIGH;
            return base + random.nextInt(256) * PAGE;
        }

        private Span spanAt(long address) {
            for (Span span : spans) {
                if (span.contains(address)) {
                    return span;
                }
            }
            return null;
        }

        private boolean overlaps(long first, long last) {
            for (Span span : spans) {
                if (span.first <= last && first <= span.last) {
                    return true;
                }
            }
            return false;
        }

        /** The byte a read at the address must return. */
        private int expectedByte(long address) {
            Span span = spanAt(address);
            if (span == null) {
                return 0xff;
            }
            return switch (span.kind) {
                case MMIO, PRE_REGISTERED_MMIO -> 0;
                case MMIO2 -> bytes.getOrDefault(regionKey(span.handle, address - span.first), (byte) 0) & 0xff;
                default -> bytes.getOrDefault(address, (byte) 0) & 0xff;
            };
        }

        private void recordWrite(long address, long value, int size) {
            for (int i = 0; i < size; i++) {
                long at = address + i;
                Span span = spanAt(at);
                if (span == null) {
                    continue;
                }
                byte b = (byte) (value >>> (8 * i));
                switch (span.kind) {
                    case RAM -> bytes.put(at, b);
                    case MMIO2 -> bytes.put(regionKey(span.handle, at - span.first), b);
                    default -> {
                        // ROM and MMIO drop writes.
                    }
                }
            }
        }

        private void forgetPage(long page) {
            for (long at = page; at < page + PAGE; at++) {
                bytes.remove(at);
            }
        }

        private long steps;

        @Override
        public String step() {
            int op = random.nextInt(100);
            String name;
            if (op < 30) {
                write();
                name = "write";
            } else if (op < 50) {
                read();
                name = "read";
            } else if (op < 58) {
                registerRange();
                name = "register range";
            } else if (op < 62) {
                deregisterRange();
                name = "deregister range";
            } else if (op < 70) {
                pageTransition();
                name = "page transition";
            } else if (op < 78) {
                bulk();
                name = "bulk access";
            } else {
                regionOperation();
                name = "device region operation";
            }
            if (++steps % 64 == 0) {
                compareEverything();
            }
            return name;
        }

        @Override
        public List<String> problems() {
            return memory.check();
        }

        private void write() {
            int size = 1 << random.nextInt(4);
            long address = randomAddress() + random.nextInt((int) PAGE) - (random.nextBoolean() ? 0 : 4);
            long value = random.nextLong();
            memory.write(address, size, value);
            recordWrite(address, value, size);
        }

        private void read() {
            int size = 1 << random.nextInt(4);
            long address = randomAddress() + random.nextInt((int) PAGE) - 3;
            long expected = 0;
            for (int i = 0; i < size; i++) {
                expected |= (long) expectedByte(address + i) << (8 * i);
            }
            assertEquals(expected, memory.read(address, size), String.format("read of %d bytes at %#x", size, address));
        }

        private void bulk() {
            long address = randomAddress() + random.nextInt((int) PAGE);
            byte[] data = new byte[random.nextInt(3 * (int) PAGE)];
            if (random.nextBoolean()) {
                random.nextBytes(data);
                memory.write(address, data, 0, data.length);
                for (int i = 0; i < data.length; i++) {
                    recordWrite(address + i, data[i], 1);
                }
            } else {
                memory.read(address, data, 0, data.length);
                for (int i = 0; i < data.length; i++) {
                    assertEquals(expectedByte(address + i), data[i] & 0xff, String.format("bulk byte at %#x", address + i));
                }
            }
        }

        private void registerRange() {
            long first = randomAddress();
            long last = first + (1 + random.nextInt(6)) * PAGE - 1;
            int kind = random.nextInt(3);
            boolean expectConflict = overlaps(first, last) || memory.rangeCount() >= 40;
            try {
                switch (kind) {
                    case 0 -> memory.registerRam(first, last, "ram");
                    case 1 -> memory.registerMmio(first, last, "mmio");
                    default -> {
                        byte[] image = new byte[random.nextInt((int) (last - first + 1))];
                        random.nextBytes(image);
                        memory.registerRom(first, last, image, false, "rom");
                        if (!expectConflict) {
                            for (int i = 0; i < image.length; i++) {
                                bytes.put(first + i, image[i]);
                            }
                        }
                    }
                }
                assertTrue(!expectConflict, String.format("registration at %#x should have been refused", first));
                spans.add(new Span(first, last, kind == 0 ? RangeKind.RAM : kind == 1 ? RangeKind.MMIO : RangeKind.ROM, 0));
            } catch (PgmException e) {
                assertTrue(expectConflict, "unexpected refusal: " + e.getMessage());
            }
        }

        private void deregisterRange() {
            List<Span> plain = spans.stream().filter(s -> s.kind != RangeKind.MMIO2 && s.kind != RangeKind.PRE_REGISTERED_MMIO)
                    .toList();
            if (plain.isEmpty()) {
                return;
            }
            Span span = plain.get(random.nextInt(plain.size()));
            memory.deregisterRange(span.first);
            spans.remove(span);
            for (long page = span.first; page < span.last; page += PAGE) {
                forgetPage(page);
            }
        }

        private void pageTransition() {
            long address = randomAddress();
            RamRange range = memory.rangeAt(address);
            if (range == null) {
                return;
            }
            int index = range.pageIndex(address);
            PageType type = range.pageType(index);
            PageState state = range.pageState(index);
            switch (random.nextInt(4)) {
                case 0 -> {
                    if (type == PageType.RAM) {
                        memory.balloon(range, index);
                        forgetPage(range.pageAddress(index));
                    }
                }
                case 1 -> {
                    if (type == PageType.RAM && state == PageState.ALLOCATED) {
                        memory.writeMonitor(range, index);
                    }
                }
                case 2 -> {
                    long other = randomAddress();
                    RamRange source = memory.rangeAt(other);
                    if (source != null && type == PageType.RAM && source.pageType(source.pageIndex(other)) == PageType.RAM) {
                        int sourceIndex = source.pageIndex(other);
                        PageState sourceState = source.pageState(sourceIndex);
                        boolean sameFrame = source.hostFrame(sourceIndex) == range.hostFrame(index);
                        if (sourceState != PageState.ZERO && sourceState != PageState.BALLOONED && !sameFrame) {
                            memory.share(range, index, source, sourceIndex);
                            long from = source.pageAddress(sourceIndex);
                            long to = range.pageAddress(index);
                            for (int i = 0; i < PAGE; i++) {
                                Byte b = bytes.get(from + i);
                                if (b == null) {
                                    bytes.remove(to + i);
                                } else {
                                    bytes.put(to + i, b);
                                }
                            }
                        }
                    }
                }
                default -> {
                    if (type == PageType.RAM || type == PageType.ROM_SHADOW || state == PageState.ALLOCATED) {
                        memory.makeWritable(range, index);
                    }
                }
            }
        }

        private void regionOperation() {
            List<DeviceMemoryRegion> regions = memory.regions();
            int op = random.nextInt(4);
            if (op == 0 || regions.isEmpty()) {
                Object owner = random.nextBoolean() ? "dev-a" : "dev-b";
                long size = (1 + random.nextInt(7)) * PAGE;
                try {
                    int handle = memory.registerMmio2(owner, size, "region");
                    regionSizes.put(handle, size);
                    regionOwners.put(handle, owner);
                } catch (PgmException e) {
                    assertEquals(org.shadowbench.memory.PgmStatus.VERR_PGM_TOO_MANY_MMIO2_RANGES, e.status());
                }
                return;
            }
            DeviceMemoryRegion region = regions.get(random.nextInt(regions.size()));
            int handle = region.handle();
            Object owner = regionOwners.get(handle);
            switch (op) {
                case 1 -> {
                    if (region.isMapped()) {
                        memory.unmapRegion(owner, handle);
                        spans.removeIf(s -> s.handle == handle);
                    } else {
                        long at = randomAddress();
                        long last = at + regionSizes.get(handle) - 1;
                        int chunks = region.chunks().size();
                        boolean conflict = overlaps(at, last) || memory.rangeCount() + chunks > 40;
                        try {
                            memory.mapRegion(owner, handle, at);
                            assertTrue(!conflict, "map should have been refused");
                            spans.add(new Span(at, last, RangeKind.MMIO2, handle));
                        } catch (PgmException e) {
                            assertTrue(conflict, "unexpected refusal: " + e.getMessage());
                        }
                    }
                }
                case 2 -> {
                    memory.deregisterRegion(owner, handle);
                    spans.removeIf(s -> s.handle == handle);
                    bytes.keySet().removeIf(k -> (k >>> 60) == 1 && ((k >>> 40) & 0xfffff) == handle);
                    regionSizes.remove(handle);
                    regionOwners.remove(handle);
                }
                default -> {
                    long offset = random.nextInt((int) (long) regionSizes.get(handle));
                    var page = memory.resolveMmio2Page(owner, handle, offset);
                    assertEquals(PageType.MMIO2, page.type());
                    long key = regionKey(handle, offset);
                    int expected = bytes.getOrDefault(key, (byte) 0) & 0xff;
                    assertEquals(expected, memory.frames().read(page.hostFrame(), (int) (offset & 0xfff), 1));
                }
            }
        }

        private void compareEverything() {
            for (Span span : spans) {
                for (long at = span.first; at <= span.last; at += 61) {
                    assertEquals(expectedByte(at), memory.read(at, 1), String.format("byte at %#x", at));
                }
            }
        }
    }
}
