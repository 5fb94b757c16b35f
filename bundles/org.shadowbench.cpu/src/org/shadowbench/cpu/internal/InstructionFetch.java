package org.shadowbench.cpu.internal;

import java.util.Arrays;

/**
 * Where the run loop gets its next instruction: the decoded-instruction cache ({@link CodeCache}), the
 * page instructions are being fetched from, the links between cached instructions, and branch fusion
 * at decode time. The CPU's architectural state (EIP, CS, the code and translation generations) stays
 * in {@link CpuCore}; this class reads it.
 */
final class InstructionFetch {
    private final CpuCore cpu;
    private final Decoder decoder;
    private final CodeCache codeCache;
    /** Decoding target for instructions the code cache does not keep. */
    final Insn scratch = new Insn();

    // The page instructions are being fetched from, remembered across instructions so that straight-line
    // code skips the TLB and cache look-ups. Anything that may change the translation clears it.
    private int fetchPage = -1;
    private Insn[] fetchEntries;
    private byte[] fetchBacking;
    private int fetchBase;
    private int fetchFrame;

    /**
     * The translation epoch is {@code epochBase | privilegeBit}: the base advances by two with every
     * invalidation, and the low bit says whether the CPU runs at user privilege, since the translation
     * caches and the fetch hold what the TLB grants at one privilege only.
     */
    private int epochBase;
    private int privilegeBit;

    /** Instructions decoded (cache misses and uncached ones). */
    long decoded;

    final BlockCompiler blockCompiler = new BlockCompiler();

    /** Instructions by EIP, for what links miss (see {@link #recall}); direct-mapped. */
    static final int RECALL_SIZE = 4096;
    private static final int RECALL_MASK = RECALL_SIZE - 1;
    private final Insn[] recalled = new Insn[RECALL_SIZE];
    private final long[] recalledKeys = new long[RECALL_SIZE];

    InstructionFetch(CpuCore cpu, Decoder decoder) {
        this.cpu = cpu;
        this.decoder = decoder;
        this.codeCache = new CodeCache(this::codePageAdmitted, this::codePageEvicted);
    }

    /**
     * The instruction at CS:EIP: from the code cache when the bytes at that frame offset are still those
     * it was decoded from, else decoded (into the cache when the TLB maps the page for execution).
     */
    Insn next() {
        CpuCore c = cpu;
        int eip = c.eip;
        int linear = c.segBase[CpuCore.CS] + eip;
        int offset = linear & 0xfff;
        if (linear >>> 12 != fetchPage && !enterFetchPage(linear) && !fillFetchPage(linear, eip)) {
            return decodeUncached();
        }
        if (offset > CodeCache.LAST_CACHEABLE_OFFSET && fetchBase + offset + 16 > fetchBacking.length) {
            return decodeUncached();
        }
        Insn cached = fetchEntries[offset];
        if (cached != null) {
            if (cached.verifiedGeneration == c.codeGeneration) {
                return cached;
            }
            if (CodeCache.matches(cached, fetchBacking, fetchBase + offset, c.codeSize)
                    && Integer.compareUnsigned(eip + cached.length + cached.fusedLength - 1, c.codeLimit) <= 0) {
                cached.verifiedGeneration = c.codeGeneration;
                return cached;
            }
        }
        return decodeIntoCache(eip, offset);
    }

