package org.shadowbench.cpu.internal;

import org.shadowbench.pool.FaultingInstruction;

/**
 * Decodes one IA-32 instruction from the code segment into an {@link Insn}: prefixes, opcode,
 * ModR/M with SIB and displacement in 16- and 32-bit addressing, and immediates. The operand
 * shape of each opcode comes from two 256-entry tables; encodings that cannot exist raise #UD
 * here, those that depend on ModR/M.reg are judged by the executor. Fetches go through the MMU,
 * so they take page faults and code-segment limit faults like any access.
 */
final class Decoder {
    static final int MAX_LENGTH = 15;

    // Operand shapes.
    private static final byte NONE = 0;
    private static final byte MODRM = 1;
    private static final byte IMM8 = 2;
    private static final byte IMMZ = 3;
    private static final byte IMM16 = 4;
    private static final byte MODRM_IMM8 = 5;
    private static final byte MODRM_IMMZ = 6;
    private static final byte MOFFS = 7;
    private static final byte FAR_POINTER = 8;
    private static final byte ENTER = 9;
    private static final byte GROUP3_BYTE = 10;
    private static final byte GROUP3 = 11;
    private static final byte PREFIX = 12;
    private static final byte INVALID = 13;

    /*
     * One character per opcode, sixteen per row: '.' none, 'M' ModR/M, 'b' imm8, 'z' imm16/32, 'w' imm16,
     * 'm' ModR/M + imm8, 'Z' ModR/M + imm16/32, 'a' memory offset, 'p' far pointer, 'e' ENTER's iw+ib,
     * 'G'/'H' group 3 (TEST carries an immediate), 'P' prefix, 'x' invalid.
     */
    private static final String ONE_BYTE = ""
            + "MMMMbz..MMMMbz.." // 00
            + "MMMMbz..MMMMbz.." // 10
            + "MMMMbzP.MMMMbzP." // 20
            + "MMMMbzP.MMMMbzP." // 30
            + "................" // 40
            + "................" // 50
            + "..MMPPPPzZbm...." // 60
            + "bbbbbbbbbbbbbbbb" // 70
            + "mZmmMMMMMMMMMMMM" // 80
            + "..........p....." // 90
            + "aaaa....bz......" // A0
            + "bbbbbbbbzzzzzzzz" // B0
            + "mmw.MMmZe.w..b.." // C0
            + "MMMMbb..MMMMMMMM" // D0
            + "bbbbbbbbzzpb...." // E0
            + "P.PP..GH......MM"; // F0

    private static final String TWO_BYTE = ""
            + "MMMMxx.x..x.xxxx" // 0F 00
            + "MMxxxxxxMMMMMMMM" // 0F 10
            + "MMMMxxxxMMxxxxxx" // 0F 20
            + "....xxxxxxxxxxxx" // 0F 30
            + "MMMMMMMMMMMMMMMM" // 0F 40
            + "xxxxxxxxxxxxxxxx" // 0F 50
            + "xxxxxxxxxxxxxxxM" // 0F 60
            + "xxxxxxxxxxxxxxxM" // 0F 70
            + "zzzzzzzzzzzzzzzz" // 0F 80
            + "MMMMMMMMMMMMMMMM" // 0F 90
            + "...MmMxx..xMmMMM" // 0F A0
            + "MMMMMMMMxxmMMMMM" // 0F B0
            + "MMxxxxxM........" // 0F C0
            + "xxxxxxxxxxxxxxxx" // 0F D0
            + "xxxxxxxxxxxxxxxx" // 0F E0
            + "xxxxxxxxxxxxxxxx"; // 0F F0

    private static final byte[] SHAPES = new byte[512];

    static {
        String table = ONE_BYTE + TWO_BYTE;
        for (int i = 0; i < 512; i++) {
            SHAPES[i] = switch (table.charAt(i)) {
                case '.' -> NONE;
                case 'M' -> MODRM;
                case 'b' -> IMM8;
                case 'z' -> IMMZ;
                case 'w' -> IMM16;
                case 'm' -> MODRM_IMM8;
                case 'Z' -> MODRM_IMMZ;
                case 'a' -> MOFFS;
                case 'p' -> FAR_POINTER;
                case 'e' -> ENTER;
                case 'G' -> GROUP3_BYTE;
                case 'H' -> GROUP3;
                case 'P' -> PREFIX;
                default -> INVALID;
            };
        }
    }

