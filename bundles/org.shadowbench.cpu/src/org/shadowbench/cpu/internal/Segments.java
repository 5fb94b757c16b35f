package org.shadowbench.cpu.internal;

import org.shadowbench.cpu.Cpu;

/**
 * Segment descriptors: reading them from the GDT or LDT, and loading segment registers with the
 * protected-mode checks of the SDM (selector within the table, descriptor type, privilege, present)
 * and the exception each violation raises.
 *
 * <p>Descriptors are handled as the high and low dwords of the table entry; {@link #attributes}
 * keeps bits 8 to 23 of the high dword, the layout the segment caches use.
 */
final class Segments {
    static final int TYPE_ACCESSED = 0x1;
    static final int TYPE_WRITABLE = 0x2;
    static final int TYPE_READABLE = 0x2;
    static final int TYPE_EXPAND_DOWN = 0x4;
    static final int TYPE_CONFORMING = 0x4;
    static final int TYPE_CODE = 0x8;
    static final int S = 0x10;
    static final int PRESENT = 0x80;
    static final int BIG = 0x4000;
    static final int GRANULARITY = 0x8000;

    static final int SYSTEM_LDT = 0x2;
    static final int SYSTEM_TSS_AVAILABLE = 0x9;
    static final int SYSTEM_TSS_BUSY = 0xb;
    static final int SYSTEM_CALL_GATE = 0xc;
    static final int SYSTEM_CALL_GATE16 = 0x4;
    static final int SYSTEM_TASK_GATE = 0x5;

    private final CpuCore cpu;

    /** The descriptor last read by {@link #read}. */
    int low;
    int high;
    /** Linear address of the descriptor last read. */
    int address;

    Segments(CpuCore cpu) {
        this.cpu = cpu;
    }

    static int attributes(int high) {
        return (high >>> 8) & 0xffff;
    }

    static int base(int low, int high) {
        return (low >>> 16) | ((high & 0xff) << 16) | (high & 0xff00_0000);
    }

    static int limit(int low, int high) {
        int raw = (low & 0xffff) | (high & 0xf_0000);
        return (high & (GRANULARITY << 8)) != 0 ? (raw << 12) | 0xfff : raw;
    }

    static int dpl(int attributes) {
        return (attributes >>> 5) & 3;
    }

    static boolean isCode(int attributes) {
        return (attributes & (S | TYPE_CODE)) == (S | TYPE_CODE);
    }

    static boolean isData(int attributes) {
        return (attributes & (S | TYPE_CODE)) == S;
    }

    /** Whether {@code size} bytes at {@code offset} lie within a segment (expand-down data segments included). */
    static boolean withinLimit(int attributes, int limit, int offset, int size) {
        int last = offset + size - 1;
        if ((attributes & (S | TYPE_CODE | TYPE_EXPAND_DOWN)) == (S | TYPE_EXPAND_DOWN)) {
            int upper = (attributes & BIG) != 0 ? -1 : 0xffff;
            return Integer.compareUnsigned(offset, limit) > 0 && Integer.compareUnsigned(last, upper) <= 0
                    && Integer.compareUnsigned(last, offset) >= 0;
        }
        return Integer.compareUnsigned(last, limit) <= 0 && Integer.compareUnsigned(offset, limit) <= 0;
    }

    static boolean isNull(int selector) {
        return (selector & 0xfffc) == 0;
    }

    /**
     * Reads the descriptor of a selector into {@link #low}/{@link #high}.
     *
     * @return false when the selector lies outside its table (or names the LDT while none is loaded)
     */
    boolean read(int selector) {
        int tableBase;
        int tableLimit;
        if ((selector & 4) != 0) {
            if (isNull(cpu.ldtSelector)) {
                return false;
            }
            tableBase = cpu.ldtBase;
            tableLimit = cpu.ldtLimit;
        } else {
            tableBase = cpu.gdtBase;
            tableLimit = cpu.gdtLimit;
        }
        int offset = selector & 0xfff8;
        if (Integer.compareUnsigned(offset + 7, tableLimit) > 0) {
            return false;
        }
        address = tableBase + offset;
        long descriptor = cpu.readSystem64(address);
        low = (int) descriptor;
        high = (int) (descriptor >>> 32);
        return true;
    }

    /** Reads a descriptor, raising #GP(selector) when it lies outside its table. */
    void require(int selector, int errorBits) {
        if (!read(selector)) {
            throw cpu.fault(Cpu.GP, (selector & 0xfffc) | errorBits);
        }
    }

    static final int[] DATA_SEGMENTS = { CpuCore.ES, CpuCore.DS, CpuCore.FS, CpuCore.GS };

    /**
     * Sets the accessed bit of the code or data descriptor last read, as the processor does when it
     * loads one (even if the instruction faults later, so callers do this once checks pass).
     */
    void markAccessed() {
        if ((high & (TYPE_ACCESSED << 8)) == 0) {
            high |= TYPE_ACCESSED << 8;
            cpu.writeSystem(address + 5, 1, high >>> 8);
        }
    }

