package org.shadowbench.cpu.internal;

/**
 * EFLAGS with lazily evaluated arithmetic flags, as fast interpreters keep them (Bochs, v86): an
 * arithmetic instruction records its kind, size, operands and result; CF, PF, AF, ZF, SF and OF
 * are computed only when something reads them. Non-arithmetic bits live in {@link #other}.
 */
final class Flags {
    static final int CF = 0x0001;
    static final int PF = 0x0004;
    static final int AF = 0x0010;
    static final int ZF = 0x0040;
    static final int SF = 0x0080;
    static final int TF = 0x0100;
    static final int IF = 0x0200;
    static final int DF = 0x0400;
    static final int OF = 0x0800;
    static final int IOPL = 0x3000;
    static final int NT = 0x4000;
    static final int RF = 0x10000;
    static final int VM = 0x20000;
    static final int AC = 0x40000;
    static final int ID = 0x200000;
    static final int ARITH = CF | PF | AF | ZF | SF | OF;
    /** Bits software can change (VIF/VIP and VM stay clear: no virtual-8086 mode). */
    static final int WRITABLE = ARITH | TF | IF | DF | IOPL | NT | RF | AC | ID;

    /** The flags are in {@link #resolved}. */
    static final int RESOLVED = 0;
    static final int ADD = 1;
    static final int ADC = 2;
    static final int SUB = 3;
    static final int SBB = 4;
    static final int LOGIC = 5;
    static final int INC = 6;
    static final int DEC = 7;

    private static final byte[] PARITY = new byte[256];
    /** PF of a result's low byte as bit 4 of a {@link #CONDITIONS} index. */
    private static final byte[] PARITY_BIT = new byte[256];
    /**
     * Every condition code for every combination of the flags it can read: indexed by
     * {@code cc << 5 | PF << 4 | OF << 3 | SF << 2 | ZF << 1 | CF}.
     */
    private static final boolean[] CONDITIONS = new boolean[16 << 5];

    static {
        for (int i = 0; i < 256; i++) {
            PARITY[i] = (byte) ((Integer.bitCount(i) & 1) == 0 ? PF : 0);
            PARITY_BIT[i] = (byte) ((Integer.bitCount(i) & 1) == 0 ? 0x10 : 0);
        }
        for (int cc = 0; cc < 16; cc++) {
            for (int bits = 0; bits < 32; bits++) {
                boolean carry = (bits & 1) != 0;
                boolean zero = (bits & 2) != 0;
                boolean sign = (bits & 4) != 0;
                boolean overflow = (bits & 8) != 0;
                boolean parity = (bits & 16) != 0;
                boolean value = switch (cc >> 1) {
                    case 0 -> overflow;
                    case 1 -> carry;
                    case 2 -> zero;
                    case 3 -> carry || zero;
                    case 4 -> sign;
                    case 5 -> parity;
                    case 6 -> sign != overflow;
                    default -> zero || sign != overflow;
                };
                CONDITIONS[cc << 5 | bits] = (cc & 1) != 0 ? !value : value;
            }
        }
    }

    /** Non-arithmetic bits (bit 1 always set). */
    int other = 0x2;
    int kind = RESOLVED;
    int size = 4;
    int dst;
    int src;
    int result;
    /** Whether {@link #condition} may compare operands directly instead of deriving the flags (the CPU's fast path). */
    boolean shortcuts = true;
    /** Arithmetic flags when {@code kind == RESOLVED}; the carry-in for ADC/SBB; CF before INC/DEC. */
    int resolved;

    static int mask(int size) {
        return size == 4 ? -1 : (1 << (8 * size)) - 1;
    }

    static int sign(int size) {
        return 1 << (8 * size - 1);
    }

    static int parity(int value) {
        return PARITY[value & 0xff];
    }

    void set(int newKind, int newSize, int newDst, int newSrc, int newResult) {
        kind = newKind;
        size = newSize;
        dst = newDst;
        src = newSrc;
        result = newResult;
    }

    /** Records an ADC/SBB with its carry-in. */
    void setWithCarry(int newKind, int newSize, int newDst, int newSrc, int newResult, int carryIn) {
        set(newKind, newSize, newDst, newSrc, newResult);
        resolved = carryIn;
    }

    /** Records INC/DEC, which keep CF. */
    void setIncDec(int newKind, int newSize, int newDst, int newResult) {
        // In a run of INC and DEC (a counted loop) the carry is already in resolved.
        int carry = kind == INC || kind == DEC || kind == RESOLVED ? resolved & CF : cf() ? CF : 0;
        set(newKind, newSize, newDst, 1, newResult);
        resolved = carry;
    }

