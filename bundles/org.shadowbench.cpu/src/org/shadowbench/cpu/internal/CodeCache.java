package org.shadowbench.cpu.internal;

/**
 * Decoded instructions, kept per host frame and byte offset so that hot code is decoded once.
 *
 * <p>Nothing has to invalidate it: each entry remembers the instruction's bytes and is used only
 * while the frame still holds exactly those bytes (two 64-bit compares), so writes by the guest
 * through any mapping, by devices, DMA or the host are all seen, and self-modifying code stays
 * correct. Entries depend on the bytes and the code segment's default size only. Instructions
 * starting in the last 16 bytes of a page are not cached (their bytes may run into another frame).
 * At most {@link #MAX_PAGES} frames have entries; beyond that the oldest page's entries are dropped.
 */
final class CodeCache {
    static final int MAX_PAGES = 2048;
    /** Offsets at or above this are not cached: 16 bytes must fit in the frame. */
    static final int LAST_CACHEABLE_OFFSET = 4096 - 16;

    /** Entries by frame: {@code pages[frame][offset]}. */
    private Insn[][] pages = new Insn[1024][];
    private final int[] residents = new int[MAX_PAGES];
    private int residentCount;
    private int nextVictim;

    long hits;
    long misses;

    /** The cached instruction at a frame offset if its bytes are still there, else null. */
    Insn lookup(int frame, int offset, byte[] backing, int at, int codeSize) {
        if (frame >= pages.length) {
            return null;
        }
        Insn[] page = pages[frame];
        if (page == null) {
            return null;
        }
        Insn insn = page[offset];
        if (insn == null || insn.codeSize != codeSize) {
            return null;
        }
        long low = (long) Mmu.LONG.get(backing, at);
        long high = (long) Mmu.LONG.get(backing, at + 8);
        if ((low & insn.bytesMaskLow) != insn.bytesLow || (high & insn.bytesMaskHigh) != insn.bytesHigh) {
            return null;
        }
        hits++;
        return insn;
    }

    /** An entry to decode into for a frame offset (reused if there is one). */
    Insn slot(int frame, int offset) {
        if (frame >= pages.length) {
            int size = pages.length;
            while (size <= frame) {
                size *= 2;
            }
            Insn[][] grown = new Insn[size][];
            System.arraycopy(pages, 0, grown, 0, pages.length);
            pages = grown;
        }
        Insn[] page = pages[frame];
        if (page == null) {
            page = new Insn[4096];
            admit(frame);
            pages[frame] = page;
        }
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
        int length = insn.length;
        insn.codeSize = codeSize;
        insn.bytesMaskLow = length >= 8 ? -1L : (1L << (8 * length)) - 1;
        insn.bytesMaskHigh = length <= 8 ? 0 : length >= 16 ? -1L : (1L << (8 * (length - 8))) - 1;
        insn.bytesLow = (long) Mmu.LONG.get(backing, at) & insn.bytesMaskLow;
        insn.bytesHigh = (long) Mmu.LONG.get(backing, at + 8) & insn.bytesMaskHigh;
    }

    /** Marks an entry as not matching anything (its decode failed half-way). */
    static void forget(Insn insn) {
        insn.codeSize = 0;
    }

    private void admit(int frame) {
        if (residentCount == MAX_PAGES) {
            int victim = residents[nextVictim];
            pages[victim] = null;
            residents[nextVictim] = frame;
            nextVictim = (nextVictim + 1) % MAX_PAGES;
            return;
        }
        residents[residentCount++] = frame;
    }

    /** Drops every entry. */
    void clear() {
        for (int i = 0; i < residentCount; i++) {
            pages[residents[i]] = null;
        }
        residentCount = 0;
        nextVictim = 0;
    }
}
