package org.shadowbench.debug.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.debug.core.DebugException;
import org.eclipse.debug.core.model.DebugElement;
import org.eclipse.debug.core.model.IMemoryBlockExtension;
import org.eclipse.debug.core.model.IMemoryBlockRetrieval;
import org.eclipse.debug.core.model.MemoryByte;

/**
 * A window on guest memory, linear (through the guest's page tables as they are when read) or physical.
 * Bytes that nothing readable backs have no {@link MemoryByte#READABLE} flag. Reads are requests on the
 * emulation thread (a running guest pauses for them); writing is not supported in this version.
 */
public final class GuestMemoryBlock extends DebugElement implements IMemoryBlockExtension {
    /** The address space of a block. */
    public enum Space {
        LINEAR("guest-linear", 4, 0xffff_ffffL),
        PHYSICAL("guest-physical", 8, org.shadowbench.memory.PhysicalMemory.MAX_ADDRESS);

        private final String label;
        private final int addressSize;
        private final long last;

        Space(String label, int addressSize, long last) {
            this.label = label;
            this.addressSize = addressSize;
            this.last = last;
        }

        String label() {
            return label;
        }
    }

    private final GuestDebugTarget target;
    private final Space space;
    private final long start;
    private final long length;
    private final String expression;
    private final List<Object> connections = new ArrayList<>();
    // The bytes read during the previous suspension and during the current one, by address.
    private Map<Long, Byte> previous = new HashMap<>();
    private Map<Long, Byte> current = new HashMap<>();
    private long readInSuspension = -1;

    GuestMemoryBlock(GuestDebugTarget target, Space space, long start, long length, String expression) {
        super(target);
        this.target = target;
        this.space = space;
        this.start = start;
        this.length = length;
        this.expression = expression;
    }

    /** Which address space the block reads. */
    public Space space() {
        return space;
    }

    @Override
    public String getModelIdentifier() {
        return target.getModelIdentifier();
    }

    // ------------------------------------------------------------------ IMemoryBlock

    @Override
    public long getStartAddress() {
        return start;
    }

    @Override
    public long getLength() {
        return length;
    }

    /** The block's bytes; unreadable ones read as 0 (use {@link #getBytesFromOffset} to tell them apart). */
    @Override
    public byte[] getBytes() throws DebugException {
        MemoryByte[] bytes = getBytesFromOffset(BigInteger.ZERO, length);
        byte[] values = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            values[i] = bytes[i].isReadable() ? bytes[i].getValue() : 0;
        }
        return values;
    }

    @Override
    public boolean supportsValueModification() {
        return false;
    }

    @Override
    public void setValue(long offset, byte[] bytes) throws DebugException {
        throw readOnly();
    }

    // ------------------------------------------------------------------ IMemoryBlockExtension

    @Override
    public String getExpression() {
        return expression;
    }

    @Override
    public BigInteger getBigBaseAddress() {
        return BigInteger.valueOf(start);
    }

    @Override
    public BigInteger getMemoryBlockStartAddress() {
        return BigInteger.ZERO;
    }

    @Override
    public BigInteger getMemoryBlockEndAddress() {
        return BigInteger.valueOf(space.last);
    }

    @Override
    public BigInteger getBigLength() {
        return BigInteger.valueOf(length);
    }

    @Override
    public int getAddressSize() {
        return space.addressSize;
    }

    @Override
    public boolean supportBaseAddressModification() {
        return false;
    }

    @Override
    public boolean supportsChangeManagement() {
        return false;
    }

    @Override
    public void setBaseAddress(BigInteger address) throws DebugException {
        throw new DebugException(GuestDebugTarget.status("the base address of a guest memory block is fixed", null));
    }

    @Override
    public MemoryByte[] getBytesFromOffset(BigInteger unitOffset, long addressableUnits) throws DebugException {
        return getBytesFromAddress(getBigBaseAddress().add(unitOffset), addressableUnits);
    }

    @Override
    public MemoryByte[] getBytesFromAddress(BigInteger address, long units) throws DebugException {
        if (units < 0 || units > Integer.MAX_VALUE) {
            throw new DebugException(GuestDebugTarget.status("cannot read " + units + " bytes at once", null));
        }
        long first = address.longValue();
        int count = (int) units;
        MemoryByte[] bytes = new MemoryByte[count];
        // Bytes beyond the end of the address space are unreadable; read only those inside it.
        int inside = address.signum() < 0 || address.compareTo(BigInteger.valueOf(space.last)) > 0 ? 0
                : (int) Math.min(count, space.last - first + 1);
        if (inside > 0) {
            MemoryByte[] read = target.read(machine -> space == Space.LINEAR
                    ? GuestMemory.readLinear(machine, first, inside)
                    : GuestMemory.readPhysical(machine, first, inside));
            System.arraycopy(read, 0, bytes, 0, inside);
        }
        for (int i = inside; i < count; i++) {
            bytes[i] = new MemoryByte((byte) 0, (byte) 0);
        }
        markChanges(first, bytes, inside);
        return bytes;
    }

    /**
     * Marks the bytes that differ from what this block read during the previous suspension (the Memory
     * view shows them as changed); a byte not read then has no history. A suspension's values are those
     * its first read saw, so later reads in it (after a write from the debugger, say) compare the same way.
     */
    private synchronized void markChanges(long first, MemoryByte[] bytes, int inside) {
        long suspension = target.suspensions();
        if (suspension != readInSuspension) {
            if (readInSuspension >= 0) {
                previous = current;
            }
            current = new HashMap<>();
            readInSuspension = suspension;
        }
        for (int i = 0; i < inside; i++) {
            MemoryByte b = bytes[i];
            if (!b.isReadable()) {
                continue;
            }
            current.putIfAbsent(first + i, b.getValue());
            Byte before = previous.get(first + i);
            if (before != null) {
                b.setHistoryKnown(true);
                b.setChanged(before != b.getValue());
            }
        }
    }

    @Override
    public void setValue(BigInteger offset, byte[] bytes) throws DebugException {
        throw readOnly();
    }

    @Override
    public synchronized void connect(Object client) {
        if (!connections.contains(client)) {
            connections.add(client);
        }
    }

    @Override
    public synchronized void disconnect(Object client) {
        connections.remove(client);
    }

    @Override
    public synchronized Object[] getConnections() {
        return connections.toArray();
    }

    @Override
    public void dispose() {
        synchronized (this) {
            connections.clear();
        }
    }

    @Override
    public IMemoryBlockRetrieval getMemoryBlockRetrieval() {
        return target;
    }

    @Override
    public int getAddressableSize() {
        return 1;
    }

    private DebugException readOnly() {
        return new DebugException(GuestDebugTarget.status("guest memory blocks are read-only in this version", null));
    }
}