    private final CpuCore cpu;
    private Insn insn;
    private int position;

    Decoder(CpuCore cpu) {
        this.cpu = cpu;
    }

    /** Whether an opcode has a valid shape at all (ModR/M-dependent checks aside). */
    static boolean exists(int opcode) {
        return SHAPES[opcode] != INVALID;
    }

    /**
     * Decodes the instruction at {@code eip}.
     *
     * @throws GuestFault #UD for an invalid encoding, #GP for more than 15 bytes, #PF from fetching
     */
    void decode(Insn target, int eip, int defaultSize) {
        insn = target;
        position = eip;
        target.clear(eip, defaultSize);
        int opcode;
        while (true) {
            int b = next();
            if (SHAPES[b] != PREFIX) {
                opcode = b;
                break;
            }
            prefix(b);
        }
        if (opcode == 0x0f) {
            opcode = Insn.TWO_BYTE + next();
        }
        target.opcode = opcode;
        switch (SHAPES[opcode]) {
            case NONE -> {
            }
            case MODRM -> modrm();
            case IMM8 -> target.immediate = (byte) next();
            case IMMZ -> target.immediate = immediateZ();
            case IMM16 -> target.immediate = next16();
            case MODRM_IMM8 -> {
                modrm();
                target.immediate = (byte) next();
            }
            case MODRM_IMMZ -> {
                modrm();
                target.immediate = immediateZ();
            }
            case MOFFS -> target.immediate = target.addressSize == 4 ? next32() : next16();
            case FAR_POINTER -> {
                target.immediate = immediateZ();
                target.immediate2 = next16();
            }
            case ENTER -> {
                target.immediate = next16();
                target.immediate2 = next();
            }
            case GROUP3_BYTE -> {
                modrm();
                if (target.reg < 2) {
                    target.immediate = (byte) next();
                }
            }
            case GROUP3 -> {
                modrm();
                if (target.reg < 2) {
                    target.immediate = immediateZ();
                }
            }
            default -> throw cpu.fault(CpuCore.UD_FAULT, GuestFault.NO_ERROR_CODE);
        }
        target.length = position - eip;
        if (target.lock && !lockable(target)) {
            throw cpu.fault(CpuCore.UD_FAULT, GuestFault.NO_ERROR_CODE);
        }
        if (cpu.fastPathEnabled) {
            FastPath.select(target);
        } else {
            target.fast = null;
        }
        target.quiet = target.fast == null && Executor.isQuiet(target);
    }

    private void prefix(int b) {
        switch (b) {
            case 0x26 -> segment(0);
            case 0x2e -> segment(1);
            case 0x36 -> segment(2);
            case 0x3e -> segment(3);
            case 0x64 -> segment(4);
            case 0x65 -> segment(5);
            case 0x66 -> {
                insn.operandSize = 6 - cpu.codeSize();
                insn.prefixes |= FaultingInstruction.PREFIX_OPERAND_SIZE;
                insn.mandatoryPrefix = 0x66;
            }
            case 0x67 -> {
                insn.addressSize = 6 - cpu.codeSize();
                insn.prefixes |= FaultingInstruction.PREFIX_ADDRESS_SIZE;
            }
            case 0xf0 -> {
                insn.lock = true;
                insn.prefixes |= FaultingInstruction.PREFIX_LOCK;
            }
            case 0xf2 -> {
                insn.rep = Insn.REPNE;
                insn.prefixes = (insn.prefixes & ~FaultingInstruction.PREFIX_REP) | FaultingInstruction.PREFIX_REPNE;
                insn.mandatoryPrefix = 0xf2;
            }
            default -> {
                insn.rep = Insn.REP;
                insn.prefixes = (insn.prefixes & ~FaultingInstruction.PREFIX_REPNE) | FaultingInstruction.PREFIX_REP;
                insn.mandatoryPrefix = 0xf3;
            }
        }
    }

    private void segment(int index) {
        insn.segmentOverride = index;
        insn.prefixes |= FaultingInstruction.PREFIX_SEGMENT;
    }

    private int next() {
        if (position - insn.start >= MAX_LENGTH) {
            throw cpu.fault(CpuCore.GP_FAULT, 0);
        }
        return cpu.fetchCode(position++);
    }