    /**
     * The miss path of {@link #next}, kept out of it so that the hit path stays small for the JIT: once the
     * chunk marking had grown it, {@code next} took 18.5% of xv6's samples instead of 7%, and usertests
     * ran 104 s before, 147 s after, 107 s with this split (one run each, load 3 to 4).
     */
    private Insn decodeIntoCache(int eip, int offset) {
        CpuCore c = cpu;
        Insn target = codeCache.slot(fetchEntries, offset);
        CodeCache.forget(target);
        // Until remembered below, nothing may take the entry for verified (links, recall).
        target.verifiedGeneration = -1;
        // A new decode may have another length or target: the old links and block no longer hold. Nor
        // does the old operand's translation cache, which the fast path's selection would drop, but a
        // decode that fails half-way (#UD) never gets there and leaves it with the new segment.
        target.next = null;
        target.taken = null;
        target.block = null;
        target.heat = 0;
        target.memoryPage = -1;
        Insn[] entries = fetchEntries;
        byte[] backing = fetchBacking;
        int base = fetchBase;
        decoder.decode(target, eip, c.codeSize);
        decoded++;
        // Decoding reads through the TLB; if that changed translations, the entry is simply not kept.
        if (fetchPage != -1 && fetchEntries == entries) {
            if (offset + target.length > 4096) {
                // It runs on into the next page, whose frame's writes this one's code generation does not see.
                return decodeUncached();
            }
            fuseBranch(target, backing, base + offset, offset);
            CodeCache.remember(target, backing, base + offset, c.codeSize);
            codeCache.markBytes(fetchFrame, offset, target.length + target.fusedLength);
            target.verifiedGeneration = c.codeGeneration;
        }
        return target;
    }

    /** The instruction linked to {@code from} for the way it left, if the link is still good. */
    Insn linked(Insn from, boolean fellThrough, int ip) {
        Insn to = fellThrough ? from.next : from.taken;
        if (to == null || to.verifiedGeneration != cpu.codeGeneration
                || (fellThrough ? from.nextKey : from.takenKey) != linkKey(ip)) {
            return null;
        }
        return to;
    }

    /**
     * The cached instruction the run loop last found at EIP {@code ip} in this translation epoch, or null:
     * where a link does not lead (a RET to another caller than last time, the first instruction after
     * the run loop's checks), this finds it without the fetch's walk through the TLB and the code cache.
     */
    Insn recall(int ip) {
        int slot = (ip ^ ip >>> 12) & RECALL_MASK;
        Insn i = recalled[slot];
        if (recalledKeys[slot] != linkKey(ip) || i == null || i.verifiedGeneration != cpu.codeGeneration) {
            return null;
        }
        return i;
    }

    /**
     * Records that the cached instruction {@code i} starts at EIP {@code ip}. It holds as a link does: the
     * key names the translation epoch, within which the EIP leads to one frame and offset, whose entry
     * object is only ever re-decoded in place (a re-decode is seen by its code generation).
     */
    void remember(int ip, Insn i) {
        int slot = (ip ^ ip >>> 12) & RECALL_MASK;
        recalled[slot] = i;
        recalledKeys[slot] = linkKey(ip);
    }

    /** The instruction in a slot of the recall table, for the consistency checker. */
    Insn recalledAt(int slot) {
        return recalled[slot];
    }

    /** The link key a slot of the recall table was filled under. */
    long recalledKeyAt(int slot) {
        return recalledKeys[slot];
    }

    /** A link's key: the translation epoch it was made in and the EIP it led to. */
    long linkKey(int ip) {
        return (long) cpu.translationEpoch << 32 | ip & 0xffff_ffffL;
    }

    /**
     * Links {@code from} to {@code to}, which starts at EIP {@code start}. Entries belong to a frame, which
     * may be mapped at several linear pages, so a link records where it led and is followed only to the
     * same EIP (CS's base cannot change within an epoch): through another mapping the next instruction
     * lies elsewhere and is fetched.
     */
    void link(Insn from, boolean fellThrough, Insn to, int start) {
        if (fellThrough) {
            from.next = to;
            from.nextKey = linkKey(start);
        } else {
            from.taken = to;
            from.takenKey = linkKey(start);
        }
    }

