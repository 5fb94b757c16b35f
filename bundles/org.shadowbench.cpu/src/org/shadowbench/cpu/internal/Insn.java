package org.shadowbench.cpu.internal;

/**
 * One decoded instruction: prefixes, opcode, ModR/M operand and immediates, and what the fast path
 * resolved from them. Instances live in the {@link CodeCache} (one per frame offset, reused when the
 * bytes there change) or are the CPU's single scratch instance for instructions it does not cache.
 */
final class Insn {
    /** Two-byte opcodes ({@code 0F xx}) are numbered from here. */
    static final int TWO_BYTE = 0x100;
    static final int NO_REGISTER = -1;
    static final int NO_SEGMENT = -1;

    static final int REP = 1;
    static final int REPNE = 2;

    /** Offset of the first byte (the EIP it was fetched at). */
    int start;
    /** Length in bytes, prefixes included. */
    int length;
    /** {@code 0x00..0xff}, or {@code TWO_BYTE + xx}. */
    int opcode;
    /** FaultingInstruction.PREFIX_* bits seen. */
    int prefixes;
    /** 0, {@link #REP} or {@link #REPNE}: the last repeat prefix. */
    int rep;
    boolean lock;
    /** Segment override, or {@link #NO_SEGMENT}. */
    int segmentOverride;
    /** The last of 66/F2/F3 before the opcode, as SSE encodings read them (0 if none). */
    int mandatoryPrefix;
    /** Operand size in bytes: 2 or 4 (byte forms are told apart by opcode). */
    int operandSize;
    /** Address size in bytes: 2 or 4. */
    int addressSize;

    boolean hasModrm;
    int mod;
    int reg;
    int rm;
    /** Base register of the memory operand, or {@link #NO_REGISTER}. */
    int base;
    /** Index register of the memory operand, or {@link #NO_REGISTER}. */
    int index;
    int scale;
    int displacement;
    /** The segment the memory operand uses: the override, else DS or SS by base register. */
    int segment;

    int immediate;
    /** Second immediate: the selector of a far pointer, the nesting level of ENTER. */
    int immediate2;

    // Set by FastPath.select: the fast path (null for none) and its resolved operands.
    FastPath.Op fast;
    /**
     * For the general executor: the instruction cannot make the run loop's checks due (see
     * {@link Executor#isQuiet}), so a burst goes on after it.
     */
    boolean quiet;
    int fastA;
    int fastB;
    /** Base and index register of the memory operand, {@link FastPath#ZERO_REGISTER} when absent. */
    int eaBase;
    int eaIndex;

    // A Jcc that directly follows this fast-path instruction in the same cached bytes and runs with it
    // in one step of a burst (see CpuCore.runBurst): its length (0 when there is none), condition code
    // and displacement. The cache entry's verified bytes cover it too.
    int fusedLength;
    int fusedCondition;
    int fusedDisplacement;

    // The fast path's translation cache: the page of the offset this instruction's memory operand last
    // used and where the frame behind it lies, valid in one translation epoch and only for the kind of
    // access (read, or write) the instruction makes, whose permission it was filled with.
    int memoryPage = -1;
    byte[] memoryBacking;
    int memoryBase;
    int memoryEpoch;

    // Links to the cached instruction that followed this one, by falling through or by a taken branch,
    // with the translation epoch each was made in (see CpuCore.runBurst).
    Insn next;
    Insn taken;
    /** Each link's translation epoch (high half) and the EIP it led to (low half); see CpuCore.link. */
    long nextKey;
    long takenKey;

    // The block compiled from this instruction on (see CompiledBlock), and how often the run loop has
    // interpreted it since it last had none.
    CompiledBlock block;
    int heat;

    // The decoded-instruction cache's record of what this was decoded from (see CodeCache).
    /** The code segment's default size at decode time; 0 while the entry is not valid. */
    int codeSize;
    long bytesLow;
    long bytesHigh;
    long bytesMaskLow;
    long bytesMaskHigh;
    /** The code generation in which the bytes were last found unchanged. */
    long verifiedGeneration = -1;

    boolean isMemory() {
        return hasModrm && mod != 3;
    }

    void clear(int eip, int defaultSize) {
        start = eip;
        length = 0;
        prefixes = 0;
        rep = 0;
        lock = false;
        segmentOverride = NO_SEGMENT;
        mandatoryPrefix = 0;
        operandSize = defaultSize;
        addressSize = defaultSize;
        hasModrm = false;
        mod = 3;
        base = NO_REGISTER;
        index = NO_REGISTER;
        scale = 0;
        displacement = 0;
        immediate = 0;
        immediate2 = 0;
        fusedLength = 0;
    }
}
