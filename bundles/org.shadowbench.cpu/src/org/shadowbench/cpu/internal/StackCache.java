package org.shadowbench.cpu.internal;

/**
 * The page the stack was last accessed in, so that PUSH, POP, CALL, RET and LEAVE on a flat 32-bit
 * stack skip the segment check and the TLB as a fast-path memory operand's translation cache does
 * (compiled kernel code is call-heavy: every frame is a push, a leave and a ret). The cache holds the
 * host array of the page's frame, what the TLB granted when it was filled (read, or read and write)
 * and the translation epoch then; it is used only within that epoch, so every flush, invalidation,
 * privilege change and change of SS's base or checks retires it, exactly as it retires the
 * instructions' caches. Filled only while SS needs no checks and starts on a page boundary, and only
 * with the fast path on.
 */
final class StackCache {
    private final CpuCore cpu;
    private int page = -1;
    private byte[] backing;
    private int base;
    private int epoch;
    private boolean writable;

    StackCache(CpuCore cpu) {
        this.cpu = cpu;
    }

    /**
     * Where {@code size} bytes at stack offset {@code offset} lie in the cached frame, or -1 when the
     * cache does not hold them with the access's permission.
     */
    int at(int offset, int size, boolean write) {
        int inPage = offset & 0xfff;
        if (offset >>> 12 == page && epoch == cpu.translationEpoch && inPage <= 0x1000 - size && (writable || !write)) {
            return base + inPage;
        }
        return -1;
    }

    byte[] backing() {
        return backing;
    }

    /**
     * Checks the page held for the current epoch against the translation the shadow tables give its
     * linear address ({@code stackBase} plus the page's offset): present, the same frame, and writable
     * there if held writable, on a frame without decoded instructions.
     */
    void check(java.util.List<String> problems, TlbChecker checker, int stackBase) {
        if (page != -1 && epoch == cpu.translationEpoch) {
            checker.checkCachedPage(problems, "the stack cache", stackBase + (page << 12), backing, base, writable);
        }
    }

    /** Drops the page, for when epochs start again from zero. */
    void forget() {
        page = -1;
        backing = null;
    }

    /** Remembers the page of a stack access just made at {@code offset} (linear address {@code linear}). */
    void remember(int offset, int linear) {
        // Off with the fast path, so that FastPathEquivalenceTest's general machine checks this too.
        if (!cpu.fastPathEnabled || !cpu.cacheableByPage(CpuCore.SS, CpuCore.UNCHECKED_READ | CpuCore.UNCHECKED_WRITE)) {
            return;
        }
        Mmu mmu = cpu.mmu;
        int slot = mmu.grantingSlot(linear, mmu.writeMask);
        boolean write = slot >= 0;
        if (!write) {
            slot = mmu.grantingSlot(linear, mmu.readMask);
            if (slot < 0) {
                return;
            }
        }
        page = offset >>> 12;
        backing = mmu.tlbBacking[slot];
        base = mmu.tlbOffset[slot];
        epoch = cpu.translationEpoch;
        writable = write;
    }
}