    /**
     * Records the Jcc that follows a freshly decoded non-branching fast-path instruction in the same
     * frame, read straight from the frame's bytes: 70-7F with an 8-bit or 0F 80-8F with a 32-bit
     * displacement, no prefixes, both instructions within 16 bytes (the entry's verified bytes) and the
     * code segment's limit. Compiled code puts a Jcc after nearly every compare, test and counter.
     */
    private void fuseBranch(Insn i, byte[] backing, int at, int offset) {
        if (i.fast == null || i.fast.branches || cpu.codeSize != 4) {
            return;
        }
        // Entries start at most 16 bytes before the frame's end: the Jcc is read only within the frame.
        int room = Math.min(16, 4096 - offset) - i.length;
        int end = at + i.length;
        int opcode = room >= 2 ? backing[end] & 0xff : 0;
        int length;
        int displacement;
        if (opcode >= 0x70 && opcode <= 0x7f) {
            length = 2;
            displacement = backing[end + 1];
        } else if (opcode == 0x0f && room >= 6 && (backing[end + 1] & 0xf0) == 0x80) {
            length = 6;
            opcode = backing[end + 1] & 0xff;
            displacement = (int) Mmu.INT.get(backing, end + 2);
        } else {
            return;
        }
        if (Integer.compareUnsigned(cpu.eip + i.length + length - 1, cpu.codeLimit) > 0) {
            return;
        }
        i.fusedLength = length;
        i.fusedCondition = opcode & 0xf;
        i.fusedDisplacement = displacement;
    }

    /**
     * Compiles the block that starts with {@code head}, a cached fast-path instruction at EIP {@code eip}
     * reached in the current translation epoch: it and the instructions that follow it in its page, as
     * long as they are cached, verified in this code generation and on the fast path. The block follows
     * not-taken conditional branches (a taken one leaves it) and direct JMPs and CALLs whose target lies
     * in the page and not in the block already; it ends after a RET, any other branch, or 24
     * instructions. Null when that makes fewer than two instructions.
     */
    CompiledBlock compileBlock(Insn head, int eip) {
        CpuCore c = cpu;
        int linear = c.segBase[CpuCore.CS] + eip;
        int headOffset = linear & 0xfff;
        if (c.codeSize != 4 || headOffset > CodeCache.LAST_CACHEABLE_OFFSET
                || linear >>> 12 != fetchPage && !enterFetchPage(linear) || fetchEntries[headOffset] != head) {
            return null;
        }
        Insn[] entries = fetchEntries;
        Insn[] run = new Insn[BlockCompiler.MAX_INSTRUCTIONS];
        int[] starts = new int[run.length];
        int[] at = new int[run.length];
        int n = 0;
        int retired = 0;
        int start = eip;
        for (Insn i = head; i != null; ) {
            run[n] = i;
            starts[n] = start;
            at[n++] = fetchBase + headOffset + (start - eip);
            retired += i.fusedLength != 0 ? 2 : 1;
            int next = start + i.length + i.fusedLength;
            FastPath.Op op = i.fast;
            if (op == FastPath.Op.JMP || op == FastPath.Op.CALL) {
                next += i.immediate;
            } else if (op.branches && op != FastPath.Op.JCC) {
                break;
            }
            int offset = headOffset + (next - eip);
            if (n == run.length || offset < 0 || offset > CodeCache.LAST_CACHEABLE_OFFSET || CompiledBlock.indexOf(starts, n, next) >= 0) {
                break;
            }
            i = entries[offset];
            if (i != null && (i.fast == null || !verified(i, fetchBase + offset, next))) {
                i = null;
            }
            start = next;
        }
        if (retired < 2) {
            return null;
        }
        return blockCompiler.compile(Arrays.copyOf(run, n), Arrays.copyOf(starts, n), fetchBacking, Arrays.copyOf(at, n),
                c.codeGeneration);
    }

    /**
     * Whether a cached entry of the fetch page, at EIP {@code eip} and {@code at} in the frame's bytes, holds
     * in this code generation, as {@link #next} would find: its bytes unchanged and within CS's limit.
     */
    private boolean verified(Insn i, int at, int eip) {
        CpuCore c = cpu;
        if (i.verifiedGeneration == c.codeGeneration) {
            return true;
        }
        if (CodeCache.matches(i, fetchBacking, at, c.codeSize)
                && Integer.compareUnsigned(eip + i.length + i.fusedLength - 1, c.codeLimit) <= 0) {
            i.verifiedGeneration = c.codeGeneration;
            return true;
        }
        return false;
    }

