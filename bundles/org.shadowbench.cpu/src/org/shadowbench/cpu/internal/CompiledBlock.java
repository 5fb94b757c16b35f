package org.shadowbench.cpu.internal;

/**
 * A run of cached fast-path instructions translated by the {@link BlockCompiler} into one JVM method,
 * which the JIT compiles with the instructions' operations inlined: the run loop's per-instruction
 * dispatch, link checks and bookkeeping become straight-line code. The generated subclass holds the
 * instructions in fields of its own and implements {@link #run}; the rest of the block's state is here.
 *
 * <p>A block is hung on its first instruction ({@link Insn#block}) and entered only at the EIP it was
 * compiled for, in a code generation in which all its instructions are still the ones it was made
 * from (see {@link #revalidate}). Since its instructions lie in the page of the first one, reaching
 * that one through the fetch or a link of the current translation epoch says the whole block is
 * mapped and executable as when it was made. Its instructions follow each other as execution does:
 * falling through, past a Jcc not taken, or to the target of a direct JMP or CALL in the same page;
 * a taken Jcc or JMP whose target is one of them goes on there (see {@link #run}).
 */
abstract class CompiledBlock {
    /** {@link #run}'s answer when the block left without a link to follow (a fused Jcc put off). */
    static final int NO_LINK = -1;

    /** The EIP of the first instruction. */
    int headEip;
    /** The instructions, in order; any may carry a fused Jcc, and a Jcc may be followed by more. */
    Insn[] insns;
    /** Each instruction's EIP (for faults: {@link CpuCore#startEip} names the faulting one). */
    int[] starts;
    /**
     * Each instruction's operation, {@link #shape} and bytes (two words each, as {@link Insn#bytesLow} and
     * {@link Insn#bytesHigh}) when compiled: a re-decode must leave them, since the block's code holds the
     * instruction's operands, displacements and targets as constants, and those follow from the bytes.
     */
    FastPath.Op[] ops;
    int[] shapes;
    long[] bytes;
    /**
     * Instructions retired by a pass from the head to the end, fused Jcc's included: the most a run
     * retires before it either leaves or branches back (where it looks at the limit again).
     */
    int instructionCount;
    /** The highest EIP of any of the block's bytes, which must lie within CS's limit. */
    int lastByte;
    /** The frame's bytes, and where each instruction's lie, for checking them in a new code generation. */
    byte[] backing;
    int[] at;
    /** The code generation in which every instruction was last found unchanged. */
    long generation;
    /**
     * By {@link #run}'s exit: the block that ran next last time, and the link key (translation epoch and
     * EIP, see {@link InstructionFetch#linkKey}) under which the run loop found it. Null until a block
     * has followed this one.
     */
    private CompiledBlock[] successors;
    private long[] successorKeys;

    /**
     * Runs the instructions from the first, whose EIP must be {@link #headEip}. Before each one it sets
     * {@link CpuCore#eip} to the instruction's end and {@link CpuCore#startEip} to its start, after each
     * it stores the instruction count ({@code count} plus those retired), and it returns early when an
     * instruction raised {@link CpuCore#attention}, as the run loop would stop. A branch to one of the
     * block's own instructions goes on there, a loop's back edge too, while {@code limit} leaves room for
     * {@link #instructionCount} more. Returns the index of the last instruction retired times two, plus
     * one when it fell through rather than branched, or {@link #NO_LINK}; faults propagate with
     * {@link CpuCore#startEip} at the faulting instruction.
     */
    abstract int run(CpuCore cpu, FastPath fastPath, long count, long limit);

    /**
     * Whether the block still holds in the current code generation: each instruction is the entry it was
     * compiled from (same operation, length, fused Jcc and bytes) over bytes unchanged since it was decoded, and
     * the block lies within CS's limit. Entries found unchanged are marked verified, as the fetch would.
     */
    boolean revalidate(CpuCore cpu) {
        if (cpu.codeSize != 4 || Integer.compareUnsigned(lastByte, cpu.codeLimit) > 0) {
            return false;
        }
        long now = cpu.codeGeneration;
        Insn[] list = insns;
        for (int k = 0; k < list.length; k++) {
            Insn i = list[k];
            if (i.fast != ops[k] || shape(i) != shapes[k] || i.bytesLow != bytes[2 * k] || i.bytesHigh != bytes[2 * k + 1]) {
                return false;
            }
            if (i.verifiedGeneration != now) {
                if (!CodeCache.matches(i, backing, at[k], 4)) {
                    return false;
                }
                i.verifiedGeneration = now;
            }
        }
        generation = now;
        return true;
    }

    /**
     * The block that followed {@code exit} last time, if it was found under {@code key}: within one
     * translation epoch an EIP leads to one frame and offset, so to the same first instruction, whose
     * block it still is while that block's code generation is current (a new one takes a code change).
     * The caller checks the generation and the limit; null if none.
     */
    CompiledBlock successor(int exit, long key) {
        CompiledBlock[] next = successors;
        return next != null && successorKeys[exit] == key ? next[exit] : null;
    }

    /** How many exits may have a successor recorded (for the consistency checker). */
    int exits() {
        return successors == null ? 0 : successors.length;
    }

    /** The successor recorded for an exit, whatever its key; null if none. */
    CompiledBlock successorAt(int exit) {
        return successors[exit];
    }

    /** The key the successor of an exit was recorded under. */
    long successorKeyAt(int exit) {
        return successorKeys[exit];
    }

    /** Records that {@code next} ran after {@code exit}, found under {@code key}. */
    void follow(int exit, long key, CompiledBlock next) {
        if (successors == null) {
            successors = new CompiledBlock[2 * insns.length];
            successorKeys = new long[2 * insns.length];
        }
        successors[exit] = next;
        successorKeys[exit] = key;
    }

    /** An instruction's length, its fused Jcc's and the Jcc's condition, in one int. */
    static int shape(Insn i) {
        return i.length | i.fusedLength << 8 | (i.fusedLength != 0 ? i.fusedCondition << 16 : 0);
    }

    /** The instruction starting at {@code eip}, or null if none of the block's does. */
    Insn instructionAt(int eip) {
        int k = indexOf(starts, starts.length, eip);
        return k < 0 ? null : insns[k];
    }

    /** Where {@code eip} is among the first {@code count} instruction starts, or -1. */
    static int indexOf(int[] starts, int count, int eip) {
        for (int k = 0; k < count; k++) {
            if (starts[k] == eip) {
                return k;
            }
        }
        return -1;
    }
}
