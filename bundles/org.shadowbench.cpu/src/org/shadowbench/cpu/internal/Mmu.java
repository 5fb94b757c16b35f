package org.shadowbench.cpu.internal;

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
import org.shadowbench.memory.PhysicalMemory;
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

    /**
     * The TLB slot of a linear address: its page number's low bits with the address's top byte folded in.
     * With the low bits alone, pages 16 MiB apart share a slot, and a guest walking two regions that far
     * apart (xv6's usertests: a user heap at 0 and 16 MiB) refilled one slot on every access, 46 million
     * times in 45 s. Folding keeps each 16 MiB region's pages in distinct slots and spreads equal offsets
     * of different regions over different ones.
     */
    static int slotOf(int linear) {
        return ((linear >>> 12) ^ (linear >>> 24)) & TLB_MASK;
    }

    static final int READ_SUP = 0x01;
    static final int WRITE_SUP = 0x02;
    static final int READ_USER = 0x04;
    static final int WRITE_USER = 0x08;
    static final int EXEC_SUP = 0x10;
    static final int EXEC_USER = 0x20;
    static final int GLOBAL = 0x40;
    /**
     * Write permission the shadow entries grant but the TLB withholds because the frame holds decoded
     * instructions ({@link #WRITE_SUP} and {@link #WRITE_USER} moved up by {@link #CODE_WRITE_SHIFT}): every
     * such write leaves the fast path to be looked at, but needs no walk to find that it may go ahead.
     */
    static final int CODE_WRITE_SHIFT = 6;
    static final int CODE_WRITE_SUP = WRITE_SUP << CODE_WRITE_SHIFT;
    static final int CODE_WRITE_USER = WRITE_USER << CODE_WRITE_SHIFT;

    static final int ACCESS_READ = 0;
    static final int ACCESS_WRITE = 1;
    static final int ACCESS_EXEC = 2;

    /** {@link #resolve}'s answer for a write to a frame holding decoded instructions. */
    static final long CODE_WRITE = -2;

    static final long P = 0x1;
    private static final long RW = GuestWalk.RW;
    private static final long US = GuestWalk.US;
    private static final long G = GuestWalk.G;
    private static final long NX = GuestWalk.NX;
    static final long PAE_FRAME = 0x000f_ffff_ffff_f000L;

    static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final CpuCore cpu;
    private final PhysicalMemory memory;
    private final HostFrameStore frames;
    private final PhysicalHandlerRegistry registry;
    private final ShadowPagePool pool;
    /** The guest walk the trap handler and the inspector share. */
    final GuestWalk walk;
    /** The shadow tables behind the TLB: sync, invalidation, roots. */
    final ShadowSync shadow;
    final TrapHandler trapHandler;
    /** Linear pages known to map MMIO pages: their accesses skip the walks on the way to the registry. */
    final MmioTranslations mmio = new MmioTranslations();

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
        this.walk = new GuestWalk(cpu, memory, pdpte);
        this.shadow = new ShadowSync(cpu, pool, walk);
        this.trapHandler = new TrapHandler(cpu, memory, walk, shadow, mmio);
        Arrays.fill(tlbPage, -1);
    }

    /** Sets the tracer told about traps, syncs and registry accesses (null for none). */
    void setTracer(CpuTracer newTracer) {
        tracer = newTracer;
        shadow.tracer = newTracer;
    }

    /** Updates the permission masks after a CPL change. */
    void privilegeChanged(int cpl) {
        boolean user = cpl == 3;
        readMask = user ? READ_USER : READ_SUP;
        writeMask = user ? WRITE_USER : WRITE_SUP;
        execMask = user ? EXEC_USER : EXEC_SUP;
    }

    // ================================================================================= invalidation

    /** A TLB entry's permissions as the dump and the page walk show them: "RW user", "R- kernel NX global", ... */
    static String rights(int perm) {
        return ((perm & WRITE_SUP) != 0 ? "RW" : (perm & CODE_WRITE_SUP) != 0 ? "RW(code)" : "R-")
                + ((perm & READ_USER) != 0 ? " user" : " kernel") + ((perm & EXEC_SUP) != 0 ? "" : " NX")
                + ((perm & GLOBAL) != 0 ? " global" : "");
    }

    /** Writes the valid entries, one per line. */
    void dump(Appendable out) throws java.io.IOException {
        int valid = 0;
        for (int i = 0; i < TLB_SIZE; i++) {
            if (tlbPage[i] != -1) {
                valid++;
                out.append(String.format("%08x -> frame %#x %s%n", tlbPage[i] << 12, tlbFrame[i], rights(tlbPerm[i])));
            }
        }
        out.append(String.format("%d of %d TLB entries valid; %d hits, %d fills, %d flushes; %d MMIO accesses without a walk%n",
                valid, TLB_SIZE, tlbHits, tlbFills, tlbFlushes, mmio.hits));
    }

    void flushTlb(boolean keepGlobal) {
        tlbFlushes++;
        cpu.fetch.invalidate();
        mmio.clear();
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
        int slot = slotOf(linear);
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

    /** Withholds write permission from every TLB entry of a frame that now holds decoded instructions. */
    void protectCode(int frame) {
        // Translation caches may hold write access to the frame.
        cpu.fetch.invalidate();
        for (int n = 0; n < tlbUsedCount; n++) {
            int i = tlbUsed[n];
            if (tlbFrame[i] == frame && tlbPage[i] != -1) {
                tlbPerm[i] = withholdWrites(tlbPerm[i]);
            }
        }
    }

    /** The permissions with their write bits moved to the code-write bits (see {@link #CODE_WRITE_SUP}). */
    static int withholdWrites(int perm) {
        int writes = perm & (WRITE_SUP | WRITE_USER);
        return perm & ~writes | writes << CODE_WRITE_SHIFT;
    }

    /** The permissions the shadow entries granted: code-write bits counted as the write bits they stand for. */
    static int grantedByShadow(int perm) {
        int withheld = perm & (CODE_WRITE_SUP | CODE_WRITE_USER);
        return perm & ~withheld | withheld >>> CODE_WRITE_SHIFT;
    }

    /**
     * Drops every TLB entry that maps a host frame whose mappings changed: its guest page has another
     * frame behind it now, the page model dropped its cached mappings, or the pool cleared shadow entries
     * mapping it. The rest of the TLB stands. The translation caches made from the TLB in this epoch (the
     * instructions' and the stack's, the fetch's page, links) go with a new epoch only if one of them can
     * hold the frame: some entry mapping it was in the TLB during the epoch, so either it is dropped now or
     * a refill evicted it and stamped the frame (see {@link #fillFromShadow}).
     */
    void dropFrame(int frame) {
        boolean dropped = false;
        for (int n = 0; n < tlbUsedCount; n++) {
            int i = tlbUsed[n];
            if (tlbFrame[i] == frame && tlbPage[i] != -1) {
                tlbPage[i] = -1;
                tlbBacking[i] = null;
                dropped = true;
            }
        }
        if (dropped || (frame < evictedInEpoch.length && evictedInEpoch[frame] == epochStamp())) {
            cpu.fetch.invalidate();
        }
    }

    /**
     * Per host frame, the {@link #epochStamp} of the epoch in which a TLB refill last evicted an entry
     * mapping it (0: none since the array was cleared). Grown on demand, so it covers only the frames
     * the TLB has mapped, never all of RAM.
     */
    private int[] evictedInEpoch = new int[0];

    /** The current translation epoch without its privilege bit, never 0. */
    int epochStamp() {
        return cpu.translationEpoch | 1;
    }

    /** A refill is about to evict the valid entry in {@code slot}: its frame may still be in translation caches. */
    private void stampEvicted(int slot) {
        int frame = tlbFrame[slot];
        if (frame >= evictedInEpoch.length) {
            evictedInEpoch = Arrays.copyOf(evictedInEpoch, Math.max(frame + 1, 2 * evictedInEpoch.length));
        }
        evictedInEpoch[frame] = epochStamp();
    }

    /** Epochs start again from zero (see {@link InstructionFetch#invalidate}): old stamps would match new epochs. */
    void forgetEvictions() {
        Arrays.fill(evictedInEpoch, 0);
    }

    void invalidatePage(int linear) {
        cpu.fetch.invalidate();
        mmio.forget(linear);
        int slot = slotOf(linear);
        if (tlbPage[slot] == linear >>> 12) {
            tlbPage[slot] = -1;
            tlbBacking[slot] = null;
        }
    }

    /**
     * INVLPG: drops the TLB entry and the shadow entry for one linear page, which is synced again from
     * the guest on next use.
     */
    void invalidateShadowPage(int linear) {
        invalidatePage(linear);
        shadow.invalidate(linear);
    }

    // ================================================================================= hot paths

    /**
     * Whether the TLB lets a supervisor access of {@code size} bytes at {@code linear} within one page go
     * straight to memory ({@code permission} {@link #READ_SUP} or {@link #WRITE_SUP}): descriptor tables,
     * the TSS and an inner stack are accessed with supervisor rights whatever the CPL, and on a TLB hit
     * that needs no switch of the privilege the accessors check.
     */
    boolean grantsSupervisor(int linear, int size, int permission) {
        int slot = slotOf(linear);
        return tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & permission) != 0 && (linear & 0xfff) <= 0x1000 - size;
    }

    /** Reads 1, 2 or 4 bytes (zero-extended) that {@link #grantsSupervisor} granted. */
    int readGranted(int linear, int size) {
        int slot = slotOf(linear);
        int at = tlbOffset[slot] + (linear & 0xfff);
        tlbHits++;
        return switch (size) {
            case 1 -> tlbBacking[slot][at] & 0xff;
            case 2 -> (short) SHORT.get(tlbBacking[slot], at) & 0xffff;
            default -> (int) INT.get(tlbBacking[slot], at);
        };
    }

    /** Reads 8 bytes that {@link #grantsSupervisor} granted. */
    long readGranted64(int linear) {
        int slot = slotOf(linear);
        tlbHits++;
        return (long) LONG.get(tlbBacking[slot], tlbOffset[slot] + (linear & 0xfff));
    }

    /** Writes 1, 2 or 4 bytes that {@link #grantsSupervisor} granted. */
    void writeGranted(int linear, int size, int value) {
        int slot = slotOf(linear);
        int at = tlbOffset[slot] + (linear & 0xfff);
        tlbHits++;
        switch (size) {
            case 1 -> tlbBacking[slot][at] = (byte) value;
            case 2 -> SHORT.set(tlbBacking[slot], at, (short) value);
            default -> INT.set(tlbBacking[slot], at, value);
        }
    }

    int read8(int linear) {
        int slot = slotOf(linear);
        if (tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & readMask) != 0) {
            tlbHits++;
            return tlbBacking[slot][tlbOffset[slot] + (linear & 0xfff)] & 0xff;
        }
        return (int) slowRead(linear, 1, ACCESS_READ);
    }

    int read16(int linear) {
        int slot = slotOf(linear);
        if (tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & readMask) != 0 && (linear & 0xfff) <= 0xffe) {
            tlbHits++;
            return (short) SHORT.get(tlbBacking[slot], tlbOffset[slot] + (linear & 0xfff)) & 0xffff;
        }
        return (int) slowRead(linear, 2, ACCESS_READ);
    }

    int read32(int linear) {
        int slot = slotOf(linear);
        if (tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & readMask) != 0 && (linear & 0xfff) <= 0xffc) {
            tlbHits++;
            return (int) INT.get(tlbBacking[slot], tlbOffset[slot] + (linear & 0xfff));
        }
        return (int) slowRead(linear, 4, ACCESS_READ);
    }

    long read64(int linear) {
        int slot = slotOf(linear);
        if (tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & readMask) != 0 && (linear & 0xfff) <= 0xff8) {
            tlbHits++;
            return (long) LONG.get(tlbBacking[slot], tlbOffset[slot] + (linear & 0xfff));
        }
        return slowRead(linear, 8, ACCESS_READ);
    }

    int fetch8(int linear) {
        int slot = slotOf(linear);
        if (tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & execMask) != 0) {
            return tlbBacking[slot][tlbOffset[slot] + (linear & 0xfff)] & 0xff;
        }
        return (int) slowRead(linear, 1, ACCESS_EXEC);
    }

    void write8(int linear, int value) {
        int slot = slotOf(linear);
        if (tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & writeMask) != 0) {
            tlbHits++;
            tlbBacking[slot][tlbOffset[slot] + (linear & 0xfff)] = (byte) value;
            return;
        }
        slowWrite(linear, 1, value);
    }

    void write16(int linear, int value) {
        int slot = slotOf(linear);
        if (tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & writeMask) != 0 && (linear & 0xfff) <= 0xffe) {
            tlbHits++;
            SHORT.set(tlbBacking[slot], tlbOffset[slot] + (linear & 0xfff), (short) value);
            return;
        }
        slowWrite(linear, 2, value);
    }

    void write32(int linear, int value) {
        int slot = slotOf(linear);
        if (tlbPage[slot] == linear >>> 12 && (tlbPerm[slot] & writeMask) != 0 && (linear & 0xfff) <= 0xffc) {
            tlbHits++;
            INT.set(tlbBacking[slot], tlbOffset[slot] + (linear & 0xfff), value);
            return;
        }
        slowWrite(linear, 4, value);
    }

    void write64(int linear, long value) {
        int slot = slotOf(linear);
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

    /*
     * The slow paths raise attention (the run loop's look before the next instruction, see
     * CpuCore.runBurst) only where something it looks at may have changed: an access through the
     * registry (a device may have raised an interrupt or asked for a stop), the trap handler (shadow
     * syncs, pool flushes, CR3 sync requests), a write that changed decoded code (CpuCore.codeWritten).
     * A TLB fill from a present shadow entry changes none of that, and the guest's striding loops
     * take millions of them: `usertests` refilled 10 million entries in 30 s that another page of the
     * same TLB slot had taken.
     */

    private long slowRead(int linear, int size, int access) {
        int inPage = 0x1000 - (linear & 0xfff);
        if (size > inPage) {
            long low = readPart(linear, inPage, access);
            long high = readPart(linear + inPage, size - inPage, access);
            return low | (high << (8 * inPage));
        }
        return readPart(linear, size, access);
    }

    /**
     * A read through the registry, whose page {@link #resolve} found: handlers, hit counts and events as
     * always, but without the run loop's look afterwards unless it may be due. Where the trap handler
     * found the page it has raised attention already; through a kept MMIO translation, the look finds
     * nothing new after a read that changed no translation while interrupts are off:
     * what a callback asks for (a stop, a CR3 sync) raises attention itself, and an interrupt it may
     * have raised cannot be taken before IF is set again, by an instruction that raises attention. So
     * xv6, which reads its local APIC's ID with interrupts off on every spinlock, stays in its compiled
     * blocks; with IF set the look comes as after any other slow access. (An NMI raised by a read, which
     * no PC device does, is taken at the end of the burst, at most a burst's length later.)
     */
    private long deviceRead(long physical, int size) {
        int epoch = cpu.translationEpoch;
        long value = physicalRead(physical, size);
        if ((cpu.flags.other & Flags.IF) != 0 || cpu.translationEpoch != epoch) {
            cpu.attention = true;
        }
        return value;
    }

    private long readPart(int linear, int size, int access) {
        long physical = resolve(linear, access);
        if (physical >= 0) {
            return deviceRead(physical, size);
        }
        int slot = slotOf(linear);
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
        // A frame holding decoded instructions (xv6's user programs keep their globals beside their code):
        // the TLB entry says the write may go ahead once the code cache has seen it, so no walk is needed.
        long physical = grantingSlot(linear, writeMask << CODE_WRITE_SHIFT) >= 0 ? CODE_WRITE : resolve(linear, ACCESS_WRITE);
        if (physical >= 0) {
            cpu.attention = true;
            physicalWriteLinear = linear;
            physicalWrite(physical, size, value);
            return;
        }
        int slot = slotOf(linear);
        if (physical == CODE_WRITE && cpu.fetch.writeMayChangeCode(tlbFrame[slot], linear & 0xfff, size)) {
            cpu.codeWritten();
        }
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
        long device = mmio.lookup(linear, needed(access));
        if (device >= 0) {
            return device;
        }
        for (int attempt = 0; attempt < 4; attempt++) {
            int fill = fillFromShadow(linear, access);
            if (fill == FILLED) {
                return -1;
            }
            if (fill == FILLED_CODE_WRITE) {
                return CODE_WRITE;
            }
            long physical;
            cpu.attention = true;
            try {
                physical = trapHandler.handle(linear, access);
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
        if (cpu.fetch.isCodeFrame(frame)) {
            if (access == ACCESS_WRITE && (perm & writeMask) != 0) {
                outcome = FILLED_CODE_WRITE;
            }
            perm = withholdWrites(perm);
        }
        if (outcome == FILLED && (perm & needed(access)) == 0) {
            return MISS;
        }
        int slot = slotOf(linear);
        if (tlbPage[slot] != -1) {
            stampEvicted(slot);
        }
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
        long pde = pool.entry(shadow.root(), pae ? linear >>> 21 : linear >>> 22);
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
        TlbChecker checker = new TlbChecker(this, cpu, frames);
        checker.check(problems, tlbUsed, tlbUsedCount, tlbListed);
        checker.checkTranslationCaches(problems);
        mmio.check(memory, problems);
    }
}
