package org.shadowbench.cpu.internal;

/**
 * Decoded instructions, kept per host frame and byte offset so that hot code is decoded once.
 *
 * <p>Nothing has to invalidate it: each entry remembers the instruction's bytes and is used only
 * while the frame still holds exactly those bytes, so writes by the guest through any mapping, by
 * devices, DMA or the host are all seen, and self-modifying code stays correct. The comparison is
 * made once per code generation: the CPU starts a new generation whenever memory may have changed
 * behind its back (a write to a frame with entries, which the TLB never lets through its fast path,
 * a handler access, port I/O, a new run, a code segment load). Entries depend on the bytes and the
 * code segment's default size and limit only. Instructions
 * starting in the last 16 bytes of a page are not cached (their bytes may run into another frame).
 * At most {@link #MAX_PAGES} frames have entries; beyond that the oldest page's entries are dropped.
 */
final class CodeCache {
    static final int MAX_PAGES = 2048;
    /**
     * Beyond this offset an entry's 16 verified bytes run past the frame: such entries are kept only
     * where the frame's backing array goes on for 16 bytes (the bytes past the instruction are masked
     * off), and only for instructions that end within the frame. Compiled blocks stop before it.
     */
    static final int LAST_CACHEABLE_OFFSET = 4096 - 16;

    /** Entries by frame: {@code pages[frame][offset]}. */
    private Insn[][] pages = new Insn[1024][];
    /**
     * By frame, which 64-byte chunks hold bytes of an entry decoded there since the frame was admitted
     * (bit n for bytes 64n to 64n+63). A write elsewhere in the frame changes no entry's bytes, so it need
     * not start a new code generation: user programs linked without page alignment (xv6's) keep their
     * globals in the frames of their code and write them all the time.
     */
    private long[] chunks = new long[1024];
    /** Told the frame whose entries were dropped to make room. */
    private final java.util.function.IntConsumer evicted;
    /** Told a frame that now has entries, so that writes to it stop bypassing the CPU's notice. */
    private final java.util.function.IntConsumer admitted;
    private final int[] residents = new int[MAX_PAGES];
    private int residentCount;
    private int nextVictim;

    long misses;

    CodeCache(java.util.function.IntConsumer admitted, java.util.function.IntConsumer evicted) {
        this.admitted = admitted;
        this.evicted = evicted;
    }

    /** Whether a frame has entries. */
    boolean holds(int frame) {
        return frame < pages.length && pages[frame] != null;
    }

    /** The entries of a frame, created on first use (which may drop the oldest page's). */
    Insn[] page(int frame) {
        if (frame >= pages.length) {
            int size = pages.length;
            while (size <= frame) {
                size *= 2;
            }
            Insn[][] grown = new Insn[size][];
            System.arraycopy(pages, 0, grown, 0, pages.length);
            pages = grown;
            chunks = java.util.Arrays.copyOf(chunks, size);
        }
        Insn[] page = pages[frame];
        if (page == null) {
            page = new Insn[4096];
            admit(frame);
            pages[frame] = page;
            admitted.accept(frame);
        }
        return page;
    }

    /** Whether an entry is valid for the code size and the bytes now at {@code backing[at]}. */
    static boolean matches(Insn insn, byte[] backing, int at, int codeSize) {
        if (insn.codeSize != codeSize || ((long) Mmu.LONG.get(backing, at) & insn.bytesMaskLow) != insn.bytesLow) {
            return false;
        }
        // Most instructions fit in eight bytes: the second word is read only for the long ones.
        return insn.bytesMaskHigh == 0 || ((long) Mmu.LONG.get(backing, at + 8) & insn.bytesMaskHigh) == insn.bytesHigh;
    }

    /** The entry to decode into at an offset of a page (reused if there is one). */
    Insn slot(Insn[] page, int offset) {
        Insn insn = page[offset];
        if (insn == null) {
            insn = new Insn();
            page[offset] = insn;
        }
        misses++;
        return insn;
    }

    /** Records the bytes an entry was decoded from, making it valid. */
    static void remember(Insn insn, byte[] backing, int at, int codeSize) {
        int length = insn.length + insn.fusedLength;
        insn.codeSize = codeSize;
        insn.bytesMaskLow = length >= 8 ? -1L : (1L << (8 * length)) - 1;
        insn.bytesMaskHigh = length <= 8 ? 0 : length >= 16 ? -1L : (1L << (8 * (length - 8))) - 1;
        insn.bytesLow = (long) Mmu.LONG.get(backing, at) & insn.bytesMaskLow;
        insn.bytesHigh = (long) Mmu.LONG.get(backing, at + 8) & insn.bytesMaskHigh;
    }

    /** Records that bytes {@code offset} to {@code offset + length - 1} of a frame with entries hold an entry's. */
    void markBytes(int frame, int offset, int length) {
        chunks[frame] |= chunkBits(offset, length);
    }

    /** Whether a write of {@code length} bytes at {@code offset} of a frame may change an entry's bytes. */
    boolean writeMayChangeEntries(int frame, int offset, int length) {
        return frame >= chunks.length || (chunks[frame] & chunkBits(offset, length)) != 0;
    }

    /** The chunks bytes {@code offset} to {@code offset + length - 1} of a frame touch (within the frame). */
    private static long chunkBits(int offset, int length) {
        int first = offset >>> 6;
        int last = Math.min(offset + length - 1, 4095) >>> 6;
        // Bits first..last; last - first is at most 63, and a shift by 64 would be a shift by 0.
        return (-1L >>> (63 - (last - first))) << first;
    }

    /** Marks an entry as not matching anything (its decode failed half-way). */
    static void forget(Insn insn) {
        insn.codeSize = 0;
    }

    /** Hands every entry to {@code action} (for the consistency checkers). */
    void forEach(java.util.function.Consumer<Insn> action) {
        for (int n = 0; n < residentCount; n++) {
            for (Insn insn : pages[residents[n]]) {
                if (insn != null) {
                    action.accept(insn);
                }
            }
        }
    }

    /** Drops every entry. */
    void clear() {
        for (int n = 0; n < residentCount; n++) {
            int frame = residents[n];
            pages[frame] = null;
            chunks[frame] = 0;
            evicted.accept(frame);
        }
        residentCount = 0;
        nextVictim = 0;
    }

    private void admit(int frame) {
        if (residentCount == MAX_PAGES) {
            int victim = residents[nextVictim];
            pages[victim] = null;
            chunks[victim] = 0;
            evicted.accept(victim);
            residents[nextVictim] = frame;
            nextVictim = (nextVictim + 1) % MAX_PAGES;
            return;
        }
        residents[residentCount++] = frame;
    }

}
