package org.shadowbench.memory.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import org.shadowbench.memory.DeviceMemoryRegion;
import org.shadowbench.memory.FrameUse;
import org.shadowbench.memory.HostFrameStore;
import org.shadowbench.memory.MemoryConfiguration;
import org.shadowbench.memory.MemoryStatistics;
import org.shadowbench.memory.PageChangeListener;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageLocation;
import org.shadowbench.memory.PageProtection;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.RangeKind;

/** The page model. See {@link PhysicalMemory} for the contract. */
public final class PhysicalMemoryImpl implements PhysicalMemory {
    private final MemoryConfiguration configuration;
    private final FrameStore frames;
    final RangeIndex index = new RangeIndex();
    /** Handle table: the region owning each slot (one slot per chunk), or null. */
    final DeviceRegionImpl[] slots;
    private final List<PageChangeListener> listeners = new CopyOnWriteArrayList<>();

    private long zeroPageAllocations;
    private long copyOnWrites;
    private long monitoredWrites;
    private long romWritesIgnored;
    private long unbackedReads;
    private long unbackedWrites;

    /** A model with the given limits. */
    public PhysicalMemoryImpl(MemoryConfiguration configuration) {
        this.configuration = Objects.requireNonNull(configuration);
        this.frames = new FrameStore(configuration.maxHostFrames());
        this.slots = new DeviceRegionImpl[configuration.maxRegionSlots()];
    }

    @Override
    public MemoryConfiguration configuration() {
        return configuration;
    }

    @Override
    public HostFrameStore frames() {
        return frames;
    }

    // ================================================================ range registration

    private static String hex(long value) {
        return String.format("%#x", value);
    }

    private static String span(long first, long last) {
        return String.format("[%#x, %#x]", first, last);
    }