    /** Loads a segment cache directly (reset, flat set-up, and segments that need no descriptor). */
    void loadFlat(int segment, int base, int limit, int attributes) {
        cpu.segBase[segment] = base;
        cpu.segLimit[segment] = limit;
        cpu.segAttr[segment] = attributes;
        cpu.segSelector[segment] = 0;
        cacheChanged(segment);
    }

    private void cache(int segment, int selector) {
        int base = base(low, high);
        int limit = limit(low, high);
        int attributes = attributes(high);
        if (cpu.segSelector[segment] == (selector & 0xffff) && cpu.segBase[segment] == base
                && cpu.segLimit[segment] == limit && cpu.segAttr[segment] == attributes) {
            // The register is reloaded with what it holds (a kernel's entry path does so at every trap):
            // what cacheChanged derives from it stands.
            return;
        }
        cpu.segSelector[segment] = selector & 0xffff;
        cpu.segBase[segment] = base;
        cpu.segLimit[segment] = limit;
        cpu.segAttr[segment] = attributes;
        cacheChanged(segment);
    }

    private void cacheChanged(int segment) {
        int attributes = cpu.segAttr[segment];
        boolean usable = (attributes & PRESENT) != 0 && (attributes & S) != 0;
        boolean code = (attributes & TYPE_CODE) != 0;
        cpu.segReadable[segment] = usable && (!code || (attributes & TYPE_READABLE) != 0);
        cpu.segWritable[segment] = usable && !code && (attributes & TYPE_WRITABLE) != 0;
        cpu.segUnlimited[segment] = cpu.segLimit[segment] == -1 && (code || (attributes & TYPE_EXPAND_DOWN) == 0);
        int unchecked = !cpu.segUnlimited[segment] ? 0
                : (cpu.segReadable[segment] ? CpuCore.UNCHECKED_READ : 0) | (cpu.segWritable[segment] ? CpuCore.UNCHECKED_WRITE : 0);
        if (unchecked != cpu.segUnchecked[segment] || cpu.segBase[segment] != cpu.segCachedBase[segment]) {
            // The fast path's translation caches are keyed by offset: a new base or new checks empty them.
            cpu.segUnchecked[segment] = unchecked;
            cpu.segCachedBase[segment] = cpu.segBase[segment];
            cpu.fetch.invalidate();
        }
        if (segment == CpuCore.CS) {
            int size = (attributes & BIG) != 0 ? 4 : 2;
            if (size != cpu.codeSize || cpu.segLimit[segment] != cpu.codeLimit) {
                // Cached instructions were verified against the code size and limit (see CodeCache): only
                // another size or limit makes them check again. Ring changes between flat code segments,
                // every system call and interrupt, keep their links.
                cpu.codeSize = size;
                cpu.codeLimit = cpu.segLimit[segment];
                cpu.codeWritten();
            }
        } else if (segment == CpuCore.SS) {
            cpu.stackSize = (attributes & BIG) != 0 ? 4 : 2;
        }
    }

    /** Makes a data segment register hold a null selector: usable for nothing until reloaded. */
    void loadNull(int segment, int selector) {
        cpu.segSelector[segment] = selector & 0xffff;
        cpu.segBase[segment] = 0;
        cpu.segLimit[segment] = 0;
        cpu.segAttr[segment] = 0;
        cacheChanged(segment);
    }

    /** MOV/POP/LDS into DS, ES, FS or GS. */
    void loadData(int segment, int selector) {
        loadData(segment, selector, Cpu.GP, 0);
    }

    /**
     * Loads DS, ES, FS or GS with the checks of a MOV; a violation raises {@code faultVector} (#GP for
     * instructions, #TS in a task switch) and a segment not present #NP.
     */
    void loadData(int segment, int selector, int faultVector, int extBit) {
        if (isNull(selector)) {
            loadNull(segment, selector);
            return;
        }
        int error = (selector & 0xfffc) | extBit;
        if (!read(selector)) {
            throw cpu.fault(faultVector, error);
        }
        int attributes = attributes(high);
        boolean readableCode = isCode(attributes) && (attributes & TYPE_READABLE) != 0;
        if (!isData(attributes) && !readableCode) {
            throw cpu.fault(faultVector, error);
        }
        boolean conformingCode = isCode(attributes) && (attributes & TYPE_CONFORMING) != 0;
        if (!conformingCode && ((selector & 3) > dpl(attributes) || cpu.cpl > dpl(attributes))) {
            throw cpu.fault(faultVector, error);
        }
        if ((attributes & PRESENT) == 0) {
            throw cpu.fault(Cpu.NP, error);
        }
        markAccessed();
        cache(segment, selector);
    }