    /** Sets every arithmetic flag at once. */
    void setArith(int bits) {
        kind = RESOLVED;
        resolved = bits & ARITH;
    }

    /** Changes some arithmetic flags, keeping the others. */
    void changeArith(int clear, int setBits) {
        int bits = arith();
        setArith((bits & ~clear) | setBits);
    }

    boolean cf() {
        int m = mask(size);
        switch (kind) {
            case RESOLVED:
                return (resolved & CF) != 0;
            case ADD:
                return Integer.compareUnsigned(result & m, dst & m) < 0;
            case ADC:
                return resolved != 0 ? Integer.compareUnsigned(result & m, dst & m) <= 0
                        : Integer.compareUnsigned(result & m, dst & m) < 0;
            case SUB:
                return Integer.compareUnsigned(dst & m, src & m) < 0;
            case SBB:
                return resolved != 0 ? Integer.compareUnsigned(dst & m, src & m) <= 0
                        : Integer.compareUnsigned(dst & m, src & m) < 0;
            case LOGIC:
                return false;
            default:
                return (resolved & CF) != 0;
        }
    }

    boolean zf() {
        return kind == RESOLVED ? (resolved & ZF) != 0 : (result & mask(size)) == 0;
    }

    boolean sf() {
        return kind == RESOLVED ? (resolved & SF) != 0 : (result & sign(size)) != 0;
    }

    boolean pf() {
        return kind == RESOLVED ? (resolved & PF) != 0 : parity(result) != 0;
    }

    boolean af() {
        switch (kind) {
            case RESOLVED:
                return (resolved & AF) != 0;
            case LOGIC:
                return false;
            default:
                return ((dst ^ src ^ result) & 0x10) != 0;
        }
    }

    boolean of() {
        int s = sign(size);
        switch (kind) {
            case RESOLVED:
                return (resolved & OF) != 0;
            case ADD:
            case ADC:
            case INC:
                return ((dst ^ result) & (src ^ result) & s) != 0;
            case SUB:
            case SBB:
            case DEC:
                return ((dst ^ src) & (dst ^ result) & s) != 0;
            default:
                return false;
        }
    }

    /** The arithmetic flags as EFLAGS bits. */
    int arith() {
        if (kind == RESOLVED) {
            return resolved;
        }
        if (size == 4 && (kind == SUB || kind == ADD || kind == LOGIC)) {
            return arith32();
        }
        return (cf() ? CF : 0) | (pf() ? PF : 0) | (af() ? AF : 0) | (zf() ? ZF : 0) | (sf() ? SF : 0) | (of() ? OF : 0);
    }

    /**
     * {@link #arith} after a 32-bit ADD, SUB (CMP) or logic operation, the usual state when PUSHF reads
     * the flags (every spinlock of xv6): the same bits as the flag methods give, without their switches.
     */
    private int arith32() {
        int r = result;
        int bits = (r == 0 ? ZF : 0) | (r < 0 ? SF : 0) | PARITY[r & 0xff];
        if (kind == LOGIC) {
            return bits;
        }
        int d = dst;
        int s = src;
        // AF is the carry out of bit 3: bit 4 of the operands and the result together (AF is that bit).
        bits |= (d ^ s ^ r) & AF;
        if (kind == ADD) {
            return bits | (Integer.compareUnsigned(r, d) < 0 ? CF : 0) | (((d ^ r) & (s ^ r)) < 0 ? OF : 0);
        }
        return bits | (Integer.compareUnsigned(d, s) < 0 ? CF : 0) | (((d ^ s) & (d ^ r)) < 0 ? OF : 0);
    }

    /** The whole EFLAGS value. */
    int get() {
        return other | arith();
    }

    /** Loads EFLAGS bits selected by {@code writable}, keeping the rest. */
    void load(int value, int writable) {
        int current = get();
        int merged = (current & ~writable) | (value & writable);
        other = (merged & ~ARITH & ~0x8028) | 0x2;
        setArith(merged);
    }

