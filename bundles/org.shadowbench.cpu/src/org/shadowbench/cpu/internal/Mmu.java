package org.shadowbench.cpu.internal;

import java.util.List;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import org.shadowbench.cpu.CpuTracer;
import org.shadowbench.handlers.AccessOrigin;
import org.shadowbench.handlers.PhysicalAccessFault;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.memory.HostFrameStore;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.pool.Allocation;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.ShadowPagePool;

/**
 * The shadow MMU: linear memory accesses through a software TLB that is filled from the shadow
 * page tables, and the trap handler behind it.
 *
 * <p>The TLB is direct mapped and kept in flat arrays (as v86 does): per slot the linear page, the
 * permissions granted, and the host array and offset of the frame. A hit costs two compares and
 * one array access, never a walk. A miss walks the <em>shadow</em> tables; when they cannot serve
 * the access the trap handler ({@link #resolve}) walks the guest's tables and decides: deliver a
 * guest page fault, sync the shadow entry (through the pool, which tracks the reference and may
 * evict), or perform the access through the physical handler registry (MMIO, monitored pages,
 * unassigned space). Shadow modes: 32-bit shadow tables for guests without paging (PT32_FOR_PHYS)
 * and with 32-bit paging; PAE shadow tables for PAE guests.
 */
final class Mmu {
    static final int TLB_BITS = 12;
    static final int TLB_SIZE = 1 << TLB_BITS;
    static final int TLB_MASK = TLB_SIZE - 1;

    static final int READ_SUP = 0x01;
    static final int WRITE_SUP = 0x02;
    static final int READ_USER = 0x04;
    static final int WRITE_USER = 0x08;
    static final int EXEC_SUP = 0x10;
    static final int EXEC_USER = 0x20;
    static final int GLOBAL = 0x40;

    static final int ACCESS_READ = 0;
    static final int ACCESS_WRITE = 1;
    static final int ACCESS_EXEC = 2;

    /** {@link #resolve}'s answer for a write to a frame holding decoded instructions. */
    static final long CODE_WRITE = -2;

    static final long P = 0x1;
    private static final long RW = 0x2;
    private static final long US = 0x4;
    private static final long A = 0x20;
    private static final long D = 0x40;
    private static final long PS = 0x80;
    private static final long G = 0x100;
    private static final long NX = 1L << 63;
    static final long PAE_FRAME = 0x000f_ffff_ffff_f000L;

    static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final CpuCore cpu;
    private final PhysicalMemory memory;
    private final HostFrameStore frames;
    private final PhysicalHandlerRegistry registry;
    private final ShadowPagePool pool;

    // ---- the TLB
    final int[] tlbPage = new int[TLB_SIZE];
    final int[] tlbPerm = new int[TLB_SIZE];
    final byte[][] tlbBacking = new byte[TLB_SIZE][];
    final int[] tlbOffset = new int[TLB_SIZE];
    final int[] tlbFrame = new int[TLB_SIZE];
    /**
     * The slots filled since the last flush, so that flushes and frame scans visit only those (a CR3
     * switch flushes a TLB of which a few dozen slots are typically in use). A slot is listed once while
     * {@link #tlbListed} says so; invalidating one slot leaves it listed, marked invalid.
     */
    private final int[] tlbUsed = new int[TLB_SIZE];
    private final boolean[] tlbListed = new boolean[TLB_SIZE];
    private int tlbUsedCount;

    /** Permission bits a read, write or fetch needs at the current privilege level. */
    int readMask = READ_SUP;
    int writeMask = WRITE_SUP;
    int execMask = EXEC_SUP;

    /** Guest PAE page-directory-pointer entries, loaded with CR3 as the hardware caches them. */
    final long[] pdpte = new long[4];

    long tlbHits;
    long tlbFills;
    long shadowSyncs;
    long guestPageFaults;
    long handlerAccesses;
    long tlbFlushes;
    /** Told about slow-path events; null when nobody listens. */
    CpuTracer tracer;
    /** Linear address of the write being dispatched to the registry (the pool's fault address). */
    int physicalWriteLinear;

    Mmu(CpuCore cpu, PhysicalMemory memory, PhysicalHandlerRegistry registry, ShadowPagePool pool) {
        this.cpu = cpu;
        this.memory = memory;
        this.frames = memory.frames();
        this.registry = registry;
        this.pool = pool;
        Arrays.fill(tlbPage, -1);
    }