    /**
     * Loads LDTR (LLDT, and the task switch with {@code faultVector} #TS): a null selector leaves no LDT;
     * otherwise an LDT descriptor in the GDT, present.
     */
    void loadLdt(int selector, int faultVector, int extBit) {
        if (isNull(selector)) {
            cpu.ldtSelector = selector;
            cpu.ldtBase = 0;
            cpu.ldtLimit = 0;
            return;
        }
        int error = (selector & 0xfffc) | extBit;
        if ((selector & 4) != 0 || !read(selector)) {
            throw cpu.fault(faultVector, error);
        }
        int attributes = attributes(high);
        if ((attributes & (S | 0xf)) != SYSTEM_LDT) {
            throw cpu.fault(faultVector, error);
        }
        if ((attributes & PRESENT) == 0) {
            throw cpu.fault(Cpu.NP, error);
        }
        cpu.ldtSelector = selector;
        cpu.ldtBase = base(low, high);
        cpu.ldtLimit = limit(low, high);
    }

    /** MOV/POP/LSS into SS; the caller inhibits interrupts for one instruction. */
    void loadStack(int selector) {
        int error = selector & 0xfffc;
        if (isNull(selector)) {
            throw cpu.fault(Cpu.GP, 0);
        }
        require(selector, 0);
        int attributes = attributes(high);
        if ((selector & 3) != cpu.cpl || !isData(attributes) || (attributes & TYPE_WRITABLE) == 0
                || dpl(attributes) != cpu.cpl) {
            throw cpu.fault(Cpu.GP, error);
        }
        if ((attributes & PRESENT) == 0) {
            throw cpu.fault(Cpu.SS, error);
        }
        markAccessed();
        cache(CpuCore.SS, selector);
    }

    /**
     * Checks the stack segment that an inner-privilege transfer or an outer return switches to: must be
     * a present writable data segment of privilege {@code level}. The descriptor stays in {@link #low}/
     * {@link #high} for {@link #commitStack}.
     */
    void checkNewStack(int selector, int level, int faultVector, int extBit) {
        int error = (selector & 0xfffc) | extBit;
        if (isNull(selector)) {
            throw cpu.fault(faultVector, extBit);
        }
        if (!read(selector)) {
            throw cpu.fault(faultVector, error);
        }
        int attributes = attributes(high);
        if ((selector & 3) != level || !isData(attributes) || (attributes & TYPE_WRITABLE) == 0
                || dpl(attributes) != level) {
            throw cpu.fault(faultVector, error);
        }
        if ((attributes & PRESENT) == 0) {
            throw cpu.fault(Cpu.SS, error);
        }
    }

    /** Loads SS from a descriptor checked by {@link #checkNewStack} (and marked accessed). */
    void commitStack(int selector, int descriptorLow, int descriptorHigh) {
        low = descriptorLow;
        high = descriptorHigh;
        cache(CpuCore.SS, selector);
    }

    /**
     * Checks a code segment as the target of a far transfer whose new privilege is {@code level}: the
     * descriptor stays in {@link #low}/{@link #high}.
     */
    void checkCode(int selector, int extBit) {
        int error = (selector & 0xfffc) | extBit;
        if (isNull(selector)) {
            throw cpu.fault(Cpu.GP, extBit);
        }
        if (!read(selector)) {
            throw cpu.fault(Cpu.GP, error);
        }
        if (!isCode(attributes(high))) {
            throw cpu.fault(Cpu.GP, error);
        }
    }

    /** Loads CS from a descriptor checked by {@link #checkCode} (and marked accessed), at privilege {@code level}. */
    void commitCode(int selector, int level, int descriptorLow, int descriptorHigh) {
        low = descriptorLow;
        high = descriptorHigh;
        cache(CpuCore.CS, (selector & ~3) | level);
        cpu.setCpl(level);
    }

    /**
     * After a return to an outer privilege level, data segment registers the new level may not use are
     * nulled, so the less privileged code cannot keep a kernel segment.
     */
    void dropInaccessibleDataSegments() {
        for (int segment : DATA_SEGMENTS) {
            int attributes = cpu.segAttr[segment];
            boolean conformingCode = isCode(attributes) && (attributes & TYPE_CONFORMING) != 0;
            if ((attributes & S) != 0 && !conformingCode && dpl(attributes) < cpu.cpl) {
                loadNull(segment, 0);
            }
        }
    }

    /** Loads a segment register for the public API: data segments as MOV does, SS as MOV SS, CS as a far JMP. */
    void loadFromApi(int segment, int selector) {
        switch (segment) {
            case CpuCore.SS -> loadStack(selector);
            case CpuCore.CS -> {
                checkCode(selector, 0);
                int attributes = attributes(high);
                if ((attributes & PRESENT) == 0) {
                    throw cpu.fault(Cpu.NP, selector & 0xfffc);
                }
                markAccessed();
                commitCode(selector, dpl(attributes), low, high);
            }
            default -> loadData(segment, selector);
        }
    }
}
