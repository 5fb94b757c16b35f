package org.shadowbench.machine;

import org.shadowbench.memory.PageDescriptor;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.RangeKind;

/**
 * A guest-physical range and its page descriptors at one moment (immutable; shared between
 * snapshots while the range's version does not change).
 */
public final class RangeSnapshot {
    private final long first;
    private final long last;
    private final String description;
    private final RangeKind kind;
    private final long version;
    private final long[] descriptors;

    RangeSnapshot(long first, long last, String description, RangeKind kind, long version, long[] descriptors) {
        this.first = first;
        this.last = last;
        this.description = description;
        this.kind = kind;
        this.version = version;
        this.descriptors = descriptors;
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
        return descriptors.length / PageDescriptor.WORDS;
    }

    public PageType pageType(int page) {
        return PageDescriptor.type(descriptors[2 * page + 1]);
    }

    public PageState pageState(int page) {
        return PageDescriptor.state(descriptors[2 * page + 1]);
    }

    public PageHandlerState handlerState(int page) {
        return PageDescriptor.handlerState(descriptors[2 * page + 1]);
    }

    public int hostFrame(int page) {
        return PageDescriptor.hostFrame(descriptors[2 * page]);
    }

    public int tracking(int page) {
        return PageDescriptor.tracking(descriptors[2 * page + 1]);
    }

    @Override
    public String toString() {
        return String.format("%#x-%#x %s (%s, %d pages, version %d)", first, last, description, kind, pageCount(), version);
    }
}
