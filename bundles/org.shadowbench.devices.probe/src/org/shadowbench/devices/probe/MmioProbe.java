package org.shadowbench.devices.probe;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.AccessType;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.handlers.PhysicalAccess;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.MachineDevice;

/**
 * A memory-mapped probe: an 8 KiB data window that behaves like memory but is served by an MMIO
 * access handler, and a log page through which the guest reads back what the handler saw of its
 * last accesses (offset, size, direction and value). Guests use it to check that every MMIO access
 * reaches the handler with its exact size, split only where it crosses a page.
 *
 * <p>Layout at {@link #BASE}: the window at offsets 0 to 0x1fff; at {@link #LOG} a dword with the
 * number of window accesses so far, then {@link #ENTRIES} records of four dwords, most recent
 * first: offset in the window, size | 0x100 for writes, value bits 0-31, value bits 32-63.
 * Log reads are not logged.
 */
@Component(service = MachineDevice.class, scope = ServiceScope.PROTOTYPE, property = "shadowbench.device=mmio-probe")
public final class MmioProbe implements MachineDevice {
    /** Where the probe sits in guest-physical space (free in the PC layout, below the I/O APIC). */
    public static final long BASE = 0xfebf_0000L;
    /** Size of the data window. */
    public static final int WINDOW = 0x2000;
    /** The log page. */
    public static final long LOG = BASE + WINDOW;
    /** Records kept in the log. */
    public static final int ENTRIES = 16;
    private static final int SIZE = WINDOW + 0x1000;

    private final byte[] window = new byte[WINDOW];
    private final long[] offsets = new long[ENTRIES];
    private final int[] kinds = new int[ENTRIES];
    private final long[] values = new long[ENTRIES];
    private long count;
    private DeviceContext context;
    private HandlerType type;

    @Override
    public String name() {
        return "mmio-probe";
    }

    @Override
    public void attach(DeviceContext deviceContext) {
        deviceContext.memory().registerMmio(BASE, BASE + SIZE - 1, "MMIO probe");
        type = deviceContext.registry().registerType(HandlerKind.MMIO, "MMIO probe", (access, user) -> access(access));
        deviceContext.registry().register(BASE, BASE + SIZE - 1, type, null, "MMIO probe");
        context = deviceContext;
    }

    @Override
    public void detach() {
        if (context != null) {
            context.registry().deregister(BASE);
            context.memory().deregisterRange(BASE);
            context = null;
        }
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(window, (byte) 0);
        count = 0;
    }

    /** Window accesses seen so far. */
    public long accesses() {
        return count;
    }

    private AccessOutcome access(PhysicalAccess access) {
        long offset = access.address() - BASE;
        int size = access.size();
        boolean write = access.type() == AccessType.WRITE;
        if (offset >= WINDOW) {
            if (!write) {
                access.complete(readLog((int) (offset - WINDOW), size));
            }
            return AccessOutcome.HANDLED;
        }
        long value;
        if (write) {
            value = access.value();
            for (int i = 0; i < size && offset + i < WINDOW; i++) {
                window[(int) offset + i] = (byte) (value >>> (8 * i));
            }
        } else {
            value = 0;
            for (int i = size - 1; i >= 0; i--) {
                value = (value << 8) | (offset + i < WINDOW ? window[(int) offset + i] & 0xff : 0);
            }
            access.complete(value);
        }
        System.arraycopy(offsets, 0, offsets, 1, ENTRIES - 1);
        System.arraycopy(kinds, 0, kinds, 1, ENTRIES - 1);
        System.arraycopy(values, 0, values, 1, ENTRIES - 1);
        offsets[0] = offset;
        kinds[0] = size | (write ? 0x100 : 0);
        values[0] = value;
        count++;
        return AccessOutcome.HANDLED;
    }

    private long readLog(int offset, int size) {
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = (value << 8) | logByte(offset + i);
        }
        return value;
    }

    private int logByte(int at) {
        int dword = at / 4;
        int shift = 8 * (at % 4);
        long word;
        if (dword == 0) {
            word = count;
        } else if (dword <= 4 * ENTRIES) {
            int entry = (dword - 1) / 4;
            word = switch ((dword - 1) % 4) {
                case 0 -> offsets[entry];
                case 1 -> kinds[entry];
                case 2 -> values[entry] & 0xffff_ffffL;
                default -> values[entry] >>> 32;
            };
        } else {
            word = 0;
        }
        return (int) (word >>> shift) & 0xff;
    }
}
