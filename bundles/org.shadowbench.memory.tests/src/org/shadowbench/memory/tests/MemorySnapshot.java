package org.shadowbench.memory.tests;

import java.util.ArrayList;
import java.util.List;

import org.shadowbench.memory.DeviceMemoryRegion;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;

/**
 * Everything observable about a page model's structure, as a value: ranges, every page
 * descriptor, device regions and frame accounting. Tests compare two snapshots to prove that a
 * rejected operation changed nothing. Statistics are left out on purpose: failed calls may count
 * look-ups.
 */
public record MemorySnapshot(List<String> ranges, List<String> regions, int framesInUse) {

    /** Captures the model's current state. */
    public static MemorySnapshot of(PhysicalMemory memory) {
        List<String> ranges = new ArrayList<>();
        for (RamRange range : memory.ranges()) {
            ranges.add(describe(range));
        }
        List<String> regions = new ArrayList<>();
        for (DeviceMemoryRegion region : memory.regions()) {
            StringBuilder text = new StringBuilder(region.handle() + " " + region.description() + " mapped="
                    + region.mappedAt());
            for (int c = 0; c < region.chunks().size(); c++) {
                text.append(" [").append(region.chunkFlags(c)).append(' ').append(describe(region.chunks().get(c)))
                        .append(']');
            }
            regions.add(text.toString());
        }
        return new MemorySnapshot(ranges, regions, memory.frames().framesInUse());
    }

    private static String describe(RamRange range) {
        StringBuilder text = new StringBuilder(String.format("%x-%x %s %s:", range.first(), range.last(), range.kind(),
                range.description()));
        for (int i = 0; i < range.pageCount(); i++) {
            text.append(' ').append(range.pageType(i).code()).append('/').append(range.pageState(i).code()).append('/')
                    .append(range.hostFrame(i)).append('/').append(range.pageId(i)).append('/')
                    .append(range.handlerState(i).code()).append('/').append(range.engineState(i)).append('/')
                    .append(range.pdeType(i).code()).append('/').append(range.tracking(i));
        }
        return text.toString();
    }
}