    /** Validates an inclusive span for a new range and returns its page count. */
    private int checkNewSpan(long first, long last, String description) {
        if (description == null || description.isBlank()) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "range " + span(first, last) + " needs a description");
        }
        if (last == first - 1) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "empty range " + span(first, last) + " '" + description + "'");
        }
        if (last < first) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "inverted range " + span(first, last) + " '" + description + "'");
        }
        if ((first & PAGE_OFFSET_MASK) != 0 || (last & PAGE_OFFSET_MASK) != PAGE_OFFSET_MASK) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    "range " + span(first, last) + " '" + description + "' is not page aligned");
        }
        if (first < 0 || last > MAX_ADDRESS) {
            throw new PgmException(PgmStatus.VERR_OUT_OF_RANGE,
                    "range " + span(first, last) + " '" + description + "' is outside the 52-bit guest-physical space");
        }
        long pages = (last - first + 1) >>> PAGE_SHIFT;
        if (pages > configuration.maxChunkPages() && pages > Integer.MAX_VALUE / 2) {
            throw new PgmException(PgmStatus.VERR_OUT_OF_RANGE, "range " + span(first, last) + " is too large");
        }
        checkPlacement(first, last, description, 1);
        return (int) pages;
    }

    /** Checks that {@code count} new ranges may occupy [first, last]. */
    private void checkPlacement(long first, long last, String description, int count) {
        RamRangeImpl overlap = index.firstOverlap(first, last);
        if (overlap != null) {
            throw new PgmException(PgmStatus.VERR_PGM_RAM_CONFLICT,
                    "range " + span(first, last) + " '" + description + "' overlaps " + overlap);
        }
        if (index.size() + count > configuration.maxRanges()) {
            throw new PgmException(PgmStatus.VERR_OUT_OF_RESOURCES, "range " + span(first, last) + " '" + description
                    + "' would exceed the limit of " + configuration.maxRanges() + " ranges");
        }
    }

    private void publish(RamRangeImpl range) {
        index.insert(range);
        for (PageChangeListener listener : listeners) {
            listener.rangeAdded(range);
        }
    }

    @Override
    public RamRange registerRam(long first, long last, String description) {
        int pages = checkNewSpan(first, last, description);
        RamRangeImpl range = new RamRangeImpl(first, pages, description, RangeKind.RAM, null, 0);
        for (int i = 0; i < pages; i++) {
            range.setBacking(i, PageType.RAM, PageState.ZERO, HostFrameStore.ZERO_FRAME, NIL_PAGE_ID);
        }
        publish(range);
        return range;
    }

    @Override
    public RamRange registerRom(long first, long last, byte[] image, boolean shadowed, String description) {
        int pages = checkNewSpan(first, last, description);
        Objects.requireNonNull(image, "image");
        if (image.length > (long) pages << PAGE_SHIFT) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "ROM image of " + image.length
                    + " bytes does not fit " + span(first, last) + " '" + description + "'");
        }
        checkFramesAvailable(pages, span(first, last));
        RamRangeImpl range = new RamRangeImpl(first, pages, description, RangeKind.ROM, null, 0);
        PageType type = shadowed ? PageType.ROM_SHADOW : PageType.ROM;
        for (int i = 0; i < pages; i++) {
            int frame = frames.allocate(FrameUse.GUEST);
            int offset = i << PAGE_SHIFT;
            int length = Math.min(HostFrameStore.FRAME_SIZE, image.length - offset);
            if (length > 0) {
                frames.writeBytes(frame, 0, image, offset, length);
            }
            range.setBacking(i, type, PageState.ALLOCATED, frame, frame);
        }
        publish(range);
        return range;
    }

    private void checkFramesAvailable(long pages, String what) {
        if (frames.framesInUse() + pages > frames.frameLimit()) {
            throw new PgmException(PgmStatus.VERR_NO_MEMORY, what + " needs " + pages + " host frames, only "
                    + (frames.frameLimit() - frames.framesInUse()) + " are left");
        }
    }

    @Override
    public RamRange registerMmio(long first, long last, String description) {
        int pages = checkNewSpan(first, last, description);
        RamRangeImpl range = new RamRangeImpl(first, pages, description, RangeKind.MMIO, null, 0);
        initMmioPages(range);
        publish(range);
        return range;
    }

    private static void initMmioPages(RamRangeImpl range) {
        for (int i = 0; i < range.pageCount(); i++) {
            range.setBacking(i, PageType.MMIO, PageState.ZERO, HostFrameStore.ZERO_FRAME, NIL_PAGE_ID);
        }
    }

    /** Refuses to drop pages that handlers cover or the pool tracks. */
    private static void checkUnused(RamRangeImpl range, String what) {
        for (int i = 0; i < range.pageCount(); i++) {
            if (range.hasAnyHandlers(i) || range.tracking(i) != 0) {
                throw new PgmException(PgmStatus.VERR_RESOURCE_BUSY, "cannot " + what + " " + range + ": page "
                        + hex(range.pageAddress(i)) + " is still in use (" + range.describePage(i) + ")");
            }
        }
    }

    @Override
    public void deregisterRange(long first) {
        RamRangeImpl range = index.findUncached(first);
        if (range == null || range.first() != first) {
            throw new PgmException(PgmStatus.VERR_PGM_INVALID_GC_PHYSICAL_ADDRESS, "no range starts at " + hex(first));
        }
        if (range.region != null) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    range + " belongs to " + range.region + "; unmap the region instead");
        }
        checkUnused(range, "deregister");
        withdraw(range);
        releaseOwnedFrames(range);
    }

    private void withdraw(RamRangeImpl range) {
        index.remove(range);
        for (PageChangeListener listener : listeners) {
            listener.rangeRemoved(range);
        }
        invalidateAllPageMappings();
    }

    /** Releases the frames the range's pages own (not those they merely alias). */
    private void releaseOwnedFrames(RamRangeImpl range) {
        for (int i = 0; i < range.pageCount(); i++) {
            if (ownsFrame(range, i)) {
                frames.release(range.hostFrame(i));
            }
            range.setBacking(i, range.pageType(i), PageState.ZERO, HostFrameStore.ZERO_FRAME, NIL_PAGE_ID);
        }
    }

    /** Whether the page holds a reference on its frame (aliases and zero-frame pages do not). */
    static boolean ownsFrame(RamRangeImpl range, int index) {
        return range.hostFrame(index) != HostFrameStore.ZERO_FRAME && !range.pageType(index).isMmioAlias();
    }

    // ================================================================ look-up

    @Override
    public List<RamRange> ranges() {
        return List.copyOf(index.asList());
    }

    @Override
    public int rangeCount() {
        return index.size();
    }

    @Override
    public RamRange rangeAt(long gcPhys) {
        return index.find(gcPhys);
    }

    @Override
    public RamRange rangeAtOrAbove(long gcPhys) {
        return index.findAtOrAbove(gcPhys);
    }

    @Override
    public RamRange rangeWithHint(long gcPhys, RamRange hint) {
        if (hint != null && gcPhys >= hint.first() && gcPhys <= hint.last()) {
            index.lookups++;
            index.cacheHits++;
            return hint;
        }
        return index.find(gcPhys);
    }

    @Override
    public RamRange requireRange(long gcPhys) {
        RamRange range = index.find(gcPhys);
        if (range == null) {
            throw new PgmException(PgmStatus.VERR_PGM_INVALID_GC_PHYSICAL_ADDRESS,
                    "no RAM range holds guest-physical address " + hex(gcPhys));
        }
        return range;
    }

    /** Look-up without the cache, for benchmarks. */
    public RamRange rangeAtUncached(long gcPhys) {
        return index.findUncached(gcPhys);
    }

    @Override
    public void countCachedLookup() {
        index.lookups++;
        index.cacheHits++;
    }

    // ================================================================ device regions

    @Override
    public int registerMmio2(Object owner, long size, String description) {
        return registerRegion(owner, size, description, true);
    }

    @Override
    public int preRegisterMmio(Object owner, long size, String description) {
        return registerRegion(owner, size, description, false);
    }

    private int registerRegion(Object owner, long size, String description, boolean mmio2) {
        String what = (mmio2 ? "MMIO2" : "MMIO") + " region '" + description + "'";
        if (owner == null) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, what + " needs an owner");
        }
        if (description == null || description.isBlank()) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "a device region needs a description");
        }
        if (size <= 0 || (size & PAGE_OFFSET_MASK) != 0 || size - 1 > MAX_ADDRESS) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, what + " has invalid size " + hex(size));
        }
        long pages = size >>> PAGE_SHIFT;
        int chunkPages = configuration.maxChunkPages();
        int chunkCount = (int) ((pages + chunkPages - 1) / chunkPages);
        int firstSlot = findFreeSlots(chunkCount);
        if (firstSlot < 0) {
            throw new PgmException(PgmStatus.VERR_PGM_TOO_MANY_MMIO2_RANGES,
                    what + " needs " + chunkCount + " consecutive free handle slots; none are left");
        }
        if (mmio2) {
            checkFramesAvailable(pages, what);
        }
        DeviceRegionImpl region = new DeviceRegionImpl(firstSlot + 1, owner, description, mmio2, size, chunkCount);
        long remaining = pages;
        for (int c = 0; c < chunkCount; c++) {
            int count = (int) Math.min(remaining, chunkPages);
            remaining -= count;
            String chunkDescription = chunkCount == 1 ? description : description + " (chunk " + (c + 1) + "/" + chunkCount + ")";
            RamRangeImpl chunk = new RamRangeImpl(NIL_ADDRESS, count, chunkDescription,
                    mmio2 ? RangeKind.MMIO2 : RangeKind.PRE_REGISTERED_MMIO, region, c);
            if (mmio2) {
                for (int i = 0; i < count; i++) {
                    int frame = frames.allocate(FrameUse.MMIO2);
                    chunk.setBacking(i, PageType.MMIO2, PageState.ALLOCATED, frame, frame);
                }
            } else {
                initMmioPages(chunk);
            }
            region.chunks[c] = chunk;
            region.chunkFlags[c] = (mmio2 ? DeviceMemoryRegion.CHUNK_MMIO2 : 0)
                    | (c == 0 ? DeviceMemoryRegion.CHUNK_FIRST : 0)
                    | (c == chunkCount - 1 ? DeviceMemoryRegion.CHUNK_LAST : 0);
            slots[firstSlot + c] = region;
        }
        return region.handle();
    }

    private int findFreeSlots(int count) {
        int run = 0;
        for (int slot = 0; slot < slots.length; slot++) {
            run = slots[slot] == null ? run + 1 : 0;
            if (run == count) {
                return slot - count + 1;
            }
        }
        return -1;
    }

    /** The region registered under the handle by this owner. */
    private DeviceRegionImpl ownedRegion(Object owner, int handle, String operation) {
        if (handle == 0) {
            throw new PgmException(PgmStatus.VERR_INVALID_HANDLE, operation + ": handle 0 is never valid");
        }
        DeviceRegionImpl region = handle >= 1 && handle <= slots.length ? slots[handle - 1] : null;
        if (region == null || region.handle() != handle) {
            throw new PgmException(PgmStatus.VERR_NOT_FOUND, operation + ": no device region has handle " + handle);
        }
        if (region.owner() != owner) {
            throw new PgmException(PgmStatus.VERR_NOT_FOUND, operation + ": " + region + " is not owned by " + owner);
        }
        return region;
    }

    @Override
    public void mapRegion(Object owner, int handle, long gcPhys) {
        DeviceRegionImpl region = ownedRegion(owner, handle, "map");
        if (region.isMapped()) {
            throw new PgmException(PgmStatus.VERR_WRONG_ORDER, region + " is already mapped at " + hex(region.mappedAt()));
        }
        long last = gcPhys + region.size() - 1;
        if ((gcPhys & PAGE_OFFSET_MASK) != 0 || gcPhys < 0 || last > MAX_ADDRESS || last < gcPhys) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    "cannot map " + region + " at " + hex(gcPhys) + ": not a page-aligned address with room for "
                            + hex(region.size()) + " bytes");
        }
        checkPlacement(gcPhys, last, region.description(), region.chunks.length);
        region.place(gcPhys);
        for (RamRangeImpl chunk : region.chunks) {
            publish(chunk);
        }
    }

    @Override
    public void unmapRegion(Object owner, int handle) {
        DeviceRegionImpl region = ownedRegion(owner, handle, "unmap");
        if (!region.isMapped()) {
            throw new PgmException(PgmStatus.VERR_WRONG_ORDER, region + " is not mapped");
        }
        unmap(region);
    }

    private void unmap(DeviceRegionImpl region) {
        for (RamRangeImpl chunk : region.chunks) {
            checkUnused(chunk, "unmap");
        }
        for (RamRangeImpl chunk : region.chunks) {
            withdraw(chunk);
        }
        region.place(NIL_ADDRESS);
    }

    @Override
    public void deregisterRegion(Object owner, int handle) {
        DeviceRegionImpl region = ownedRegion(owner, handle, "deregister");
        if (region.isMapped()) {
            unmap(region);
        }
        for (int c = 0; c < region.chunks.length; c++) {
            releaseOwnedFrames(region.chunks[c]);
            slots[region.firstSlot() + c] = null;
        }
    }

    @Override
    public DeviceMemoryRegion region(int handle) {
        DeviceRegionImpl region = handle >= 1 && handle <= slots.length ? slots[handle - 1] : null;
        return region != null && region.handle() == handle ? region : null;
    }

    @Override
    public List<DeviceMemoryRegion> regions() {
        List<DeviceMemoryRegion> result = new ArrayList<>();
        for (int slot = 0; slot < slots.length; slot++) {
            if (slots[slot] != null && slots[slot].firstSlot() == slot) {
                result.add(slots[slot]);
            }
        }
        return result;
    }

    @Override
    public PageLocation resolveMmio2Page(Object owner, int handle, long offset) {
        String subject = "MMIO2 handle " + handle + " offset " + hex(offset);
        if (handle == 0) {
            throw new PgmException(PgmStatus.VERR_OUT_OF_RANGE, subject + ": handle 0 is never valid");
        }
        if (offset < 0) {
            throw new PgmException(PgmStatus.VERR_OUT_OF_RANGE, subject + ": negative offset");
        }
        int slot = handle - 1;
        if (slot < 0 || slot >= slots.length || slots[slot] == null) {
            throw new PgmException(PgmStatus.VERR_OUT_OF_RANGE, subject + ": no region in that handle slot");
        }
        DeviceRegionImpl region = slots[slot];
        int chunk = slot - region.firstSlot();
        if ((region.chunkFlags[chunk] & DeviceMemoryRegion.CHUNK_FIRST) == 0) {
            throw new PgmException(PgmStatus.VERR_OUT_OF_RANGE, subject + ": the slot holds a later chunk of " + region);
        }
        long remaining = offset;
        for (;;) {
            int flags = region.chunkFlags[chunk];
            if ((flags & DeviceMemoryRegion.CHUNK_MMIO2) == 0) {
                throw new PgmException(PgmStatus.VERR_OUT_OF_RANGE, subject + ": " + region + " is not MMIO2");
            }
            if (region.owner() != owner) {
                throw new PgmException(PgmStatus.VERR_OUT_OF_RANGE, subject + ": " + region + " is not owned by " + owner);
            }
            RamRangeImpl range = region.chunks[chunk];
            if (remaining < range.size()) {
                return new PageLocation(range, (int) (remaining >>> PAGE_SHIFT));
            }
            if ((flags & DeviceMemoryRegion.CHUNK_LAST) != 0) {
                throw new PgmException(PgmStatus.VERR_OUT_OF_RANGE,
                        subject + ": beyond the end of " + region + " (" + hex(region.size()) + " bytes)");
            }
            remaining -= range.size();
            chunk++;
        }
    }

    // ================================================================ page transitions

    private static RamRangeImpl impl(RamRange range) {
        if (range instanceof RamRangeImpl impl) {
            return impl;
        }
        throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "foreign range " + range);
    }

    private static void checkIndex(RamRangeImpl range, int index) {
        if (index < 0 || index >= range.pageCount()) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "page index " + index + " outside " + range);
        }
    }

    private static String pageName(RamRangeImpl range, int index) {
        return "page " + hex(range.pageAddress(index)) + " of " + range.description() + " (" + range.describePage(index) + ")";
    }

    private static void requireRamLike(RamRangeImpl range, int index, String operation) {
        PageType type = range.pageType(index);
        if (type != PageType.RAM && type != PageType.ROM_SHADOW) {
            throw new PgmException(PgmStatus.VERR_PGM_PHYS_PAGE_RESERVED,
                    "cannot " + operation + " " + pageName(range, index) + ": not a RAM page");
        }
    }

    @Override
    public void makeWritable(RamRange r, int index) {
        RamRangeImpl range = impl(r);
        checkIndex(range, index);
        PageState state = range.pageState(index);
        if (state == PageState.ALLOCATED) {
            return;
        }
        requireRamLike(range, index, "make writable");
        int oldFrame = range.hostFrame(index);
        switch (state) {
            case ZERO, BALLOONED -> {
                int frame = frames.allocate(FrameUse.GUEST);
                range.setBacking(index, range.pageType(index), PageState.ALLOCATED, frame, frame);
                zeroPageAllocations++;
                backingChanged(range, index, oldFrame);
            }
            case SHARED -> {
                if (frames.referenceCount(oldFrame) == 1) {
                    // The other sharers already took private copies; this page keeps the frame.
                    range.setState(index, PageState.ALLOCATED);
                    notifyProtectionChanged(range, index);
                } else {
                    int frame = frames.allocate(FrameUse.GUEST);
                    frames.copyFrame(oldFrame, frame);
                    frames.release(oldFrame);
                    range.setBacking(index, range.pageType(index), PageState.ALLOCATED, frame, frame);
                    copyOnWrites++;
                    backingChanged(range, index, oldFrame);
                }
            }
            case WRITE_MONITORED -> {
                range.setState(index, PageState.ALLOCATED);
                monitoredWrites++;
                notifyProtectionChanged(range, index);
            }
            default -> throw new IllegalStateException("unreachable: " + state);
        }
    }

    @Override
    public void writeMonitor(RamRange r, int index) {
        RamRangeImpl range = impl(r);
        checkIndex(range, index);
        requireRamLike(range, index, "write-monitor");
        if (range.pageState(index) != PageState.ALLOCATED) {
            throw new PgmException(PgmStatus.VERR_PGM_PHYS_PAGE_RESERVED,
                    "cannot write-monitor " + pageName(range, index) + ": only allocated pages can be monitored");
        }
        range.setState(index, PageState.WRITE_MONITORED);
        notifyProtectionChanged(range, index);
    }

    @Override
    public void share(RamRange t, int targetIndex, RamRange s, int sourceIndex) {
        RamRangeImpl target = impl(t);
        RamRangeImpl source = impl(s);
        checkIndex(target, targetIndex);
        checkIndex(source, sourceIndex);
        if (target == source && targetIndex == sourceIndex) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "cannot share " + pageName(target, targetIndex) + " with itself");
        }
        if (target.pageType(targetIndex) != PageType.RAM || source.pageType(sourceIndex) != PageType.RAM) {
            throw new PgmException(PgmStatus.VERR_PGM_PHYS_PAGE_RESERVED, "only RAM pages can be shared: "
                    + pageName(target, targetIndex) + " and " + pageName(source, sourceIndex));
        }
        PageState sourceState = source.pageState(sourceIndex);
        if (sourceState == PageState.ZERO || sourceState == PageState.BALLOONED) {
            throw new PgmException(PgmStatus.VERR_PGM_PHYS_PAGE_RESERVED,
                    "cannot share " + pageName(source, sourceIndex) + ": it has no frame of its own");
        }
        int frame = source.hostFrame(sourceIndex);
        int oldTargetFrame = target.hostFrame(targetIndex);
        if (oldTargetFrame == frame) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    pageName(target, targetIndex) + " already shares the frame of " + pageName(source, sourceIndex));
        }
        frames.retain(frame);
        if (oldTargetFrame != HostFrameStore.ZERO_FRAME) {
            frames.release(oldTargetFrame);
        }
        if (sourceState != PageState.SHARED) {
            source.setState(sourceIndex, PageState.SHARED);
            notifyProtectionChanged(source, sourceIndex);
        }
        target.setBacking(targetIndex, PageType.RAM, PageState.SHARED, frame, source.pageId(sourceIndex));
        backingChanged(target, targetIndex, oldTargetFrame);
    }

    @Override
    public void balloon(RamRange r, int index) {
        RamRangeImpl range = impl(r);
        checkIndex(range, index);
        if (range.pageType(index) != PageType.RAM) {
            throw new PgmException(PgmStatus.VERR_PGM_PHYS_PAGE_RESERVED, "cannot balloon " + pageName(range, index));
        }
        int oldFrame = range.hostFrame(index);
        if (oldFrame != HostFrameStore.ZERO_FRAME) {
            frames.release(oldFrame);
        }
        range.setBacking(index, PageType.RAM, PageState.BALLOONED, HostFrameStore.ZERO_FRAME, NIL_PAGE_ID);
        if (oldFrame != HostFrameStore.ZERO_FRAME) {
            backingChanged(range, index, oldFrame);
        } else {
            notifyProtectionChanged(range, index);
        }
    }

    @Override
    public void aliasMmioPage(RamRange r, int index, PageType aliasType, int hostFrame, int pageId,
            PageHandlerState handlerState) {
        RamRangeImpl range = impl(r);
        checkIndex(range, index);
        if (!aliasType.isMmioAlias()) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, aliasType + " is not an alias page type");
        }
        if (range.pageType(index) != PageType.MMIO || range.pageState(index) != PageState.ZERO) {
            throw new PgmException(PgmStatus.VERR_PGM_PHYS_NOT_MMIO2,
                    "cannot alias " + pageName(range, index) + ": not an MMIO page on the zero frame");
        }
        FrameUse use = frames.use(hostFrame);
        boolean fits = aliasType == PageType.MMIO2_ALIAS_MMIO ? use == FrameUse.MMIO2
                : use == FrameUse.DEVICE || use == FrameUse.GUEST || use == FrameUse.MMIO2;
        if (!fits) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "cannot alias " + pageName(range, index)
                    + " to host frame " + hex(hostFrame) + " used as " + use);
        }
        range.setBacking(index, aliasType, PageState.ALLOCATED, hostFrame, pageId);
        range.setHandlerState(index, handlerState);
        backingChanged(range, index, HostFrameStore.ZERO_FRAME);
    }

    @Override
    public void resetAliasedPage(RamRange r, int index, PageHandlerState handlerState) {
        RamRangeImpl range = impl(r);
        checkIndex(range, index);
        if (!range.pageType(index).isMmioAlias()) {
            throw new PgmException(PgmStatus.VERR_PGM_PHYS_NOT_MMIO2, "cannot reset " + pageName(range, index) + ": not aliased");
        }
        int oldFrame = range.hostFrame(index);
        range.setBacking(index, PageType.MMIO, PageState.ZERO, HostFrameStore.ZERO_FRAME, NIL_PAGE_ID);
        range.setHandlerState(index, handlerState);
        backingChanged(range, index, oldFrame);
    }

    // ================================================================ notifications

    @Override
    public int protection(RamRange r, int index) {
        PageType type = r.pageType(index);
        PageHandlerState handler = r.handlerState(index);
        if (type == PageType.MMIO || handler == PageHandlerState.ALL) {
            return PageProtection.NONE;
        }
        if (handler == PageHandlerState.WRITE || type == PageType.ROM || r.pageState(index) != PageState.ALLOCATED) {
            return PageProtection.READ | PageProtection.EXECUTE;
        }
        return PageProtection.READ | PageProtection.WRITE | PageProtection.EXECUTE;
    }

    @Override
    public void notifyProtectionChanged(RamRange r, int index) {
        RamRangeImpl range = impl(r);
        long address = range.pageAddress(index);
        int protection = protection(range, index);
        int state = range.engineState(index);
        int frame = range.hostFrame(index);
        PageType type = range.pageType(index);
        for (PageChangeListener listener : listeners) {
            state = listener.pageProtectionChanged(address, frame, protection, type, state) & 0x3;
        }
        range.setEngineState(index, state);
    }

    private void backingChanged(RamRangeImpl range, int index, int oldFrame) {
        long address = range.pageAddress(index);
        invalidatePageMapping(address);
        int protection = protection(range, index);
        int state = range.engineState(index);
        int frame = range.hostFrame(index);
        PageType type = range.pageType(index);
        for (PageChangeListener listener : listeners) {
            state = listener.pageBackingChanged(address, oldFrame, frame, protection, type, state) & 0x3;
        }
        range.setEngineState(index, state);
    }

    @Override
    public void invalidatePageMapping(long gcPhysPage) {
        long page = gcPhysPage & ~PAGE_OFFSET_MASK;
        for (PageChangeListener listener : listeners) {
            listener.pageMappingInvalidated(page);
        }
    }

    @Override
    public void invalidateAllPageMappings() {
        for (PageChangeListener listener : listeners) {
            listener.allPageMappingsInvalidated();
        }
    }

    @Override
    public void addListener(PageChangeListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    @Override
    public void removeListener(PageChangeListener listener) {
        listeners.remove(listener);
    }

    // ================================================================ raw access

    private static void checkAccessSize(int size) {
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "access size must be 1, 2, 4 or 8, not " + size);
        }
    }

    private static long allOnes(int size) {
        return size == 8 ? -1L : (1L << (size * 8)) - 1;
    }

    @Override
    public long read(long gcPhys, int size) {
        checkAccessSize(size);
        int offset = (int) (gcPhys & PAGE_OFFSET_MASK);
        if (offset + size <= PAGE_SIZE) {
            return readInPage(gcPhys, offset, size);
        }
        long value = 0;
        for (int i = 0; i < size; i++) {
            long address = gcPhys + i;
            value |= readInPage(address, (int) (address & PAGE_OFFSET_MASK), 1) << (8 * i);
        }
        return value;
    }

    private long readInPage(long gcPhys, int offset, int size) {
        RamRangeImpl range = index.find(gcPhys);
        if (range == null) {
            unbackedReads++;
            return allOnes(size);
        }
        int page = range.pageIndex(gcPhys);
        if (range.typeCode(page) == PageType.MMIO.code()) {
            // No backing: the zero frame behind the page answers, as in VirtualBox.
            unbackedReads++;
        }
        return frames.read(range.hostFrame(page), offset, size);
    }

    @Override
    public void write(long gcPhys, int size, long value) {
        checkAccessSize(size);
        int offset = (int) (gcPhys & PAGE_OFFSET_MASK);
        if (offset + size <= PAGE_SIZE) {
            writeInPage(gcPhys, offset, size, value);
            return;
        }
        for (int i = 0; i < size; i++) {
            long address = gcPhys + i;
            writeInPage(address, (int) (address & PAGE_OFFSET_MASK), 1, value >>> (8 * i));
        }
    }

    /** The frame a write to the page lands in, or -1 when the write is dropped. */
    private int writableFrame(long gcPhys) {
        RamRangeImpl range = index.find(gcPhys);
        if (range == null) {
            unbackedWrites++;
            return -1;
        }
        int page = range.pageIndex(gcPhys);
        PageType type = range.pageType(page);
        if (type == PageType.ROM) {
            romWritesIgnored++;
            return -1;
        }
        if (type == PageType.MMIO) {
            unbackedWrites++;
            return -1;
        }
        if (range.stateCode(page) != PageState.ALLOCATED.code()) {
            makeWritable(range, page);
        }
        return range.hostFrame(page);
    }

    private void writeInPage(long gcPhys, int offset, int size, long value) {
        int frame = writableFrame(gcPhys);
        if (frame >= 0) {
            frames.write(frame, offset, size, value);
        }
    }

    @Override
    public void read(long gcPhys, byte[] dst, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, dst.length);
        int done = 0;
        while (done < length) {
            long address = gcPhys + done;
            int inPage = (int) (address & PAGE_OFFSET_MASK);
            int chunk = (int) Math.min(length - done, PAGE_SIZE - inPage);
            RamRangeImpl range = index.find(address);
            if (range == null) {
                unbackedReads++;
                Arrays.fill(dst, offset + done, offset + done + chunk, (byte) 0xff);
            } else {
                int page = range.pageIndex(address);
                if (range.typeCode(page) == PageType.MMIO.code()) {
                    unbackedReads++;
                }
                frames.readBytes(range.hostFrame(page), inPage, dst, offset + done, chunk);
            }
            done += chunk;
        }
    }

    @Override
    public void write(long gcPhys, byte[] src, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        int done = 0;
        while (done < length) {
            long address = gcPhys + done;
            int inPage = (int) (address & PAGE_OFFSET_MASK);
            int chunk = (int) Math.min(length - done, PAGE_SIZE - inPage);
            int frame = writableFrame(address);
            if (frame >= 0) {
                frames.writeBytes(frame, inPage, src, offset + done, chunk);
            }
            done += chunk;
        }
    }

    // ================================================================ inspection

    @Override
    public MemoryStatistics statistics() {
        return new MemoryStatistics(index.lookups, index.cacheHits, zeroPageAllocations, copyOnWrites, monitoredWrites,
                romWritesIgnored, unbackedReads, unbackedWrites, frames.framesInUse(), frames.peakFramesInUse());
    }

    @Override
    public void dump(Appendable out) throws IOException {
        new MemoryDump(this).write(out);
    }

    @Override
    public List<String> check() {
        return new MemoryChecker(this, frames).check();
    }
}
