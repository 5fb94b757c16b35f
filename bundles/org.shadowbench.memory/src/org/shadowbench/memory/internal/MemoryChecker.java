package org.shadowbench.memory.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.shadowbench.memory.DeviceMemoryRegion;
import org.shadowbench.memory.FrameUse;
import org.shadowbench.memory.HostFrameStore;
import org.shadowbench.memory.PageDescriptor;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RangeKind;

/**
 * Verifies every invariant of the page model; used after each step of randomized tests and by the
 * runner's checked mode. Stops listing after a hundred problems.
 */
final class MemoryChecker {
    private static final int MAX_PROBLEMS = 100;
    /** An untouched RAM page: on the zero frame with no page id, of type RAM in state ZERO. */
    private static final long UNTOUCHED_MASK0 = PageDescriptor.FRAME_MASK | PageDescriptor.PAGE_ID_MASK << PageDescriptor.PAGE_ID_SHIFT;
    private static final long UNTOUCHED_WORD0 = HostFrameStore.ZERO_FRAME
            | (long) PhysicalMemory.NIL_PAGE_ID << PageDescriptor.PAGE_ID_SHIFT;
    private static final long UNTOUCHED_MASK1 = PageDescriptor.TYPE_MASK | PageDescriptor.STATE_MASK;
    private static final long UNTOUCHED_WORD1 = (long) PageType.RAM.code() << PageDescriptor.TYPE_SHIFT
            | (long) PageState.ZERO.code() << PageDescriptor.STATE_SHIFT;

    private final PhysicalMemoryImpl memory;
    private final FrameStore frames;
    private final List<String> problems = new ArrayList<>();
    /** References found on frames owned by pages (aliases excluded), by frame. */
    private final Map<Integer, Integer> owners = new HashMap<>();

    MemoryChecker(PhysicalMemoryImpl memory, FrameStore frames) {
        this.memory = memory;
        this.frames = frames;
    }

    List<String> check() {
        memory.index.check(problems);
        for (int i = 0; i < memory.index.size(); i++) {
            RamRangeImpl range = memory.index.get(i);
            if (range.region == null) {
                checkRange(range);
            } else if (!range.region.isMapped() || range.region.chunks[range.chunk] != range) {
                problem("indexed chunk " + range + " does not belong to a mapped region");
            }
        }
        checkRegions();
        checkFrames();
        return problems.size() > MAX_PROBLEMS ? problems.subList(0, MAX_PROBLEMS) : problems;
    }

    private void problem(String text) {
        problems.add(text);
    }

    private void checkRange(RamRangeImpl range) {
        boolean placed = range.first() != PhysicalMemory.NIL_ADDRESS;
        if (placed && ((range.first() & PhysicalMemory.PAGE_OFFSET_MASK) != 0
                || range.last() != range.first() + range.size() - 1 || range.last() > PhysicalMemory.MAX_ADDRESS)) {
            problem("range bounds are broken: " + range);
        }
        // A RAM range's untouched pages (RAM, ZERO, on the zero frame without a page id) pass every check
        // below; they are skipped without a call per page, so a large guest's unused RAM costs little.
        boolean ram = range.kind() == RangeKind.RAM;
        for (int i = 0; problems.size() <= MAX_PROBLEMS; i++) {
            if (ram) {
                i = range.nextPageUnlike(i, UNTOUCHED_MASK0, UNTOUCHED_WORD0, UNTOUCHED_MASK1, UNTOUCHED_WORD1);
            }
            if (i >= range.pageCount()) {
                break;
            }
            checkPage(range, i);
        }
    }

    private boolean typeFitsKind(RangeKind kind, PageType type) {
        return switch (kind) {
            case RAM -> type == PageType.RAM;
            case ROM -> type == PageType.ROM || type == PageType.ROM_SHADOW;
            case MMIO, PRE_REGISTERED_MMIO -> type.isMmioOrAlias();
            case MMIO2 -> type == PageType.MMIO2;
        };
    }

    /** Names a page in a violation; built only when there is one (a clean check of 4 GiB formats nothing). */
    private static String where(RamRangeImpl range, int i) {
        return String.format("page %#x of %s: ", range.pageAddress(i), range.description());
    }

