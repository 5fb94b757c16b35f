package org.shadowbench.cpu.internal;

import java.util.List;

import org.shadowbench.memory.HostFrameStore;

/**
 * The consistency rules of the CPU's TLB, checked against the shadow tables it caches: every valid
 * slot is listed for flushing and sits at its page's index; its frame, host array and offset agree;
 * a frame holding decoded instructions is never writable through it; and a non-global entry grants
 * no more than the shadow entries it was filled from, mapping the same frame (global entries may
 * outlive their shadow entries across CR3 loads, as on hardware). A violation means a guest access
 * could bypass the pool's or a handler's view of memory.
 */
final class TlbChecker {
    private final Mmu mmu;
    private final CpuCore cpu;
    private final HostFrameStore frames;

    TlbChecker(Mmu mmu, CpuCore cpu, HostFrameStore frames) {
        this.mmu = mmu;
        this.cpu = cpu;
        this.frames = frames;
    }

    void check(List<String> problems, int[] used, int usedCount, boolean[] listed) {
        boolean[] seen = new boolean[Mmu.TLB_SIZE];
        for (int n = 0; n < usedCount; n++) {
            int slot = used[n];
            if (!listed[slot] || seen[slot]) {
                problems.add("TLB slot " + slot + " is listed twice or marked unlisted");
            }
            seen[slot] = true;
        }
        for (int slot = 0; slot < Mmu.TLB_SIZE; slot++) {
            int page = mmu.tlbPage[slot];
            if (page == -1) {
                continue;
            }
            if (!seen[slot]) {
                problems.add("TLB slot " + slot + " is valid but not listed: a flush would miss it");
            }
            checkSlot(problems, slot, page);
        }
    }

    /**
     * The translation caches made from the TLB in the current epoch (the instructions' memory operands
     * and the stack's page) against the shadow tables: whatever took a translation away from the TLB
     * must have retired them too, with a new epoch. With global pages on, a cache may come from a global
     * entry that outlived its shadow entries across a CR3 load, as the TLB's own may; those are not
     * checked.
     */
    void checkTranslationCaches(List<String> problems) {
        if (cpu.globalPagesEnabled()) {
            return;
        }
        int stamp = mmu.epochStamp();
        cpu.fetch.forEachCached(i -> {
            if (i.memoryPage != -1 && (i.memoryEpoch | 1) == stamp) {
                int linear = cpu.segBase[i.segment] + (i.memoryPage << 12);
                checkCachedPage(problems, "an instruction's memory operand",
                        linear, i.memoryBacking, i.memoryBase, false);
            }
        });
        cpu.stack.check(problems, this, cpu.segBase[CpuCore.SS]);
    }

    void checkCachedPage(List<String> problems, String cache, int linear, byte[] backing, int base, boolean writable) {
        long pte = mmu.shadowEntry(linear);
        int frame = (int) ((pte & Mmu.PAE_FRAME) >>> 12);
        if ((pte & Mmu.P) == 0 || backing != frames.backing(frame) || base != frames.backingOffset(frame)) {
            problems.add(String.format("%s holds page %#x's frame, which no shadow entry maps there any more", cache,
                    linear & ~0xfff));
            return;
        }
        int allowed = mmu.shadowPermissions(mmu.lastShadowPde, pte, cpu.paePaging());
        if (writable && ((allowed & mmu.writeMask) == 0 || cpu.fetch.isCodeFrame(frame))) {
            problems.add(String.format("%s may write page %#x, which the shadow entries or decoded code forbid", cache,
                    linear & ~0xfff));
        }
    }

    private void checkSlot(List<String> problems, int slot, int page) {
        int linear = page << 12;
        int frame = mmu.tlbFrame[slot];
        int perm = mmu.tlbPerm[slot];
        if (Mmu.slotOf(linear) != slot) {
            problems.add(String.format("TLB slot %d holds page %#x, which belongs in slot %d", slot, linear, Mmu.slotOf(linear)));
        }
        if (mmu.tlbBacking[slot] != frames.backing(frame) || mmu.tlbOffset[slot] != frames.backingOffset(frame)) {
            problems.add(String.format("TLB slot %d for %#x: host array or offset is not frame %#x's", slot, linear, frame));
        }
        if (cpu.fetch.isCodeFrame(frame) && (perm & (Mmu.WRITE_SUP | Mmu.WRITE_USER)) != 0) {
            problems.add(String.format("TLB slot %d for %#x: frame %#x holds decoded instructions but is writable", slot,
                    linear, frame));
        }
        if ((perm & Mmu.GLOBAL) != 0) {
            return;
        }
        long pte = mmu.shadowEntry(linear);
        if ((pte & Mmu.P) == 0) {
            problems.add(String.format("TLB slot %d maps %#x, which no shadow entry maps", slot, linear));
            return;
        }
        if ((int) ((pte & Mmu.PAE_FRAME) >>> 12) != frame) {
            problems.add(String.format("TLB slot %d maps %#x to frame %#x, the shadow entry to frame %#x", slot, linear, frame,
                    (pte & Mmu.PAE_FRAME) >>> 12));
        }
        int allowed = mmu.shadowPermissions(mmu.lastShadowPde, pte, cpu.paePaging());
        if ((Mmu.grantedByShadow(perm) & ~allowed & ~Mmu.GLOBAL) != 0) {
            problems.add(String.format("TLB slot %d for %#x grants %#x, more than the shadow entries' %#x", slot, linear, perm,
                    allowed));
        }
    }
}