    /**
     * Fills the TLB for fetching from the linear page and makes it the fetch page, if the page is one
     * the TLB maps (not MMIO, which is read through the registry, once, by the decode). Without this the
     * first instruction after every TLB flush was decoded outside the cache, anew each time (6% of the
     * fork benchmark's samples). A fetch the guest may not make faults here as the decode's first byte
     * would; past CS's limit the decode's #GP comes first, as segmentation comes before paging.
     */
    private boolean fillFetchPage(int linear, int eip) {
        return Integer.compareUnsigned(eip, cpu.codeLimit) <= 0 && cpu.mmu.resolve(linear, Mmu.ACCESS_EXEC) < 0
                && enterFetchPage(linear);
    }

    /** Makes the linear page the fetch page if the TLB maps it executable now. */
    private boolean enterFetchPage(int linear) {
        Mmu m = cpu.mmu;
        int slot = m.grantingSlot(linear, m.execMask);
        if (slot < 0) {
            return false;
        }
        fetchEntries = codeCache.page(m.tlbFrame[slot]);
        fetchBacking = m.tlbBacking[slot];
        fetchBase = m.tlbOffset[slot];
        fetchFrame = m.tlbFrame[slot];
        fetchPage = linear >>> 12;
        return true;
    }

    private Insn decodeUncached() {
        decoder.decode(scratch, cpu.eip, cpu.codeSize);
        decoded++;
        return scratch;
    }

    boolean isCodeFrame(int frame) {
        return codeCache.holds(frame);
    }

    /** Hands every cached instruction to {@code action} (for the consistency checkers). */
    void forEachCached(java.util.function.Consumer<Insn> action) {
        codeCache.forEach(action);
    }

    /**
     * Whether a write to a frame holding decoded instructions may have changed some of their bytes, so
     * that cached instructions must check theirs again (a new code generation).
     */
    boolean writeMayChangeCode(int frame, int offset, int length) {
        return codeCache.writeMayChangeEntries(frame, offset, length);
    }

    /**
     * Forgets the fetch page and starts a new translation epoch, which cuts the links between cached
     * instructions and empties the fast path's translation caches: the TLB changed (entries dropped or
     * permissions withdrawn), a segment's base or checks changed, or code entries were evicted.
     */
    void invalidate() {
        fetchPage = -1;
        epochBase += 2;
        if (epochBase >= Integer.MAX_VALUE - 1) {
            // Links and translation caches compare epochs for equality: before the counter could come
            // round to an old entry's value, every entry goes.
            epochBase = 0;
            codeCache.clear();
            Arrays.fill(recalled, null);
            cpu.stack.forget();
            cpu.mmu.forgetEvictions();
        }
        cpu.translationEpoch = epochBase | privilegeBit;
    }

    /**
     * The privilege level moved between supervisor (CPL 0-2) and user (CPL 3). The TLB did not change,
     * but what it grants did: the fetch page is forgotten, and the epoch becomes the one of the new
     * privilege for the same TLB contents. Links and translation caches made at the other privilege
     * stay for when it comes back (a system call and its return, an interrupt from user mode), as long
     * as no invalidation came in between.
     */
    void privilegeChanged(boolean user) {
        fetchPage = -1;
        privilegeBit = user ? 1 : 0;
        cpu.translationEpoch = epochBase | privilegeBit;
    }

    /** Drops every cached instruction (the decoder's output changed, e.g. the fast path was switched). */
    void clear() {
        codeCache.clear();
        // Entries no longer in the cache are not kept alive; their keys' epoch has passed anyway.
        Arrays.fill(recalled, null);
        invalidate();
    }

    private void codePageAdmitted(int frame) {
        cpu.mmu.protectCode(frame);
    }

    private void codePageEvicted(int frame) {
        // Links may lead into the evicted entries, whose frame writes no longer announce.
        invalidate();
    }
}