    private void checkPage(RamRangeImpl range, int i) {
        int typeCode = range.typeCode(i);
        int stateCode = range.stateCode(i);
        if (typeCode == PageType.INVALID.code() || typeCode > PageType.MMIO.code()) {
            problem(where(range, i) + "invalid type code " + typeCode);
            return;
        }
        if (stateCode > PageState.BALLOONED.code()) {
            problem(where(range, i) + "invalid state code " + stateCode);
            return;
        }
        PageType type = range.pageType(i);
        PageState state = range.pageState(i);
        int frame = range.hostFrame(i);
        if (!typeFitsKind(range.kind(), type)) {
            problem(where(range, i) + "type " + type + " in a " + range.kind() + " range");
        }
        boolean onZero = frame == HostFrameStore.ZERO_FRAME;
        boolean wantsZero = state == PageState.ZERO || state == PageState.BALLOONED;
        if (onZero != wantsZero) {
            problem(where(range, i) + range.describePage(i) + ": frame and state disagree");
        }
        if (wantsZero && range.pageId(i) != PhysicalMemory.NIL_PAGE_ID) {
            problem(where(range, i) + range.describePage(i) + ": a page on the zero frame has a page id");
        }
        if (type == PageType.MMIO && state != PageState.ZERO) {
            problem(where(range, i) + "MMIO page in state " + state);
        }
        if (type.isMmioAlias() && state != PageState.ALLOCATED) {
            problem(where(range, i) + "alias page in state " + state);
        }
        if (state == PageState.BALLOONED && type != PageType.RAM) {
            problem(where(range, i) + "ballooned " + type + " page");
        }
        if (onZero) {
            return;
        }
        FrameUse use = frames.use(frame);
        if (type.isMmioAlias()) {
            boolean fits = type == PageType.MMIO2_ALIAS_MMIO ? use == FrameUse.MMIO2
                    : use == FrameUse.DEVICE || use == FrameUse.GUEST || use == FrameUse.MMIO2;
            if (!fits) {
                problem(where(range, i) + "alias points at frame " + frame + " used as " + use);
            }
            return;
        }
        FrameUse expected = type == PageType.MMIO2 ? FrameUse.MMIO2 : FrameUse.GUEST;
        if (use != expected) {
            problem(where(range, i) + "frame " + frame + " is used as " + use + ", expected " + expected);
        }
        owners.merge(frame, 1, Integer::sum);
    }

    private void checkRegions() {
        DeviceRegionImpl[] slots = memory.slots;
        for (int slot = 0; slot < slots.length; slot++) {
            DeviceRegionImpl region = slots[slot];
            if (region == null) {
                continue;
            }
            int chunk = slot - region.firstSlot();
            if (chunk < 0 || chunk >= region.chunks.length) {
                problem("handle slot " + slot + " names " + region + " but is outside its chunks");
                continue;
            }
            RamRangeImpl range = region.chunks[chunk];
            int flags = region.chunkFlags[chunk];
            boolean first = chunk == 0;
            boolean last = chunk == region.chunks.length - 1;
            if (((flags & DeviceMemoryRegion.CHUNK_FIRST) != 0) != first
                    || ((flags & DeviceMemoryRegion.CHUNK_LAST) != 0) != last
                    || ((flags & DeviceMemoryRegion.CHUNK_MMIO2) != 0) != region.isMmio2()
                    || ((flags & DeviceMemoryRegion.CHUNK_MAPPED) != 0) != region.isMapped()) {
                problem("chunk " + chunk + " of " + region + " has wrong flags " + Integer.toHexString(flags));
            }
            if (range.region != region || range.chunk != chunk) {
                problem("chunk " + chunk + " of " + region + " does not point back at its region");
            }
            if (region.isMapped()) {
                long expectedFirst = region.mappedAt();
                for (int c = 0; c < chunk; c++) {
                    expectedFirst += region.chunks[c].size();
                }
                if (range.first() != expectedFirst || memory.index.findUncached(range.first()) != range) {
                    problem("chunk " + chunk + " of mapped " + region + " is not indexed at " + String.format("%#x", expectedFirst));
                }
            } else if (range.first() != PhysicalMemory.NIL_ADDRESS) {
                problem("chunk " + chunk + " of unmapped " + region + " has an address");
            }
            checkRange(range);
        }
    }

    private void checkFrames() {
        if (frames.use(HostFrameStore.ZERO_FRAME) != FrameUse.ZERO || !frames.isZeroFilled(HostFrameStore.ZERO_FRAME)) {
            problem("the zero frame was written or reassigned");
        }
        int inUse = 0;
        for (int frame = 0; frame < frames.frameBound(); frame++) {
            int refs = frames.referenceCount(frame);
            FrameUse use = frames.use(frame);
            if ((refs == 0) != (use == FrameUse.FREE)) {
                problem("frame " + frame + " has " + refs + " references but use " + use);
            }
            if (refs != 0) {
                inUse++;
            }
            if (use == FrameUse.GUEST || use == FrameUse.MMIO2) {
                int found = owners.getOrDefault(frame, 0);
                if (found != refs) {
                    problem("frame " + frame + " (" + use + ") has " + refs + " references but " + found + " pages own it");
                }
            }
        }
        if (inUse != frames.framesInUse()) {
            problem("frames in use counted " + frames.framesInUse() + " but " + inUse + " have references");
        }
        for (int frame : frames.freeFrames()) {
            if (frames.use(frame) != FrameUse.FREE) {
                problem("frame " + frame + " is on the free list but used as " + frames.use(frame));
            }
        }
        if (frames.freeFrames().length + frames.framesInUse() != frames.frameBound()) {
            problem("free list and frames in use do not add up to the frames handed out");
        }
    }
}