    /** Updates the permission masks after a CPL change. */
    void privilegeChanged(int cpl) {
        boolean user = cpl == 3;
        readMask = user ? READ_USER : READ_SUP;
        writeMask = user ? WRITE_USER : WRITE_SUP;
        execMask = user ? EXEC_USER : EXEC_SUP;
    }

    // ================================================================================= invalidation

    /** Writes the valid entries, one per line. */
    void dump(Appendable out) throws java.io.IOException {
        int valid = 0;
        for (int i = 0; i < TLB_SIZE; i++) {
            if (tlbPage[i] != -1) {
                valid++;
                int perm = tlbPerm[i];
                out.append(String.format("%08x -> frame %#x %s%s%s%s%n", tlbPage[i] << 12, tlbFrame[i],
                        (perm & WRITE_SUP) != 0 ? "RW" : "R-", (perm & READ_USER) != 0 ? " user" : " kernel",
                        (perm & EXEC_SUP) != 0 ? "" : " NX", (perm & GLOBAL) != 0 ? " global" : ""));
            }
        }
        out.append(String.format("%d of %d TLB entries valid; %d hits, %d fills, %d flushes%n", valid, TLB_SIZE, tlbHits,
                tlbFills, tlbFlushes));
    }

    void flushTlb(boolean keepGlobal) {
        tlbFlushes++;
        cpu.invalidateFetch();
        int kept = 0;
        for (int n = 0; n < tlbUsedCount; n++) {
            int i = tlbUsed[n];
            if (tlbPage[i] != -1 && keepGlobal && (tlbPerm[i] & GLOBAL) != 0) {
                tlbUsed[kept++] = i;
            } else {
                tlbPage[i] = -1;
                tlbBacking[i] = null;
                tlbListed[i] = false;
            }
        }
        tlbUsedCount = kept;
    }

    /** The offset in the array {@link #directBacking} returned last. */
    int directOffset;

    /**
     * The host array behind a linear address if the TLB grants the access directly now (a hit with
     * the permission), with the address's offset in {@link #directOffset}; null otherwise.
     */
    byte[] directBacking(int linear, boolean write) {
        int slot = grantingSlot(linear, write ? writeMask : readMask);
        if (slot < 0) {
            return null;
        }
        directOffset = tlbOffset[slot] + (linear & 0xfff);
        return tlbBacking[slot];
    }

