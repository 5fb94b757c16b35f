package org.shadowbench.debug.internal;

import org.eclipse.debug.core.model.MemoryByte;
import org.shadowbench.cpu.PageWalk;
import org.shadowbench.machine.Machine;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.ReadOnlyPhysicalMemory;

/**
 * Side-effect-free reads of guest memory for the debugger, on the emulation thread. Linear addresses
 * go through {@link org.shadowbench.cpu.Cpu#walk}, which sets no accessed or dirty bit and raises no
 * fault; physical pages are read from the page model only where memory backs them (RAM, ROM, MMIO2
 * and aliased pages). Bytes of unmapped linear pages, of MMIO pages (reading them would have to ask
 * the device) and of unassigned space come back without {@link MemoryByte#READABLE}.
 */
public final class GuestMemory {
    static final int PAGE = 4096;
    private static final byte KNOWN = (byte) (MemoryByte.READABLE | MemoryByte.ENDIANESS_KNOWN);

    private GuestMemory() {
    }

    /** {@code length} bytes from a guest-physical address. */
    public static MemoryByte[] readPhysical(Machine machine, long address, int length) {
        MemoryByte[] bytes = new MemoryByte[length];
        int done = 0;
        while (done < length) {
            long at = address + done;
            int chunk = (int) Math.min(length - done, PAGE - (at & (PAGE - 1)));
            copyPage(machine.memory(), at, bytes, done, chunk);
            done += chunk;
        }
        return bytes;
    }

    /** {@code length} bytes from a linear address, translated as the guest's page tables say now. */
    public static MemoryByte[] readLinear(Machine machine, long address, int length) {
        MemoryByte[] bytes = new MemoryByte[length];
        int done = 0;
        while (done < length) {
            long at = (address + done) & 0xffff_ffffL;
            int chunk = (int) Math.min(length - done, PAGE - (at & (PAGE - 1)));
            long physical = translate(machine, (int) at);
            if (physical < 0) {
                unreadable(bytes, done, chunk);
            } else {
                copyPage(machine.memory(), physical, bytes, done, chunk);
            }
            done += chunk;
        }
        return bytes;
    }

    /** The guest-physical address of a linear address, or -1 when the guest's tables do not map it. */
    public static long translate(Machine machine, int linear) {
        PageWalk walk = machine.cpu().walk(linear);
        return walk.guestFault() != null || walk.guestPhysical() < 0 ? -1 : walk.guestPhysical();
    }

    /** A 32-bit little-endian value at a linear address, or {@code null} when a byte of it is unreadable. */
    static Integer readLinearInt(Machine machine, int linear) {
        MemoryByte[] bytes = readLinear(machine, linear & 0xffff_ffffL, 4);
        int value = 0;
        for (int i = 3; i >= 0; i--) {
            if (!bytes[i].isReadable()) {
                return null;
            }
            value = value << 8 | (bytes[i].getValue() & 0xff);
        }
        return value;
    }

    private static void copyPage(ReadOnlyPhysicalMemory memory, long at, MemoryByte[] bytes, int offset, int length) {
        RamRange range = memory.rangeAt(at);
        if (range == null || !range.pageType(range.pageIndex(at)).isReadable()) {
            unreadable(bytes, offset, length);
            return;
        }
        byte[] data = new byte[length];
        memory.read(at, data, 0, length);
        for (int i = 0; i < length; i++) {
            bytes[offset + i] = new MemoryByte(data[i], KNOWN);
        }
    }

    private static void unreadable(MemoryByte[] bytes, int offset, int length) {
        for (int i = 0; i < length; i++) {
            bytes[offset + i] = new MemoryByte((byte) 0, MemoryByte.ENDIANESS_KNOWN);
        }
    }
}
