package org.shadowbench.debug.internal;

import java.util.Locale;

import org.shadowbench.debug.PhysicalWatchpoint;
import org.shadowbench.handlers.AccessOrigin;
import org.shadowbench.handlers.AccessType;

/**
 * The access that stopped the guest at a physical watchpoint.
 *
 * @param watchpoint the watchpoint hit
 * @param address    guest-physical address of the first byte accessed within the watched range
 * @param size       bytes of the access within the watched range (an access is cut at page and range ends)
 * @param type       read or write
 * @param value      the value written (little-endian, {@code size} bytes); {@code null} for reads, which
 *                   the watch sees before the value exists
 * @param origin     the CPU or a device
 * @param eip        for the CPU, the EIP of the instruction that made the access (the guest is suspended
 *                   after it); else 0
 */
public record WatchHit(PhysicalWatchpoint watchpoint, long address, int size, AccessType type, Long value,
        AccessOrigin origin, int eip) {

    /** The text shown as the thread's suspension reason. */
    public String label() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "watchpoint: %s %d byte%s at phys %#x",
                type == AccessType.WRITE ? "write" : "read", size, size == 1 ? "" : "s", address));
        if (value != null) {
            text.append(String.format(Locale.ROOT, ", value %#x", value));
        }
        if (origin == AccessOrigin.CPU) {
            text.append(String.format(Locale.ROOT, ", by the instruction at EIP %#010x", eip & 0xffff_ffffL));
        } else {
            text.append(", by a device");
        }
        return text.toString();
    }
}
