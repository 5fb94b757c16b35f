package org.shadowbench.cpu;

import java.util.Arrays;
import java.util.Objects;

/**
 * The 64 Ki I/O port space. Devices register handlers for port ranges; a port nobody handles reads
 * all ones and ignores writes, as on a PC. Look-up is one array access.
 */
public final class IoPortBus {
    private final IoPortHandler[] handlers = new IoPortHandler[0x10000];
    private long unclaimedAccesses;

    /**
     * Claims {@code count} ports from {@code first}.
     *
     * @throws IllegalArgumentException when the range leaves the port space or a port is taken
     */
    public void register(int first, int count, IoPortHandler handler) {
        Objects.requireNonNull(handler);
        if (first < 0 || count < 1 || first + count > handlers.length) {
            throw new IllegalArgumentException(String.format("port range %#x+%d is outside the I/O space", first, count));
        }
        for (int port = first; port < first + count; port++) {
            if (handlers[port] != null) {
                throw new IllegalArgumentException(String.format("port %#x is already claimed", port));
            }
        }
        Arrays.fill(handlers, first, first + count, handler);
    }

    /** Releases every port the handler claimed. */
    public void unregister(IoPortHandler handler) {
        for (int port = 0; port < handlers.length; port++) {
            if (handlers[port] == handler) {
                handlers[port] = null;
            }
        }
    }

    /** The handler of a port, or {@code null}. */
    public IoPortHandler handler(int port) {
        return handlers[port & 0xffff];
    }

    /** An IN: the device's answer, or all ones for an unclaimed port. */
    public int read(int port, int size) {
        IoPortHandler handler = handlers[port & 0xffff];
        if (handler == null) {
            unclaimedAccesses++;
            return size == 4 ? -1 : (1 << (8 * size)) - 1;
        }
        int value = handler.read(port & 0xffff, size);
        return size == 4 ? value : value & ((1 << (8 * size)) - 1);
    }

    /** An OUT. */
    public void write(int port, int size, int value) {
        IoPortHandler handler = handlers[port & 0xffff];
        if (handler == null) {
            unclaimedAccesses++;
            return;
        }
        handler.write(port & 0xffff, size, size == 4 ? value : value & ((1 << (8 * size)) - 1));
    }

    /** Accesses to ports nobody claimed. */
    public long unclaimedAccesses() {
        return unclaimedAccesses;
    }
}
