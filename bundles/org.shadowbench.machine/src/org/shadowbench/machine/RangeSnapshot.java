package org.shadowbench.machine;

import org.shadowbench.memory.PageDescriptor;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.RangeKind;

/**
 * A guest-physical range and its page descriptors at one moment (immutable). The descriptors are
 * held in chunks of {@link RamRange#CHUNK_PAGES} pages: a new snapshot of a range copies only the
 * chunks whose version changed and shares the others, and shares the whole picture while the
 * range's version does not change.
 */
public final class RangeSnapshot {
    private final long first;
    private final long last;
    private final String description;
    private final RangeKind kind;
    private final long version;
    private final int pageCount;
    private final long[][] chunks;
    private final long[] chunkVersions;

    RangeSnapshot(RamRange range, RangeSnapshot previous) {
        this.first = range.first();
        this.last = range.last();
        this.description = range.description();
        this.kind = range.kind();
        this.version = range.version();
        this.pageCount = range.pageCount();
        int count = range.chunkCount();
        this.chunks = new long[count][];
        this.chunkVersions = new long[count];
        boolean comparable = previous != null && previous.pageCount == pageCount;
        for (int c = 0; c < count; c++) {
            long chunkVersion = range.chunkVersion(c);
            if (comparable && previous.chunkVersions[c] == chunkVersion) {
                chunks[c] = previous.chunks[c];
            } else {
                int pages = Math.min(RamRange.CHUNK_PAGES, pageCount - c * RamRange.CHUNK_PAGES);
                chunks[c] = new long[pages * PageDescriptor.WORDS];
                range.copyChunk(c, chunks[c]);
            }
            chunkVersions[c] = chunkVersion;
        }
    }

    /** Whether the chunk's descriptors are the same array as in another snapshot of the range. */
    public boolean sharesChunk(RangeSnapshot other, int chunk) {
        return other.chunks.length > chunk && chunks[chunk] == other.chunks[chunk];
    }

    private long word(int page, int word) {
        return chunks[page / RamRange.CHUNK_PAGES][PageDescriptor.WORDS * (page % RamRange.CHUNK_PAGES) + word];
    }

    public long first() {
        return first;
    }

    public long last() {
        return last;
    }

    public String description() {
        return description;
    }

    public RangeKind kind() {
        return kind;
    }

    /** The range's descriptor version when taken. */
    public long version() {
        return version;
    }

    public int pageCount() {
        return pageCount;
    }

    public PageType pageType(int page) {
        return PageDescriptor.type(word(page, 1));
    }

    public PageState pageState(int page) {
        return PageDescriptor.state(word(page, 1));
    }

    public PageHandlerState handlerState(int page) {
        return PageDescriptor.handlerState(word(page, 1));
    }

    public int hostFrame(int page) {
        return PageDescriptor.hostFrame(word(page, 0));
    }

    public int tracking(int page) {
        return PageDescriptor.tracking(word(page, 1));
    }

    @Override
    public String toString() {
        return String.format("%#x-%#x %s (%s, %d pages, version %d)", first, last, description, kind, pageCount(), version);
    }
}