    /** Evaluates condition code {@code cc} (0 to 15) as Jcc, SETcc and CMOVcc do. */
    boolean condition(int cc) {
        if (shortcuts && size == 4 && kind != RESOLVED) {
            // After a 32-bit compare or logic operation the condition is a comparison of its operands;
            // after any other 32-bit operation ZF and SF (the usual loop conditions) come from the result.
            if (kind == SUB) {
                return compared(cc);
            }
            if (kind == LOGIC) {
                return tested(cc);
            }
            switch (cc) {
                case 0x4:
                    return result == 0;
                case 0x5:
                    return result != 0;
                case 0x8:
                    return result < 0;
                case 0x9:
                    return result >= 0;
                default:
                    break;
            }
        }
        boolean result = switch (cc >> 1) {
            case 0 -> of();
            case 1 -> cf();
            case 2 -> zf();
            case 3 -> cf() || zf();
            case 4 -> sf();
            case 5 -> pf();
            case 6 -> sf() != of();
            default -> zf() || sf() != of();
        };
        return (cc & 1) != 0 ? !result : result;
    }

    /**
     * {@link #condition} for callers whose {@code cc} is a constant the JIT sees: compiled blocks. After a
     * 32-bit compare, logic operation or other arithmetic the switch folds to the one host comparison the
     * condition stands for, where {@link #condition}'s table (the interpreter's choice, since its condition
     * codes vary) would still derive all five flags. The parity and overflow conditions take the table.
     * Each kind's switch is a method of its own: HotSpot inlines no method over 325 bytes of bytecode
     * (FreqInlineSize), and one method with both switches (396 bytes) was called, not folded.
     */
    boolean holds(int cc) {
        if (shortcuts && size == 4) {
            int k = kind;
            if (k == SUB) {
                return holdsAfterCompare(cc);
            }
            if (k == LOGIC) {
                return holdsAfterLogic(cc);
            }
            if (k != RESOLVED) {
                return holdsAfterArithmetic(cc);
            }
        }
        return condition(cc);
    }

    /**
     * After any other 32-bit operation (ADD, INC, DEC, a shift, ...): ZF and SF come from the result, as
     * in {@link #condition}, so a counted loop's {@code dec ecx; jnz} folds to one comparison too.
     */
    private boolean holdsAfterArithmetic(int cc) {
        int r = result;
        switch (cc) {
            case 0x4: return r == 0;
            case 0x5: return r != 0;
            case 0x8: return r < 0;
            case 0x9: return r >= 0;
            default: return condition(cc);
        }
    }

    private boolean holdsAfterCompare(int cc) {
        int d = dst;
        int s = src;
        switch (cc) {
            case 0x2: return Integer.compareUnsigned(d, s) < 0;
            case 0x3: return Integer.compareUnsigned(d, s) >= 0;
            case 0x4: return d == s;
            case 0x5: return d != s;
            case 0x6: return Integer.compareUnsigned(d, s) <= 0;
            case 0x7: return Integer.compareUnsigned(d, s) > 0;
            case 0x8: return result < 0;
            case 0x9: return result >= 0;
            case 0xc: return d < s;
            case 0xd: return d >= s;
            case 0xe: return d <= s;
            case 0xf: return d > s;
            default: return compared(cc);
        }
    }

    private boolean holdsAfterLogic(int cc) {
        int r = result;
        switch (cc) {
            case 0x2: return false;
            case 0x3: return true;
            case 0x4, 0x6: return r == 0;
            case 0x5, 0x7: return r != 0;
            case 0x8, 0xc: return r < 0;
            case 0x9, 0xd: return r >= 0;
            case 0xe: return r <= 0;
            case 0xf: return r > 0;
            default: return tested(cc);
        }
    }

    /**
     * Condition {@code cc} after a 32-bit SUB or CMP of {@link #dst} and {@link #src}: the five flags
     * the conditions read are computed without branches and looked up with the condition code, so
     * that a run of different conditions costs no mispredicted jumps of the host's.
     */
    private boolean compared(int cc) {
        int borrow = (int) (((dst & 0xffff_ffffL) - (src & 0xffff_ffffL)) >>> 63);
        int difference = dst ^ src;
        int zero = ((difference | -difference) >>> 31) ^ 1;
        int overflow = (difference & (dst ^ result)) >>> 31;
        return CONDITIONS[cc << 5 | PARITY_BIT[result & 0xff] | overflow << 3 | (result >>> 31) << 2 | zero << 1 | borrow];
    }

    /** Condition {@code cc} after a 32-bit logic operation: CF and OF clear, the rest from the result. */
    private boolean tested(int cc) {
        int zero = ((result | -result) >>> 31) ^ 1;
        return CONDITIONS[cc << 5 | PARITY_BIT[result & 0xff] | (result >>> 31) << 2 | zero << 1];
    }
}