    private int next16() {
        int low = next();
        return low | (next() << 8);
    }

    private int next32() {
        int low = next16();
        return low | (next16() << 16);
    }

    private int immediateZ() {
        return insn.operandSize == 4 ? next32() : (short) next16();
    }

    private void modrm() {
        Insn i = insn;
        int b = next();
        i.hasModrm = true;
        i.mod = b >>> 6;
        i.reg = (b >>> 3) & 7;
        i.rm = b & 7;
        if (i.opcode >= Insn.TWO_BYTE + 0x20 && i.opcode <= Insn.TWO_BYTE + 0x23) {
            // MOV to and from CR/DR ignore the mod field: the operand is always a register.
            i.mod = 3;
        }
        if (i.mod == 3) {
            return;
        }
        if (i.addressSize == 4) {
            modrm32(i);
        } else {
            modrm16(i);
        }
        i.segment = i.segmentOverride != Insn.NO_SEGMENT ? i.segmentOverride : i.segment;
    }

    private void modrm32(Insn i) {
        int base = i.rm;
        i.segment = CpuCore.DS;
        if (base == 4) {
            int sib = next();
            i.scale = sib >>> 6;
            int index = (sib >>> 3) & 7;
            i.index = index == 4 ? Insn.NO_REGISTER : index;
            base = sib & 7;
            if (base == 5 && i.mod == 0) {
                i.base = Insn.NO_REGISTER;
                i.displacement = next32();
                return;
            }
        } else if (base == 5 && i.mod == 0) {
            i.displacement = next32();
            return;
        }
        i.base = base;
        if (base == 4 || base == 5) {
            i.segment = CpuCore.SS;
        }
        if (i.mod == 1) {
            i.displacement = (byte) next();
        } else if (i.mod == 2) {
            i.displacement = next32();
        }
    }

    private void modrm16(Insn i) {
        i.segment = CpuCore.DS;
        switch (i.rm) {
            case 0 -> base16(i, CpuCore.EBX, CpuCore.ESI);
            case 1 -> base16(i, CpuCore.EBX, CpuCore.EDI);
            case 2 -> {
                base16(i, CpuCore.EBP, CpuCore.ESI);
                i.segment = CpuCore.SS;
            }
            case 3 -> {
                base16(i, CpuCore.EBP, CpuCore.EDI);
                i.segment = CpuCore.SS;
            }
            case 4 -> base16(i, CpuCore.ESI, Insn.NO_REGISTER);
            case 5 -> base16(i, CpuCore.EDI, Insn.NO_REGISTER);
            case 6 -> {
                if (i.mod == 0) {
                    i.displacement = next16();
                    return;
                }
                base16(i, CpuCore.EBP, Insn.NO_REGISTER);
                i.segment = CpuCore.SS;
            }
            default -> base16(i, CpuCore.EBX, Insn.NO_REGISTER);
        }
        if (i.mod == 1) {
            i.displacement = (byte) next();
        } else if (i.mod == 2) {
            i.displacement = (short) next16();
        }
    }

    private static void base16(Insn i, int base, int index) {
        i.base = base;
        i.index = index;
    }

    /** LOCK is allowed only on read-modify-write instructions with a memory destination. */
    private static boolean lockable(Insn i) {
        if (!i.isMemory()) {
            return false;
        }
        int op = i.opcode;
        if (op < 0x40) {
            return (op & 7) < 2 && (op & 0x38) != 0x38;
        }
        return switch (op) {
            case 0x80, 0x81, 0x82, 0x83 -> i.reg != 7;
            case 0x86, 0x87 -> true;
            case 0xf6, 0xf7 -> i.reg == 2 || i.reg == 3;
            case 0xfe, 0xff -> i.reg < 2;
            case Insn.TWO_BYTE + 0xab, Insn.TWO_BYTE + 0xb3, Insn.TWO_BYTE + 0xbb, Insn.TWO_BYTE + 0xb0,
                    Insn.TWO_BYTE + 0xb1, Insn.TWO_BYTE + 0xc0, Insn.TWO_BYTE + 0xc1 -> true;
            case Insn.TWO_BYTE + 0xba -> i.reg >= 5;
            case Insn.TWO_BYTE + 0xc7 -> i.reg == 1;
            default -> false;
        };
    }
}
