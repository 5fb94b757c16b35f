package org.shadowbench.ui.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.shadowbench.cpu.Cpu;
import org.shadowbench.memory.PhysicalMemory;

/**
 * The linear addresses at which the guest's current page tables map a guest-physical page: the
 * inverse of a page walk, for picking a page in the memory map and walking it. Reads the tables as
 * the debugger does, raw, without access handlers and without setting accessed bits; runs on the
 * emulation thread (one page-sized read per table, so a full 32-bit address space costs 1025 reads).
 */
final class LinearMappings {
    private static final int CR0_PG = 1 << 31;
    private static final int CR4_PSE = 1 << 4;
    private static final int CR4_PAE = 1 << 5;
    private static final long PRESENT = 1;
    private static final long BIG = 1 << 7;
    private static final long PAE_FRAME = 0x000f_ffff_ffff_f000L;
    private static final long PAGE = 4096;

    private final PhysicalMemory memory;
    private final long target;
    private final int limit;
    private final List<Integer> found = new ArrayList<>();
    private final byte[] table = new byte[(int) PAGE];

    private LinearMappings(PhysicalMemory memory, long target, int limit) {
        this.memory = memory;
        this.target = target;
        this.limit = limit;
    }

    /**
     * Up to {@code limit} linear page addresses mapping {@code guestPhysical}'s page under the CPU's
     * current CR3, in ascending order; with paging off, the address itself when it is below 4 GiB.
     */
    static List<Integer> of(Cpu cpu, PhysicalMemory memory, long guestPhysical, int limit) {
        LinearMappings search = new LinearMappings(memory, guestPhysical & -PAGE, limit);
        int cr0 = cpu.controlRegister(0);
        int cr4 = cpu.controlRegister(4);
        long cr3 = cpu.controlRegister(3) & 0xffff_ffffL;
        if ((cr0 & CR0_PG) == 0) {
            if (search.target < (1L << 32)) {
                search.found.add((int) search.target);
            }
        } else if ((cr4 & CR4_PAE) != 0) {
            search.pae(cr3 & ~0x1fL);
        } else {
            search.legacy(cr3 & ~0xfffL, (cr4 & CR4_PSE) != 0);
        }
        return List.copyOf(search.found);
    }

    private boolean full() {
        return found.size() >= limit;
    }

    private void legacy(long directory, boolean pse) {
        long[] pdes = entries(directory, 4);
        for (int pd = 0; pd < 1024 && !full(); pd++) {
            long pde = pdes[pd];
            if ((pde & PRESENT) == 0) {
                continue;
            }
            int base = pd << 22;
            if (pse && (pde & BIG) != 0) {
                // PSE-36: bits 13-20 of a big-page entry are physical address bits 32-39.
                long frame = (pde & 0xffc0_0000L) | ((pde >>> 13) & 0xffL) << 32;
                big(base, frame, 1L << 22);
            } else {
                leaf(entries(pde & 0xffff_f000L, 4), base, 0xffff_f000L);
            }
        }
    }

    private void pae(long pdpt) {
        for (int dp = 0; dp < 4 && !full(); dp++) {
            long pdpte = memory.read(pdpt + dp * 8L, 8);
            if ((pdpte & PRESENT) == 0) {
                continue;
            }
            long[] pdes = entries(pdpte & PAE_FRAME, 8);
            for (int pd = 0; pd < 512 && !full(); pd++) {
                long pde = pdes[pd];
                if ((pde & PRESENT) == 0) {
                    continue;
                }
                int base = dp << 30 | pd << 21;
                if ((pde & BIG) != 0) {
                    big(base, pde & 0x000f_ffff_ffe0_0000L, 1L << 21);
                } else {
                    leaf(entries(pde & PAE_FRAME, 8), base, PAE_FRAME);
                }
            }
        }
    }

    private void big(int base, long frame, long size) {
        if (target >= frame && target < frame + size) {
            found.add(base + (int) (target - frame));
        }
    }

    private void leaf(long[] ptes, int base, long frameMask) {
        for (int pt = 0; pt < ptes.length && !full(); pt++) {
            long pte = ptes[pt];
            if ((pte & PRESENT) != 0 && (pte & frameMask) == target) {
                found.add(base + (pt << 12));
            }
        }
    }

    /** A table's entries of {@code size} bytes, read in one go. */
    private long[] entries(long address, int size) {
        memory.read(address, table, 0, table.length);
        ByteBuffer buffer = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
        long[] entries = new long[table.length / size];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = size == 4 ? buffer.getInt(i * 4) & 0xffff_ffffL : buffer.getLong(i * 8);
        }
        return entries;
    }
}
