package org.shadowbench.memory.internal;

import org.shadowbench.memory.PageDescriptor;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PageTracking;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PdeType;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.RangeKind;

/**
 * A range with its page descriptors packed two longs per page (16 bytes, the size of VirtualBox's
 * PGMPAGE):
 *
 * <pre>
 * word 0: bits  0..31 host frame    bits 32..59 page id      bits 60..61 PDE type
 * word 1: bits  0..15 tracking      bits 16..20 page type    bits 21..23 page state
 *         bits 24..25 handler state bits 26..27 engine state
 * </pre>
 *
 * The two words of a page sit next to each other so one cache line serves a page's whole state.
 */
public final class RamRangeImpl implements RamRange {
    private static final long FRAME_MASK = PageDescriptor.FRAME_MASK;
    private static final int PAGE_ID_SHIFT = PageDescriptor.PAGE_ID_SHIFT;
    private static final long PAGE_ID_MASK = PageDescriptor.PAGE_ID_MASK;
    private static final int PDE_SHIFT = PageDescriptor.PDE_SHIFT;
    private static final int TYPE_SHIFT = PageDescriptor.TYPE_SHIFT;
    private static final int STATE_SHIFT = PageDescriptor.STATE_SHIFT;
    private static final int HANDLER_SHIFT = PageDescriptor.HANDLER_SHIFT;
    private static final int ENGINE_SHIFT = PageDescriptor.ENGINE_SHIFT;

    /** Largest page id a descriptor holds. */
    public static final int MAX_PAGE_ID = (int) PAGE_ID_MASK;

    private long first;
    private long last;
    private final int pageCount;
    private final String description;
    private final RangeKind kind;
    private final long[] words;
    private long version;
    private final long[] chunkVersions;

    /** The device region this range is a chunk of, or {@code null}. */
    final DeviceRegionImpl region;
    /** Index of the chunk in its region. */
    final int chunk;

    RamRangeImpl(long first, int pageCount, String description, RangeKind kind, DeviceRegionImpl region, int chunk) {
        this.pageCount = pageCount;
        this.description = description;
        this.kind = kind;
        this.words = new long[pageCount * 2];
        this.chunkVersions = new long[(pageCount + CHUNK_PAGES - 1) / CHUNK_PAGES];
        this.region = region;
        this.chunk = chunk;
        place(first);
    }

    /** Moves an unmapped device chunk in guest-physical space ({@link PhysicalMemory#NIL_ADDRESS} to unmap). */
    void place(long newFirst) {
        first = newFirst;
        last = newFirst == PhysicalMemory.NIL_ADDRESS ? PhysicalMemory.NIL_ADDRESS
                : newFirst + ((long) pageCount << PhysicalMemory.PAGE_SHIFT) - 1;
        version++;
    }

    @Override
    public long first() {
        return first;
    }

    @Override
    public long last() {
        return last;
    }