    /** The TLB slot that maps the linear address's page with {@code permission}, or -1. */
    int grantingSlot(int linear, int permission) {
        int slot = (linear >>> 12) & TLB_MASK;
        return tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & permission) != 0 ? slot : -1;
    }

    /**
     * Fills an instruction's translation cache (see {@link FastPath}) under {@code tag} from the TLB
     * entry of the page it just accessed, if the entry grants {@code permission}; pages the TLB does
     * not map stay uncached.
     */
    void rememberPage(Insn i, int tag, int linear, int permission) {
        int slot = grantingSlot(linear, permission);
        if (slot >= 0) {
            i.memoryPage = tag;
            i.memoryBacking = tlbBacking[slot];
            i.memoryBase = tlbOffset[slot];
            i.memoryEpoch = cpu.translationEpoch;
        }
    }

    /** Withdraws write permission from every TLB entry of a frame that now holds decoded instructions. */
    void protectCode(int frame) {
        // Translation caches may hold write access to the frame.
        cpu.invalidateFetch();
        for (int n = 0; n < tlbUsedCount; n++) {
            int i = tlbUsed[n];
            if (tlbFrame[i] == frame && tlbPage[i] != -1) {
                tlbPerm[i] &= ~(WRITE_SUP | WRITE_USER);
            }
        }
    }

    /** Drops every TLB entry that maps a host frame whose guest page now has another frame behind it. */
    void dropFrame(int frame) {
        cpu.invalidateFetch();
        for (int n = 0; n < tlbUsedCount; n++) {
            int i = tlbUsed[n];
            if (tlbFrame[i] == frame && tlbPage[i] != -1) {
                tlbPage[i] = -1;
                tlbBacking[i] = null;
            }
        }
    }

    void invalidatePage(int linear) {
        cpu.invalidateFetch();
        int slot = (linear >>> 12) & TLB_MASK;
        if (tlbPage[slot] == linear >>> 12) {
            tlbPage[slot] = -1;
            tlbBacking[slot] = null;
        }
    }

    /** The shadow root for the guest's paging mode. */
    private int shadowRoot() {
        return cpu.paePaging() ? ShadowPagePool.ROOT_PAE_PD : ShadowPagePool.ROOT_32BIT_PD;
    }

    /**
     * Drops every shadow directory entry of both roots, letting go of the tables (which stay cached in
     * the pool): done when CR3 or the paging mode changes. The next accesses sync again.
     */
    void resetShadowRoots() {
        releaseRoot(ShadowPagePool.ROOT_32BIT_PD);
        releaseRoot(ShadowPagePool.ROOT_PAE_PD);
        // A CR3 sync starts the modification counts afresh, as PGMSyncCR3 does when it does not clear the
        // pool: a long-lived table is then flushed for a burst of writes, not for the writes of its lifetime.
        pool.modifiedClearAll();
    }

    private void releaseRoot(int root) {
        int count = pool.entryCount(root);
        for (int i = 0; i < count; i++) {
            long entry = pool.entry(root, i);
            if ((entry & P) != 0) {
                pool.setDirectoryEntry(root, i, 0);
                pool.free(entry & PAE_FRAME, root, i);
            }
        }
    }

    /**
     * INVLPG: drops the TLB entry and the shadow entry for one linear page, which is synced again from
     * the guest on next use. When the guest's directory entry no longer describes the shadow table
     * under it (another table, a big page now, other permissions, or not present), the whole shadow
     * table is let go, as PGM's InvalidatePage does.
     */
    void invalidateShadowPage(int linear) {
        invalidatePage(linear);
        boolean pae = cpu.paePaging();
        int root = shadowRoot();
        int directoryIndex = pae ? linear >>> 21 : linear >>> 22;
        long pde = pool.entry(root, directoryIndex);
        if ((pde & P) == 0) {
            return;
        }
        int table = pool.pageByHostAddress(pde & PAE_FRAME);
        if (cpu.pagingEnabled() && !guestDirectoryMatches(linear, table, pde)) {
            pool.setDirectoryEntry(root, directoryIndex, 0);
            pool.free(pde & PAE_FRAME, root, directoryIndex);
            return;
        }
        int index = pae ? (linear >>> 12) & 511 : (linear >>> 12) & 1023;
        if ((pool.entry(table, index) & P) != 0) {
            pool.unmapGuestPage(table, index);
        }
    }

    private boolean guestDirectoryMatches(int linear, int table, long shadowPde) {
        long guestPde;
        boolean big;
        long target;
        if (cpu.paePaging()) {
            long pointer = pdpte[(linear >>> 30) & 3];
            if ((pointer & P) == 0) {
                return false;
            }
            guestPde = memory.read((pointer & PAE_FRAME) + 8L * ((linear >>> 21) & 511), 8);
            big = (guestPde & PS) != 0;
            target = big ? guestPde & 0x000f_ffff_ffe0_0000L : guestPde & PAE_FRAME;
        } else {
            guestPde = memory.read((cpu.cr3() & 0xffff_f000L) + 4L * (linear >>> 22), 4);
            big = (guestPde & PS) != 0 && cpu.pseEnabled();
            target = big ? guestPde & 0xffc0_0000L : guestPde & 0xffff_f000L;
        }
        if ((guestPde & P) == 0 || (guestPde & (RW | US)) != (shadowPde & (RW | US))) {
            return false;
        }
        PoolKind kind = pool.kind(table);
        return kind.isBigPage() == big && pool.guestAddress(table) == target;
    }

    // ================================================================================= hot paths

    int read8(int linear) {
        int slot = (linear >>> 12) & TLB_MASK;
        if (tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & readMask) != 0) {
            tlbHits++;
            return tlbBacking[slot][tlbOffset[slot] + (linear & 0xfff)] & 0xff;
        }
        return (int) slowRead(linear, 1, ACCESS_READ);
    }

    int read16(int linear) {
        int slot = (linear >>> 12) & TLB_MASK;
        if (tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & readMask) != 0 && (linear & 0xfff) <= 0xffe) {
            tlbHits++;
            return (short) SHORT.get(tlbBacking[slot], tlbOffset[slot] + (linear & 0xfff)) & 0xffff;
        }
        return (int) slowRead(linear, 2, ACCESS_READ);
    }

    int read32(int linear) {
        int slot = (linear >>> 12) & TLB_MASK;
        if (tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & readMask) != 0 && (linear & 0xfff) <= 0xffc) {
            tlbHits++;
            return (int) INT.get(tlbBacking[slot], tlbOffset[slot] + (linear & 0xfff));
        }
        return (int) slowRead(linear, 4, ACCESS_READ);
    }

    long read64(int linear) {
        int slot = (linear >>> 12) & TLB_MASK;
        if (tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & readMask) != 0 && (linear & 0xfff) <= 0xff8) {
            tlbHits++;
            return (long) LONG.get(tlbBacking[slot], tlbOffset[slot] + (linear & 0xfff));
        }
        return slowRead(linear, 8, ACCESS_READ);
    }

    int fetch8(int linear) {
        int slot = (linear >>> 12) & TLB_MASK;
        if (tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & execMask) != 0) {
            return tlbBacking[slot][tlbOffset[slot] + (linear & 0xfff)] & 0xff;
        }
        return (int) slowRead(linear, 1, ACCESS_EXEC);
    }

    void write8(int linear, int value) {
        int slot = (linear >>> 12) & TLB_MASK;
        if (tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & writeMask) != 0) {
            tlbHits++;
            tlbBacking[slot][tlbOffset[slot] + (linear & 0xfff)] = (byte) value;
            return;
        }
        slowWrite(linear, 1, value);
    }

    void write16(int linear, int value) {
        int slot = (linear >>> 12) & TLB_MASK;
        if (tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & writeMask) != 0 && (linear & 0xfff) <= 0xffe) {
            tlbHits++;
            SHORT.set(tlbBacking[slot], tlbOffset[slot] + (linear & 0xfff), (short) value);
            return;
        }
        slowWrite(linear, 2, value);
    }

    void write32(int linear, int value) {
        int slot = (linear >>> 12) & TLB_MASK;
        if (tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & writeMask) != 0 && (linear & 0xfff) <= 0xffc) {
            tlbHits++;
            INT.set(tlbBacking[slot], tlbOffset[slot] + (linear & 0xfff), value);
            return;
        }
        slowWrite(linear, 4, value);
    }

    void write64(int linear, long value) {
        int slot = (linear >>> 12) & TLB_MASK;
        if (tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & writeMask) != 0 && (linear & 0xfff) <= 0xff8) {
            tlbHits++;
            LONG.set(tlbBacking[slot], tlbOffset[slot] + (linear & 0xfff), value);
            return;
        }
        slowWrite(linear, 8, value);
    }

    /**
     * Checks that a write of {@code size} bytes at the linear address would succeed, without writing:
     * instructions that read, modify and write check the write first so that a fault leaves no partial
     * result (and the shadow entry is made writable on the way).
     */
    void probeWrite(int linear, int size) {
        int first = linear;
        int last = linear + size - 1;
        translateForProbe(first);
        if ((first >>> 12) != (last >>> 12)) {
            translateForProbe(last);
        }
    }

    private void translateForProbe(int linear) {
        if (grantingSlot(linear, writeMask) < 0) {
            resolve(linear, ACCESS_WRITE);
        }
    }

    // ================================================================================= slow paths

    private long slowRead(int linear, int size, int access) {
        cpu.attention = true;
        int inPage = 0x1000 - (linear & 0xfff);
        if (size > inPage) {
            long low = readPart(linear, inPage, access);
            long high = readPart(linear + inPage, size - inPage, access);
            return low | (high << (8 * inPage));
        }
        return readPart(linear, size, access);
    }

    private long readPart(int linear, int size, int access) {
        long physical = resolve(linear, access);
        if (physical >= 0) {
            return physicalRead(physical, size);
        }
        int slot = (linear >>> 12) & TLB_MASK;
        return readBacking(tlbBacking[slot], tlbOffset[slot] + (linear & 0xfff), size);
    }

    private static long readBacking(byte[] backing, int at, int size) {
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = (value << 8) | (backing[at + i] & 0xff);
        }
        return value;
    }

    private void slowWrite(int linear, int size, long value) {
        cpu.attention = true;
        int inPage = 0x1000 - (linear & 0xfff);
        if (size > inPage) {
            // Both halves are translated before either is written, so a fault on the second leaves no partial write.
            resolveForWrite(linear);
            resolveForWrite(linear + inPage);
            writePart(linear, inPage, value);
            writePart(linear + inPage, size - inPage, value >>> (8 * inPage));
            return;
        }
        writePart(linear, size, value);
    }

    private void resolveForWrite(int linear) {
        resolve(linear, ACCESS_WRITE);
    }

    private void writePart(int linear, int size, long value) {
        long physical = resolve(linear, ACCESS_WRITE);
        if (physical >= 0) {
            physicalWriteLinear = linear;
            physicalWrite(physical, size, value);
            return;
        }
        if (physical == CODE_WRITE) {
            cpu.codeWritten();
        }
        int slot = (linear >>> 12) & TLB_MASK;
        byte[] backing = tlbBacking[slot];
        int at = tlbOffset[slot] + (linear & 0xfff);
        for (int i = 0; i < size; i++) {
            backing[at + i] = (byte) (value >>> (8 * i));
        }
    }

    /** An access the TLB cannot map, performed through the registry: handlers, MMIO, unassigned space. */
    long physicalRead(long physical, int size) {
        handlerAccesses++;
        if (tracer != null) {
            tracer.handlerAccess(physical, size, false, 0);
        }
        try {
            if (size == 1 || size == 2 || size == 4 || size == 8) {
                return registry.read(physical, size, AccessOrigin.CPU);
            }
            long value = 0;
            for (int i = 0; i < size; i++) {
                value |= registry.read(physical + i, 1, AccessOrigin.CPU) << (8 * i);
            }
            return value;
        } catch (PhysicalAccessFault e) {
            throw cpu.fault(CpuCore.GP_FAULT, 0);
        }
    }

    void physicalWrite(long physical, int size, long value) {
        handlerAccesses++;
        // A handler or the default access may land on decoded code, or a device may write memory in turn.
        cpu.codeWritten();
        if (tracer != null) {
            tracer.handlerAccess(physical, size, true, value);
        }
        try {
            if (size == 1 || size == 2 || size == 4 || size == 8) {
                registry.write(physical, size, value, AccessOrigin.CPU);
            } else {
                for (int i = 0; i < size; i++) {
                    registry.write(physical + i, 1, value >>> (8 * i), AccessOrigin.CPU);
                }
            }
        } catch (PhysicalAccessFault e) {
            throw cpu.fault(CpuCore.GP_FAULT, 0);
        }
    }

    // ================================================================================= TLB fill and trap handler

    /**
     * Makes the linear page accessible through the TLB for the access, or tells the caller to perform it
     * physically.
     *
     * @return -1 when the TLB now maps the page; {@link #CODE_WRITE} when it maps it for reading and the write
     *         is to be done through its backing (a frame with decoded instructions); else the guest-physical
     *         address to access through the registry
     * @throws GuestFault a page fault for the guest
     */
    long resolve(int linear, int access) {
        for (int attempt = 0; attempt < 4; attempt++) {
            int fill = fillFromShadow(linear, access);
            if (fill == FILLED) {
                return -1;
            }
            if (fill == FILLED_CODE_WRITE) {
                return CODE_WRITE;
            }
            long physical;
            try {
                physical = trap(linear, access);
            } finally {
                if (tracer != null) {
                    tracer.trapHandled(linear);
                }
            }
            if (physical >= 0) {
                return physical;
            }
        }
        throw new Shutdown(String.format("shadow paging could not map linear %#x for access %d", linear, access));
    }

    private int needed(int access) {
        return access == ACCESS_READ ? readMask : access == ACCESS_WRITE ? writeMask : execMask;
    }

    private static final int MISS = 0;
    private static final int FILLED = 1;
    private static final int FILLED_CODE_WRITE = 2;

    /**
     * Walks the shadow tables and fills the TLB if they allow the access. Frames holding decoded
     * instructions never get write permission in the TLB, so that every write to them is seen: a write
     * the shadow entry allows to such a frame fills the entry for reading and reports
     * {@code FILLED_CODE_WRITE}.
     */
    private int fillFromShadow(int linear, int access) {
        long pte = shadowEntry(linear);
        if ((pte & P) == 0) {
            return MISS;
        }
        int perm = shadowPermissions(lastShadowPde, pte, cpu.paePaging());
        int frame = (int) ((pte & PAE_FRAME) >>> 12);
        int outcome = FILLED;
        if (cpu.isCodeFrame(frame)) {
            if (access == ACCESS_WRITE && (perm & writeMask) != 0) {
                outcome = FILLED_CODE_WRITE;
            }
            perm &= ~(WRITE_SUP | WRITE_USER);
        }
        if (outcome == FILLED && (perm & needed(access)) == 0) {
            return MISS;
        }
        int slot = (linear >>> 12) & TLB_MASK;
        tlbPage[slot] = linear >>> 12;
        tlbPerm[slot] = perm;
        tlbBacking[slot] = frames.backing(frame);
        tlbOffset[slot] = frames.backingOffset(frame);
        tlbFrame[slot] = frame;
        if (!tlbListed[slot]) {
            tlbListed[slot] = true;
            tlbUsed[tlbUsedCount++] = slot;
        }
        tlbFills++;
        return outcome;
    }

    /**
     * The TLB permissions a present shadow directory entry and table entry grant, as the hardware would
     * combine them (before the rule that frames holding decoded instructions are never writable).
     */
    int shadowPermissions(long pde, long pte, boolean pae) {
        int perm = READ_SUP | EXEC_SUP;
        boolean user = (pde & US) != 0 && (pte & US) != 0;
        boolean writable = (pde & RW) != 0 && (pte & RW) != 0;
        boolean executable = !pae || !cpu.nxEnabled() || ((pde | pte) & NX) == 0;
        if (!executable) {
            perm &= ~EXEC_SUP;
        }
        if (user) {
            perm |= READ_USER | (executable ? EXEC_USER : 0);
        }
        if (writable) {
            perm |= WRITE_SUP | (user ? WRITE_USER : 0);
        }
        if ((pte & G) != 0 && cpu.globalPagesEnabled() && cpu.pagingEnabled()) {
            perm |= GLOBAL;
        }
        return perm;
    }

    /**
     * The shadow table entry mapping a linear page, read as {@link #fillFromShadow} reads it; 0 when the
     * shadow directory has no table there. The directory entry is left in {@link #lastShadowPde}.
     */
    long shadowEntry(int linear) {
        boolean pae = cpu.paePaging();
        long pde = pool.entry(shadowRoot(), pae ? linear >>> 21 : linear >>> 22);
        lastShadowPde = pde;
        if ((pde & P) == 0) {
            return 0;
        }
        int tableFrame = (int) ((pde & PAE_FRAME) >>> 12);
        return pae ? frames.read(tableFrame, ((linear >>> 12) & 511) * 8, 8)
                : frames.read(tableFrame, ((linear >>> 12) & 1023) * 4, 4);
    }

    long lastShadowPde;

    /** Appends what breaks the TLB's rules (see {@link TlbChecker}). */
    void checkTlb(List<String> problems) {
        new TlbChecker(this, cpu, frames).check(problems, tlbUsed, tlbUsedCount, tlbListed);
    }

    /** The outcome of a guest page walk. */
    private long walkPhysical;
    private boolean walkUser;
    private boolean walkWritable;
    private boolean walkExecutable;
    private boolean walkDirty;
    private boolean walkGlobal;
    private boolean walkBig;
    /** Guest-physical address of the guest page table (4 KiB pages) or of the big page's first byte. */
    private long walkTable;
    /** The guest entry holding the dirty bit (PTE, or PDE of a big page). */
    private long walkLeafAddress;
    private int walkEntrySize;
    private long walkPdeFlags;

    /**
     * The trap handler (PGM's Trap0e handler): walks the guest tables, raises a guest page fault when the
     * guest's own tables forbid the access, and otherwise syncs the shadow entry, or returns the physical
     * address when the access must go through the registry.
     *
     * @return -1 after a sync (retry the shadow walk), or the physical address for a registry access
     */
    private long trap(int linear, int access) {
        boolean write = access == ACCESS_WRITE;
        boolean user = cpu.userAccess();
        if (cpu.pagingEnabled()) {
            walkGuest(linear, access);
            boolean supervisorOverride = !user && write && !walkWritable && !cpu.writeProtect();
            if (supervisorOverride) {
                // CR0.WP clear: the kernel may write read-only pages, which the shared shadow cannot express.
                setGuestDirty();
                return walkPhysical;
            }
        } else {
            walkPhysical = linear & 0xffff_ffffL & ~0xfffL;
            walkUser = true;
            walkWritable = true;
            walkExecutable = true;
            walkDirty = true;
            walkGlobal = false;
            walkBig = true;
            walkTable = linear & 0xffc0_0000L;
            walkPdeFlags = P | RW | US;
        }
        long physical = walkPhysical | (linear & 0xfff);
        RamRange range = memory.rangeAt(walkPhysical);
        if (range == null) {
            return physical;
        }
        int index = range.pageIndex(walkPhysical);
        PageType type = range.pageType(index);
        PageHandlerState state = range.handlerState(index);
        if (type == PageType.MMIO || type == PageType.SPECIAL_ALIAS_MMIO || state == PageHandlerState.ALL
                || (write && state == PageHandlerState.WRITE) || (write && type == PageType.ROM)) {
            if (write) {
                setGuestDirty();
            }
            return physical;
        }
        if (write) {
            setGuestDirty();
            if (range.pageState(index) != PageState.ALLOCATED && (type == PageType.RAM || type == PageType.ROM_SHADOW)) {
                memory.makeWritable(range, index);
            }
        }
        if (!sync(linear, range, index, write)) {
            // No shadow table can stand for this guest table (it lies outside RAM): access uncached.
            return physical;
        }
        return -1;
    }

    /** Walks the guest's page tables for the access, setting accessed bits; raises #PF when they forbid it. */
    private void walkGuest(int linear, int access) {
        boolean user = cpu.userAccess();
        boolean write = access == ACCESS_WRITE;
        boolean fetch = access == ACCESS_EXEC;
        int errorBase = (write ? 2 : 0) | (user ? 4 : 0) | (fetch && cpu.nxEnabled() && cpu.paePaging() ? 0x10 : 0);
        long pde;
        long pdeAddress;
        if (cpu.paePaging()) {
            long pointer = pdpte[(linear >>> 30) & 3];
            if ((pointer & P) == 0) {
                throw pageFault(linear, errorBase);
            }
            pdeAddress = (pointer & PAE_FRAME) + 8L * ((linear >>> 21) & 511);
            pde = memory.read(pdeAddress, 8);
            walkEntrySize = 8;
        } else {
            pdeAddress = (cpu.cr3() & 0xffff_f000L) + 4L * (linear >>> 22);
            pde = memory.read(pdeAddress, 4);
            walkEntrySize = 4;
        }
        if ((pde & P) == 0) {
            throw pageFault(linear, errorBase);
        }
        isDirectoryLevel = true;
        checkReserved(pde, linear, errorBase);
        boolean big = (pde & PS) != 0 && (cpu.paePaging() || cpu.pseEnabled());
        long leaf;
        long leafAddress;
        if (big) {
            leaf = pde;
            leafAddress = pdeAddress;
            if (cpu.paePaging()) {
                walkTable = pde & 0x000f_ffff_ffe0_0000L;
                walkPhysical = walkTable + (linear & 0x001f_f000L);
            } else {
                walkTable = pde & 0xffc0_0000L;
                walkPhysical = walkTable + (linear & 0x003f_f000L);
            }
        } else {
            long tableAddress = pde & (cpu.paePaging() ? PAE_FRAME : 0xffff_f000L);
            leafAddress = tableAddress + (cpu.paePaging() ? 8L * ((linear >>> 12) & 511) : 4L * ((linear >>> 12) & 1023));
            leaf = memory.read(leafAddress, walkEntrySize);
            if ((leaf & P) == 0) {
                throw pageFault(linear, errorBase);
            }
            isDirectoryLevel = false;
            checkReserved(leaf, linear, errorBase);
            walkTable = tableAddress;
            walkPhysical = leaf & (cpu.paePaging() ? PAE_FRAME : 0xffff_f000L);
        }
        walkBig = big;
        walkUser = (pde & US) != 0 && (leaf & US) != 0;
        walkWritable = (pde & RW) != 0 && (leaf & RW) != 0;
        walkExecutable = !cpu.paePaging() || !cpu.nxEnabled() || ((pde | leaf) & NX) == 0;
        walkGlobal = (leaf & G) != 0;
        walkDirty = (leaf & D) != 0;
        walkLeafAddress = leafAddress;
        walkPdeFlags = pde;
        boolean denied = (user && !walkUser) || (write && !walkWritable && (user || cpu.writeProtect()))
                || (fetch && !walkExecutable);
        if (denied) {
            throw pageFault(linear, errorBase | 1);
        }
        // Accessed bits, as the hardware sets them during the walk.
        if ((pde & A) == 0) {
            memory.write(pdeAddress, 1, (pde | A) & 0xff);
        }
        if (!big && (leaf & A) == 0) {
            memory.write(leafAddress, 1, (leaf | A) & 0xff);
        }
    }

    /**
     * Raises #PF with RSVD for reserved bits in a present entry: in PAE, NX without EFER.NXE and any
     * address bit beyond the 36-bit physical width; in big-page directory entries the bits between the
     * PAT bit and the frame (no PSE-36 here).
     */
    private void checkReserved(long entry, int linear, int errorBase) {
        boolean big = (entry & PS) != 0;
        long reserved;
        if (cpu.paePaging()) {
            reserved = PAE_RESERVED | (cpu.nxEnabled() ? 0 : NX);
            if (big && walkEntrySize == 8 && isDirectoryLevel) {
                reserved |= 0x001f_e000L;
            }
        } else {
            reserved = big && isDirectoryLevel && cpu.pseEnabled() ? 0x003f_e000L : 0;
        }
        if ((entry & reserved) != 0) {
            throw pageFault(linear, errorBase | 0x8 | 1);
        }
    }

    /** Address bits 36 to 62 of a PAE entry: beyond this CPU's physical width. */
    private static final long PAE_RESERVED = 0x7fff_fff0_0000_0000L;
    private boolean isDirectoryLevel;

    private void setGuestDirty() {
        if (cpu.pagingEnabled() && !walkDirty) {
            long leaf = memory.read(walkLeafAddress, 1);
            memory.write(walkLeafAddress, 1, leaf | D);
            walkDirty = true;
        }
    }

    private GuestFault pageFault(int linear, int errorCode) {
        guestPageFaults++;
        cpu.setCr2(linear);
        return cpu.fault(CpuCore.PF_FAULT, errorCode);
    }

    /**
     * Creates or upgrades the shadow entry for the linear page from the last walk: allocates the shadow
     * page table through the pool when the shadow directory entry is missing, then maps the guest page
     * with the permissions the guest grants, write-protected until the guest's dirty bit is set or while a
     * handler watches writes.
     *
     * @return false when the pool cannot shadow the guest table (it is not in RAM)
     */
    private boolean sync(int linear, RamRange range, int index, boolean write) {
        shadowSyncs++;
        boolean pae = cpu.paePaging();
        int root = shadowRoot();
        int directoryIndex = pae ? linear >>> 21 : linear >>> 22;
        long pde = pool.entry(root, directoryIndex);
        int table;
        if ((pde & P) == 0) {
            try {
                table = allocateTable(root, directoryIndex, pae);
            } catch (PgmException e) {
                return false;
            }
        } else {
            table = pool.pageByHostAddress(pde & PAE_FRAME);
            long wanted = directoryFlags();
            if ((pde & (RW | US)) != (wanted & (RW | US))) {
                pool.setDirectoryEntry(root, directoryIndex, (pde & ~(RW | US)) | (wanted & (RW | US)));
            }
        }
        int entry = pae ? (linear >>> 12) & 511 : (linear >>> 12) & 1023;
        if ((pool.entry(table, entry) & P) != 0) {
            pool.unmapGuestPage(table, entry);
        }
        boolean pageWritable = range.pageState(index) == PageState.ALLOCATED && range.pageType(index).isWritable()
                && !range.hasActiveHandlers(index);
        long value = HostFrameStore.hostAddress(range.hostFrame(index)) | P;
        if (walkUser) {
            value |= US;
        }
        if (walkWritable && walkDirty && pageWritable) {
            value |= RW;
        }
        if (walkGlobal && cpu.pagingEnabled()) {
            value |= G;
        }
        if (pae && !walkExecutable) {
            value |= NX;
        }
        pool.mapGuestPage(table, entry, value, range, index);
        if (tracer != null) {
            tracer.shadowSync(linear, walkPhysical, write);
        }
        return true;
    }

    /** The shadow directory entry's permissions: the guest directory entry's (all for physical tables). */
    private long directoryFlags() {
        return P | (walkPdeFlags & (RW | US));
    }

    private int allocateTable(int root, int directoryIndex, boolean pae) {
        PoolKind kind;
        long guest;
        if (!cpu.pagingEnabled()) {
            kind = PoolKind.PT32_FOR_PHYS;
            guest = walkTable;
        } else if (pae) {
            kind = walkBig ? PoolKind.PAE_PT_FOR_PAE_BIG : PoolKind.PAE_PT_FOR_PAE_PT;
            guest = walkTable;
        } else {
            kind = walkBig ? PoolKind.PT32_FOR_BIG32 : PoolKind.PT32_FOR_PT32;
            guest = walkTable;
        }
        Allocation allocation = pool.alloc(guest, kind, root, directoryIndex);
        int table = allocation.page();
        long hostAddress = HostFrameStore.hostAddress(pool.hostFrame(table));
        pool.setDirectoryEntry(root, directoryIndex, hostAddress | directoryFlags());
        return table;
    }
}
