package org.shadowbench.memory.internal;

import java.io.IOException;
import java.util.Locale;

import org.shadowbench.memory.ByteCount;
import org.shadowbench.memory.DeviceMemoryRegion;
import org.shadowbench.memory.HostFrameStore;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.RamRange;

/** The text table behind {@code info phys}: ranges with page counts per state, then device regions. */
final class MemoryDump {
    private final PhysicalMemoryImpl memory;

    MemoryDump(PhysicalMemoryImpl memory) {
        this.memory = memory;
    }

    void write(Appendable out) throws IOException {
        long pages = 0;
        for (RamRange range : memory.ranges()) {
            pages += range.pageCount();
        }
        HostFrameStore frames = memory.frames();
        out.append(String.format(Locale.ROOT,
                "Guest-physical address space: %d ranges, %d pages (%s), %d host frames in use (%s), descriptors %d bytes/page%n",
                memory.rangeCount(), pages, ByteCount.format(pages << 12), frames.framesInUse(),
                ByteCount.format((long) frames.framesInUse() << 12), RamRangeImpl.descriptorBytesPerPage()));
        out.append(String.format(Locale.ROOT, "%-16s - %-16s %8s  %-5s %-22s %s%n", "From", "To (incl.)", "Pages",
                "Kind", "Pages by state/type", "Description"));
        for (RamRange range : memory.ranges()) {
            out.append(String.format(Locale.ROOT, "%016x - %016x %8d  %-5s %-22s %s%n", range.first(), range.last(),
                    range.pageCount(), shortKind(range), census(range), range.description()));
        }
        if (!memory.regions().isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nDevice regions:%n%6s  %-5s %-10s %6s  %-18s %s%n", "Handle", "Kind",
                    "Size", "Chunks", "Mapped at", "Description (owner)"));
            for (DeviceMemoryRegion region : memory.regions()) {
                out.append(String.format(Locale.ROOT, "%6d  %-5s %-10s %6d  %-18s %s (%s)%n", region.handle(),
                        region.isMmio2() ? "MMIO2" : "MMIO", ByteCount.format(region.size()), region.chunks().size(),
                        region.isMapped() ? String.format(Locale.ROOT, "%016x", region.mappedAt()) : "-",
                        region.description(), region.owner()));
            }
        }
    }

    private static String shortKind(RamRange range) {
        return switch (range.kind()) {
            case RAM -> "RAM";
            case ROM -> "ROM";
            case MMIO -> "MMIO";
            case MMIO2 -> "MMIO2";
            case PRE_REGISTERED_MMIO -> "MMIOx";
        };
    }

    /** Counts of interesting page states and types, e.g. "alloc 12 zero 148". */
    private static String census(RamRange range) {
        int[] states = new int[PageState.values().length];
        int aliases = 0;
        for (int i = 0; i < range.pageCount(); i++) {
            states[range.pageState(i).ordinal()]++;
            if (range.pageType(i).isMmioAlias()) {
                aliases++;
            }
        }
        StringBuilder text = new StringBuilder();
        String[] labels = { "zero", "alloc", "wmon", "shared", "balloon" };
        for (int s = 0; s < states.length; s++) {
            if (states[s] != 0) {
                text.append(labels[s]).append(' ').append(states[s]).append(' ');
            }
        }
        if (aliases != 0) {
            text.append("alias ").append(aliases).append(' ');
        }
        if (range.pageCount() > 0 && range.pageType(0) == PageType.ROM_SHADOW) {
            text.append("shadowed ");
        }
        return text.toString().trim();
    }
}