    @Override
    public int pageCount() {
        return pageCount;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RangeKind kind() {
        return kind;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public void copyDescriptors(long[] destination) {
        System.arraycopy(words, 0, destination, 0, words.length);
    }

    @Override
    public long chunkVersion(int chunk) {
        return chunkVersions[chunk];
    }

    @Override
    public void copyChunk(int chunk, long[] destination) {
        int firstPage = chunk * CHUNK_PAGES;
        int pages = Math.min(CHUNK_PAGES, pageCount - firstPage);
        System.arraycopy(words, 2 * firstPage, destination, 0, 2 * pages);
    }

    @Override
    public int nextPageUnlike(int from, long mask, long word1) {
        return nextPageUnlike(from, 0, 0, mask, word1);
    }

    /** {@link #nextPageUnlike(int, long, long)} over both words of the descriptor. */
    int nextPageUnlike(int from, long mask0, long word0, long mask1, long word1) {
        for (int index = Math.max(0, from); index < pageCount; index++) {
            if ((words[2 * index] & mask0) != word0 || (words[2 * index + 1] & mask1) != word1) {
                return index;
            }
        }
        return pageCount;
    }

    private void changed(int index) {
        version++;
        chunkVersions[index / CHUNK_PAGES]++;
    }

    // ------------------------------------------------------------ raw fields

    int typeCode(int index) {
        return (int) (words[2 * index + 1] >>> TYPE_SHIFT) & 0x1f;
    }

    int stateCode(int index) {
        return (int) (words[2 * index + 1] >>> STATE_SHIFT) & 0x7;
    }

    int handlerCode(int index) {
        return (int) (words[2 * index + 1] >>> HANDLER_SHIFT) & 0x3;
    }

    private void setField0(int index, long mask, int shift, long value) {
        int at = 2 * index;
        words[at] = (words[at] & ~(mask << shift)) | ((value & mask) << shift);
        changed(index);
    }

    private void setField1(int index, long mask, int shift, long value) {
        int at = 2 * index + 1;
        words[at] = (words[at] & ~(mask << shift)) | ((value & mask) << shift);
        changed(index);
    }

    /** Sets type, state, frame and page id together: the model's page transitions. */
    public void setBacking(int index, PageType type, PageState state, int frame, int pageId) {
        int at = 2 * index;
        words[at] = (words[at] & ~(FRAME_MASK | (PAGE_ID_MASK << PAGE_ID_SHIFT))) | (frame & FRAME_MASK)
                | ((pageId & PAGE_ID_MASK) << PAGE_ID_SHIFT);
        words[at + 1] = (words[at + 1] & ~((0x1fL << TYPE_SHIFT) | (0x7L << STATE_SHIFT)))
                | ((long) type.code() << TYPE_SHIFT) | ((long) state.code() << STATE_SHIFT);
        changed(index);
    }

    /** Sets the state alone (a transition that keeps the frame). */
    public void setState(int index, PageState state) {
        setField1(index, 0x7, STATE_SHIFT, state.code());
    }

    // ------------------------------------------------------------ API

    @Override
    public PageType pageType(int index) {
        return PageType.fromCode(typeCode(index));
    }

    @Override
    public PageState pageState(int index) {
        return PageState.fromCode(stateCode(index));
    }

    @Override
    public int hostFrame(int index) {
        return (int) words[2 * index];
    }

    @Override
    public int pageId(int index) {
        return (int) ((words[2 * index] >>> PAGE_ID_SHIFT) & PAGE_ID_MASK);
    }

    @Override
    public PageHandlerState handlerState(int index) {
        return PageHandlerState.fromCode(handlerCode(index));
    }

    @Override
    public void setHandlerState(int index, PageHandlerState state) {
        setField1(index, 0x3, HANDLER_SHIFT, state.code());
    }

    @Override
    public int engineState(int index) {
        return (int) (words[2 * index + 1] >>> ENGINE_SHIFT) & 0x3;
    }

    @Override
    public void setEngineState(int index, int state) {
        if ((state & ~0x3) != 0) {
            throw new IllegalArgumentException("engine state is 2 bits: " + state);
        }
        setField1(index, 0x3, ENGINE_SHIFT, state);
    }

    @Override
    public PdeType pdeType(int index) {
        return PdeType.fromCode((int) (words[2 * index] >>> PDE_SHIFT) & 0x3);
    }

    @Override
    public void setPdeType(int index, PdeType type) {
        setField0(index, 0x3, PDE_SHIFT, type.code());
    }

    @Override
    public int tracking(int index) {
        return (int) words[2 * index + 1] & 0xffff;
    }

    @Override
    public void setTracking(int index, int tracking) {
        if ((tracking & ~0xffff) != 0) {
            throw new IllegalArgumentException("tracking word is 16 bits: " + tracking);
        }
        setField1(index, 0xffff, 0, tracking);
    }

    @Override
    public boolean hasActiveHandlers(int index) {
        return handlerCode(index) >= PageHandlerState.WRITE.code();
    }

    @Override
    public boolean hasActiveAllHandlers(int index) {
        return handlerCode(index) == PageHandlerState.ALL.code();
    }

    @Override
    public boolean hasAnyHandlers(int index) {
        return handlerCode(index) != PageHandlerState.NONE.code();
    }

    /** Bytes of descriptor storage per page. */
    public static int descriptorBytesPerPage() {
        return 2 * Long.BYTES;
    }

    @Override
    public String toString() {
        return String.format("%016x-%016x %s (%s)", first, last, description, kind);
    }

    /** Renders one page's descriptor, e.g. for error messages and dumps. */
    public String describePage(int index) {
        return String.format("type=%s state=%s frame=0x%x id=0x%x hndl=%s nem=%d pde=%s track=%s", pageType(index),
                pageState(index), hostFrame(index), pageId(index), handlerState(index), engineState(index),
                pdeType(index), PageTracking.describe(tracking(index)));
    }
}
