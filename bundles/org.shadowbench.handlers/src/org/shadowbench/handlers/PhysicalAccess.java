package org.shadowbench.handlers;

/**
 * One intercepted access as an access callback sees it. The registry reuses a single instance
 * (dispatch allocates nothing), so a callback must not keep it beyond the call.
 */
public final class PhysicalAccess {
    private long address;
    private int size;
    private AccessType type;
    private AccessOrigin origin;
    private long value;

    /** Fills in the request; used by the registry. */
    public PhysicalAccess set(long address, int size, AccessType type, AccessOrigin origin, long value) {
        this.address = address;
        this.size = size;
        this.type = type;
        this.origin = origin;
        this.value = value;
        return this;
    }

    /** Guest-physical address of the first byte. */
    public long address() {
        return address;
    }

    /** Bytes accessed: 1 to 8, never crossing a page. */
    public int size() {
        return size;
    }

    /** Read or write. */
    public AccessType type() {
        return type;
    }

    /** Who accessed. */
    public AccessOrigin origin() {
        return origin;
    }

    /** For writes the value written (little-endian, {@link #size()} bytes); for reads the value completed. */
    public long value() {
        return value;
    }

    /** Completes a read with the value to return; the callback then answers {@link AccessOutcome#HANDLED}. */
    public void complete(long readValue) {
        this.value = readValue;
    }

    @Override
    public String toString() {
        return String.format("%s %d bytes at %#x by %s%s", type, size, address, origin,
                type == AccessType.WRITE ? String.format(" value %#x", value) : "");
    }
}
