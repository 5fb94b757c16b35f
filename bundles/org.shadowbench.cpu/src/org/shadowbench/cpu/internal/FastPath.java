package org.shadowbench.cpu.internal;

/**
 * Specialised execution of the instructions compiled 32-bit code spends most of its time in.
 *
 * <p>When an instruction is decoded, {@link #select} gives it an {@link Op} if it is one of about
 * seventy common shapes (32-bit operand and address size, no LOCK or REP): MOV in its register,
 * memory, immediate and memory-offset forms, the ALU operations without carry on registers, memory
 * and immediates, byte compares and tests, LEA, MOVZX/MOVSX, IMUL, shifts by an immediate or one,
 * INC/DEC, PUSH/POP, CALL, RET, Jcc, JMP and NOP. The operation names the instruction and its operand
 * form at once, so executing it is straight-line code instead of the general executor's chain of
 * opcode, operand-form, size and operation switches. Register numbers are resolved at decode time
 * and a missing base or index of a memory operand reads the CPU's always-zero register slot. Memory
 * operands go through a per-instruction translation cache (below). Semantics are those of the
 * general executor, segment checks, faults and flags included; {@code FastPathEquivalenceTest}
 * compares the two on random programs.
 */
final class FastPath {
    /** The register slot that always reads zero: a memory operand without base or index uses it. */
    static final int ZERO_REGISTER = 8;

    private static final Op[] ALU_RR = { Op.ADD_RR, Op.OR_RR, null, null, Op.AND_RR, Op.SUB_RR, Op.XOR_RR, Op.CMP_RR };
    private static final Op[] ALU_RM = { Op.ADD_RM, Op.OR_RM, null, null, Op.AND_RM, Op.SUB_RM, Op.XOR_RM, Op.CMP_RM };
    private static final Op[] ALU_RI = { Op.ADD_RI, Op.OR_RI, null, null, Op.AND_RI, Op.SUB_RI, Op.XOR_RI, Op.CMP_RI };
    private static final Op[] ALU_MR = { Op.ADD_MR, Op.OR_MR, null, null, Op.AND_MR, Op.SUB_MR, Op.XOR_MR, null };
    private static final Op[] ALU_MI = { Op.ADD_MI, Op.OR_MI, null, null, Op.AND_MI, Op.SUB_MI, Op.XOR_MI, null };
    /** C1 by ModR/M.reg: SHL (and its alias SAL), SHR and SAR; the rotates stay general. */
    private static final Op[] SHIFTS = { null, null, null, null, Op.SHL_RI, Op.SHR_RI, Op.SHL_RI, Op.SAR_RI };

    final CpuCore cpu;
    final int[] gpr;
    final Flags flags;
    final Mmu mmu;
    final Arithmetic arithmetic;
    final ShiftsAndBits shifts;
    final DataMoves moves;
    final StringOps strings;
    final SystemOps system;
    /** Where {@link #readForUpdate} found its operand in the instruction's cached frame, or -1. */
    private int updateAt = -1;

    /** Shares the general executor's helpers: the operations both run are one implementation. */
    FastPath(CpuCore cpu, Executor executor) {
        this.cpu = cpu;
        this.gpr = cpu.gpr;
        this.flags = cpu.flags;
        this.mmu = cpu.mmu;
        this.arithmetic = executor.arithmetic;
        this.shifts = executor.shifts;
        this.moves = executor.moves;
        this.strings = executor.strings;
        this.system = executor.system;
    }

    /**
     * Chooses the fast path for a freshly decoded instruction and resolves its operands into
     * {@link Insn#fastA}, {@link Insn#fastB}, {@link Insn#eaBase} and {@link Insn#eaIndex}.
     */
    static void select(Insn i) {
        i.fast = null;
        i.memoryPage = -1;
        // LOCK needs no check here: the decoder has already refused it on anything but a memory
        // read-modify-write, and with one processor the lock itself changes nothing. REP only makes PAUSE.
        if (i.operandSize != 4 || i.addressSize != 4 || i.rep != 0 && i.opcode != 0x90) {
            return;
        }
        i.eaBase = i.base == Insn.NO_REGISTER ? ZERO_REGISTER : i.base;
        i.eaIndex = i.index == Insn.NO_REGISTER ? ZERO_REGISTER : i.index;
        boolean memory = i.isMemory();
        int op = i.opcode;
        if (op < 0x40) {
            selectAluForm(i, op, memory);
            return;
        }
        Op fast = switch (op) {
            case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47 -> Op.INC_R;
            case 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f -> Op.DEC_R;
            case 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57 -> Op.PUSH_R;
            case 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f -> Op.POP_R;
            case 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f -> Op.JCC;
            case Insn.TWO_BYTE + 0x80, Insn.TWO_BYTE + 0x81, Insn.TWO_BYTE + 0x82, Insn.TWO_BYTE + 0x83,
                    Insn.TWO_BYTE + 0x84, Insn.TWO_BYTE + 0x85, Insn.TWO_BYTE + 0x86, Insn.TWO_BYTE + 0x87,
                    Insn.TWO_BYTE + 0x88, Insn.TWO_BYTE + 0x89, Insn.TWO_BYTE + 0x8a, Insn.TWO_BYTE + 0x8b,
                    Insn.TWO_BYTE + 0x8c, Insn.TWO_BYTE + 0x8d, Insn.TWO_BYTE + 0x8e, Insn.TWO_BYTE + 0x8f -> Op.JCC;
            case 0xe9, 0xeb -> Op.JMP;
            case 0xe8 -> Op.CALL;
            case 0xc3 -> Op.RET;
            case 0x68, 0x6a -> Op.PUSH_I;
            case 0xc1 -> !memory && (i.immediate & 0x1f) != 0 ? SHIFTS[i.reg] : null;
            case 0xd1 -> memory ? null : SHIFTS[i.reg];
            case 0xa1 -> Op.MOV_RM;
            case 0xa3 -> Op.MOV_MR;
            case 0x69, 0x6b -> memory ? Op.IMUL_RMI : Op.IMUL_RRI;
            case Insn.TWO_BYTE + 0xaf -> memory ? Op.IMUL_RM : Op.IMUL_RR;
            case Insn.TWO_BYTE + 0xbe -> memory ? Op.MOVSX_RM8 : Op.MOVSX_RR8;
            case Insn.TWO_BYTE + 0xbf -> memory ? Op.MOVSX_RM16 : Op.MOVSX_RR16;
            case 0xa8 -> Op.TEST8_RI;
            case 0x84 -> memory ? Op.TEST8_MR : Op.TEST8_RR;
            case 0xf6 -> i.reg != 0 ? null : memory ? Op.TEST8_MI : Op.TEST8_RI;
            case 0xff -> memory && i.reg < 2 ? (i.reg == 0 ? Op.INC_M : Op.DEC_M) : null;
            case 0x90 -> Op.NOP;
            case 0x9c -> Op.PUSHF;
            case 0xc9 -> Op.LEAVE;
            case 0xa4 -> Op.MOVS8;
            case 0xa5 -> Op.MOVS;
            case 0xfa -> Op.CLI;
            case 0x87 -> memory ? Op.XCHG_MR : null;
            case 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf -> Op.MOV_RI;
            case 0x80 -> i.reg != Arithmetic.CMP ? null : memory ? Op.CMP_M8I : Op.CMP8_RI;
            case 0x81, 0x83 -> memory ? (i.reg == Arithmetic.CMP ? Op.CMP_MI : ALU_MI[i.reg]) : ALU_RI[i.reg];
            case 0x85 -> memory ? Op.TEST_MR : Op.TEST_RR;
            case 0x88 -> memory ? Op.MOV_M8R : null;
            case 0x8a -> memory ? Op.MOV_R8M : null;
            case 0x89 -> memory ? Op.MOV_MR : Op.MOV_RR;
            case 0x8b -> memory ? Op.MOV_RM : Op.MOV_RR;
            case 0x8d -> memory ? Op.LEA : null;
            case 0xc6 -> memory && i.reg == 0 ? Op.MOV_M8I : null;
            case 0xc7 -> i.reg != 0 ? null : memory ? Op.MOV_MI : Op.MOV_RI;
            case Insn.TWO_BYTE + 0xb6 -> memory ? Op.MOVZX_RM8 : Op.MOVZX_RR8;
            case Insn.TWO_BYTE + 0xb7 -> memory ? Op.MOVZX_RM16 : Op.MOVZX_RR16;
            default -> null;
        };
        if (fast == null) {
            return;
        }
        switch (fast) {
            case INC_R, DEC_R, PUSH_R, POP_R, MOV_RI -> i.fastA = op & 7;
            case JCC -> i.fastA = op & 0xf;
            case CMP_RI, ADD_RI, OR_RI, AND_RI, SUB_RI, XOR_RI, TEST8_RI, CMP8_RI -> i.fastA = op == 0xa8 ? CpuCore.EAX : i.rm;
            case SHL_RI, SHR_RI, SAR_RI -> {
                i.fastA = i.rm;
                i.fastB = op == 0xd1 ? 1 : i.immediate & 0x1f;
            }
            // Register sources in ModR/M.rm; 3A compares in the other direction.
            case IMUL_RR, IMUL_RRI, MOVSX_RR8, MOVSX_RR16, MOVZX_RR16 -> {
                i.fastA = i.reg;
                i.fastB = i.rm;
            }
            // MOV r/m32, r32 (89) and TEST write (or compare) the ModR/M operand.
            case MOV_RR -> {
                i.fastA = op == 0x89 ? i.rm : i.reg;
                i.fastB = op == 0x89 ? i.reg : i.rm;
            }
            case TEST_RR, TEST8_RR -> {
                i.fastA = i.rm;
                i.fastB = i.reg;
            }
            case MOVZX_RR8 -> {
                i.fastA = i.reg;
                i.fastB = i.rm;
            }
            default -> i.fastA = i.reg;
        }
        if (op == 0xa1 || op == 0xa3) {
            // MOV between EAX and a memory offset: the offset is the operand's displacement.
            i.fastA = CpuCore.EAX;
            i.segment = i.segmentOverride != Insn.NO_SEGMENT ? i.segmentOverride : CpuCore.DS;
            i.displacement = i.immediate;
        }
        if (op == 0xc7 && fast == Op.MOV_RI) {
            i.fastA = i.rm;
        }
        i.fast = fast;
    }

    /** 00-3F: the six forms of the ALU operations (ADC, SBB and the byte forms other than CMP stay general). */
    private static void selectAluForm(Insn i, int op, boolean memory) {
        int operation = (op >>> 3) & 7;
        switch (op & 7) {
            case 0 -> {
                if (operation == Arithmetic.CMP) {
                    i.fast = memory ? Op.CMP8_MR : Op.CMP8_RR;
                    i.fastA = memory ? i.reg : i.rm;
                    i.fastB = i.reg;
                }
            }
            case 2 -> {
                if (operation == Arithmetic.CMP) {
                    i.fast = memory ? Op.CMP8_RM : Op.CMP8_RR;
                    i.fastA = i.reg;
                    i.fastB = i.rm;
                }
            }
            case 4 -> {
                if (operation == Arithmetic.CMP) {
                    i.fast = Op.CMP8_RI;
                    i.fastA = CpuCore.EAX;
                }
            }
            case 1 -> {
                // r/m32, r32: a register or memory destination, or a comparison with memory.
                if (!memory) {
                    i.fast = ALU_RR[operation];
                    i.fastA = i.rm;
                    i.fastB = i.reg;
                } else {
                    i.fast = operation == Arithmetic.CMP ? Op.CMP_MR : ALU_MR[operation];
                    i.fastA = i.reg;
                }
            }
            case 3 -> {
                i.fast = memory ? ALU_RM[operation] : ALU_RR[operation];
                i.fastA = i.reg;
                i.fastB = i.rm;
            }
            case 5 -> {
                i.fast = ALU_RI[operation];
                i.fastA = CpuCore.EAX;
            }
            default -> {
            }
        }
    }

    /**
     * The fast paths, one method each: dispatching is one virtual call, and each method is compiled on
     * its own with its memory and flag helpers inlined (a single switch over all of them would be too
     * large for the JIT to inline into, leaving calls on every path).
     */
    enum Op {
        ADD_RR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.add(r[a], r[b]);
            }
        },
        OR_RR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.logic(r[a] | r[b]);
            }
        },
        AND_RR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.logic(r[a] & r[b]);
            }
        },
        SUB_RR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.sub(r[a], r[b]);
            }
        },
        XOR_RR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.logic(r[a] ^ r[b]);
            }
        },
        CMP_RR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                p.sub(r[a], r[b]);
            }
        },
        TEST_RR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                p.logic(r[a] & r[b]);
            }
        },
        ADD_RM {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.add(r[a], p.read32(i, ea));
            }
        },
        OR_RM {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.logic(r[a] | p.read32(i, ea));
            }
        },
        AND_RM {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.logic(r[a] & p.read32(i, ea));
            }
        },
        SUB_RM {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.sub(r[a], p.read32(i, ea));
            }
        },
        XOR_RM {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.logic(r[a] ^ p.read32(i, ea));
            }
        },
        CMP_RM {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                p.sub(r[a], p.read32(i, ea));
            }
        },
        ADD_RI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.add(r[a], imm);
            }
        },
        OR_RI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.logic(r[a] | imm);
            }
        },
        AND_RI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.logic(r[a] & imm);
            }
        },
        SUB_RI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.sub(r[a], imm);
            }
        },
        XOR_RI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.logic(r[a] ^ imm);
            }
        },
        CMP_RI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                p.sub(r[a], imm);
            }
        },
        CMP_MR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                p.sub(p.read32(i, ea), r[a]);
            }
        },
        CMP_MI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.sub(p.read32(i, ea), imm);
            }
        },
        CMP_M8I {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int value = p.load8(i, ea);
                p.flags.set(Flags.SUB, 1, value, imm, value - imm);
            }
        },
        TEST_MR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                p.logic(p.read32(i, ea) & r[a]);
            }
        },
        MOV_RR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = r[b];
            }
        },
        MOV_RM {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.read32(i, ea);
            }
        },
        MOV_MR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                p.store32(i, ea, r[a]);
            }
        },
        MOV_M8R {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.store8(i, ea, p.cpu.reg8(a));
            }
        },
        MOV_R8M {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.cpu.setReg8(a, p.load8(i, ea));
            }
        },
        MOV_MI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.store32(i, ea, imm);
            }
        },
        MOV_M8I {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.store8(i, ea, imm);
            }
        },
        MOV_RI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = imm;
            }
        },
        LEA {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = ea;
            }
        },
        MOVZX_RM8 {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.load8(i, ea);
            }
        },
        MOVZX_RR8 {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.cpu.reg8(b);
            }
        },
        MOVZX_RM16 {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.load16(i, ea);
            }
        },
        INC_R {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                int value = r[a];
                p.flags.setIncDec(Flags.INC, 4, value, value + 1);
                r[a] = value + 1;
            }
        },
        DEC_R {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                int value = r[a];
                p.flags.setIncDec(Flags.DEC, 4, value, value - 1);
                r[a] = value - 1;
            }
        },
        PUSH_R {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                p.cpu.current = i;
                p.cpu.push(4, r[a]);
            }
        },
        POP_R {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                int value = p.cpu.pop(4);
                r[a] = value;
            }
        },
        JCC(true) {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                // In a block the condition is a constant, which holds folds to one comparison.
                if (p.flags.holds(a)) {
                    p.cpu.jumpNear(p.cpu.eip + imm);
                }
            }
        },
        JMP(true) {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.cpu.jumpNear(p.cpu.eip + imm);
            }
        },
        ADD_MR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int value = p.readForUpdate(i, ea);
                p.writeUpdate(i, ea, p.add(value, p.gpr[a]));
            }
        },
        OR_MR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int value = p.readForUpdate(i, ea);
                p.writeUpdate(i, ea, p.logic(value | p.gpr[a]));
            }
        },
        AND_MR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int value = p.readForUpdate(i, ea);
                p.writeUpdate(i, ea, p.logic(value & p.gpr[a]));
            }
        },
        SUB_MR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int value = p.readForUpdate(i, ea);
                p.writeUpdate(i, ea, p.sub(value, p.gpr[a]));
            }
        },
        XOR_MR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int value = p.readForUpdate(i, ea);
                p.writeUpdate(i, ea, p.logic(value ^ p.gpr[a]));
            }
        },
        ADD_MI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int value = p.readForUpdate(i, ea);
                p.writeUpdate(i, ea, p.add(value, imm));
            }
        },
        OR_MI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int value = p.readForUpdate(i, ea);
                p.writeUpdate(i, ea, p.logic(value | imm));
            }
        },
        AND_MI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int value = p.readForUpdate(i, ea);
                p.writeUpdate(i, ea, p.logic(value & imm));
            }
        },
        SUB_MI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int value = p.readForUpdate(i, ea);
                p.writeUpdate(i, ea, p.sub(value, imm));
            }
        },
        XOR_MI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int value = p.readForUpdate(i, ea);
                p.writeUpdate(i, ea, p.logic(value ^ imm));
            }
        },
        INC_M {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int value = p.readForUpdate(i, ea);
                p.flags.setIncDec(Flags.INC, 4, value, value + 1);
                p.writeUpdate(i, ea, value + 1);
            }
        },
        DEC_M {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int value = p.readForUpdate(i, ea);
                p.flags.setIncDec(Flags.DEC, 4, value, value - 1);
                p.writeUpdate(i, ea, value - 1);
            }
        },
        SHL_RI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.shifts.shl32(r[a], b);
            }
        },
        SHR_RI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.shifts.shr32(r[a], b);
            }
        },
        SAR_RI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.shifts.sar32(r[a], b);
            }
        },
        IMUL_RR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.arithmetic.multiplyTruncated(4, r[a], r[b]);
            }
        },
        IMUL_RM {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.arithmetic.multiplyTruncated(4, r[a], p.read32(i, ea));
            }
        },
        IMUL_RRI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = p.arithmetic.multiplyTruncated(4, r[b], imm);
            }
        },
        IMUL_RMI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.gpr[a] = p.arithmetic.multiplyTruncated(4, p.read32(i, ea), imm);
            }
        },
        MOVSX_RR8 {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.gpr[a] = (byte) p.cpu.reg8(b);
            }
        },
        MOVSX_RM8 {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.gpr[a] = (byte) p.load8(i, ea);
            }
        },
        MOVSX_RR16 {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = (short) r[b];
            }
        },
        MOVSX_RM16 {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.gpr[a] = (short) p.load16(i, ea);
            }
        },
        MOVZX_RR16 {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                int[] r = p.gpr;
                r[a] = r[b] & 0xffff;
            }
        },
        CMP8_RR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                CpuCore cpu = p.cpu;
                p.sub8(cpu.reg8(a), cpu.reg8(b));
            }
        },
        CMP8_MR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.sub8(p.load8(i, ea), p.cpu.reg8(a));
            }
        },
        CMP8_RM {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.sub8(p.cpu.reg8(a), p.load8(i, ea));
            }
        },
        CMP8_RI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.sub8(p.cpu.reg8(a), imm);
            }
        },
        TEST8_RR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                CpuCore cpu = p.cpu;
                p.test8(cpu.reg8(a), cpu.reg8(b));
            }
        },
        TEST8_MR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.test8(p.load8(i, ea), p.cpu.reg8(a));
            }
        },
        TEST8_RI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.test8(p.cpu.reg8(a), imm);
            }
        },
        TEST8_MI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.test8(p.load8(i, ea), imm);
            }
        },
        PUSH_I {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.cpu.current = i;
                p.cpu.push(4, imm);
            }
        },
        CALL(true) {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                // The target is checked before the push, so a fault leaves ESP as it was.
                CpuCore cpu = p.cpu;
                int returnAddress = cpu.eip;
                cpu.jumpNear(returnAddress + imm);
                cpu.current = i;
                cpu.push(4, returnAddress);
            }
        },
        RET(true) {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                CpuCore cpu = p.cpu;
                cpu.jumpNear(cpu.peek(0, 4));
                p.gpr[CpuCore.ESP] = cpu.movedStackPointer(4);
            }
        },
        NOP {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                // Nothing to do.
            }
        },
        // Kernel code's most frequent instructions outside the shapes above (xv6's usertests: PUSHF in
        // every spinlock, MOVSB, LEAVE, CLI, XCHG; its locked ADD takes ADD_MI). They run the general
        // executor's own operations; being on the fast path keeps a burst going.
        PUSHF {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.cpu.current = i;
                p.moves.pushFlags(4);
            }
        },
        LEAVE {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.moves.leave(4);
            }
        },
        MOVS8 {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.cpu.current = i;
                p.strings.execute(i, StringOps.MOVS, 1);
            }
        },
        MOVS {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.cpu.current = i;
                p.strings.execute(i, StringOps.MOVS, 4);
            }
        },
        /** Clearing IF makes no run-loop check due, so the burst goes on (STI, which may, stays general). */
        CLI {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.system.cli();
            }
        },
        XCHG_MR {
            @Override
            void run(FastPath p, Insn i, int a, int b, int imm, int ea) {
                p.cpu.current = i;
                p.moves.exchange(i);
            }
        };

        /** Whether the instruction may change EIP other than by falling through. */
        final boolean branches;

        Op() {
            this(false);
        }

        Op(boolean branches) {
            this.branches = branches;
        }

        /**
         * Runs the instruction {@code i}. Its decoded operands come as arguments, so that a
         * {@link CompiledBlock} can pass them as constants the JIT folds into the operation: {@code a} and
         * {@code b} are {@link Insn#fastA} and {@link Insn#fastB} (register numbers, or a Jcc's condition),
         * {@code imm} is {@link Insn#immediate}, and {@code ea} the memory operand's offset ({@link #offset},
         * meaningless for an instruction without one).
         */
        abstract void run(FastPath p, Insn i, int a, int b, int imm, int ea);
    }

    int add(int dst, int src) {
        int result = dst + src;
        flags.set(Flags.ADD, 4, dst, src, result);
        return result;
    }

    int sub(int dst, int src) {
        int result = dst - src;
        flags.set(Flags.SUB, 4, dst, src, result);
        return result;
    }

    void sub8(int dst, int src) {
        flags.set(Flags.SUB, 1, dst, src, dst - src);
    }

    void test8(int a, int b) {
        flags.set(Flags.LOGIC, 1, a, b, a & b);
    }

    int logic(int result) {
        flags.set(Flags.LOGIC, 4, result, 0, result);
        return result;
    }

    /**
     * The memory operand's offset: base, scaled index and displacement, the absent ones reading zero.
     * Computed before the operation runs (by the run loop, or with the instruction's registers and
     * displacement as constants by a {@link CompiledBlock}), which is right for every fast-path
     * instruction: none changes a register before it addresses memory.
     */
    int offset(Insn i) {
        return i.displacement + gpr[i.eaBase] + (gpr[i.eaIndex] << i.scale);
    }

    /** Runs a fast-path instruction with the operands it was decoded with (see {@link Op#run}). */
    void run(Insn i) {
        i.fast.run(this, i, i.fastA, i.fastB, i.immediate, offset(i));
    }

    /**
     * Reads the memory operand of a read-modify-write instruction at {@code offset}, for
     * {@link #writeUpdate} to write back: from the instruction's translation cache when it holds the
     * page with write access, else through the CPU's own pair ({@link CpuCore#readRmForUpdate},
     * {@link CpuCore#writeRmUpdate}), which checks the write first; the pool learns the instruction from
     * {@link CpuCore#current}.
     */
    int readForUpdate(Insn i, int offset) {
        int at = cached(i, offset, 4);
        updateAt = at;
        if (at >= 0) {
            return (int) Mmu.INT.get(i.memoryBacking, at);
        }
        cpu.current = i;
        return cpu.readRmForUpdate(i, 4);
    }

    /** Completes {@link #readForUpdate}. */
    void writeUpdate(Insn i, int offset, int value) {
        int at = updateAt;
        if (at >= 0) {
            Mmu.INT.set(i.memoryBacking, at, value);
            return;
        }
        cpu.writeRmUpdate(i, 4, value);
        remember(i, offset, cpu.updateAddress(), true);
    }

    int read32(Insn i, int offset) {
        int at = cached(i, offset, 4);
        if (at >= 0) {
            return (int) Mmu.INT.get(i.memoryBacking, at);
        }
        int linear = cpu.linear(i.segment, offset, 4, false);
        int value = mmu.read32(linear);
        remember(i, offset, linear, false);
        return value;
    }

    int load16(Insn i, int offset) {
        int at = cached(i, offset, 2);
        if (at >= 0) {
            return (short) Mmu.SHORT.get(i.memoryBacking, at) & 0xffff;
        }
        int linear = cpu.linear(i.segment, offset, 2, false);
        int value = mmu.read16(linear);
        remember(i, offset, linear, false);
        return value;
    }

    int load8(Insn i, int offset) {
        int at = cached(i, offset, 1);
        if (at >= 0) {
            return i.memoryBacking[at] & 0xff;
        }
        int linear = cpu.linear(i.segment, offset, 1, false);
        int value = mmu.read8(linear);
        remember(i, offset, linear, false);
        return value;
    }

    void store32(Insn i, int offset, int value) {
        int at = cached(i, offset, 4);
        if (at >= 0) {
            Mmu.INT.set(i.memoryBacking, at, value);
            return;
        }
        int linear = cpu.linear(i.segment, offset, 4, true);
        cpu.current = i;
        mmu.write32(linear, value);
        remember(i, offset, linear, true);
    }

    void store8(Insn i, int offset, int value) {
        int at = cached(i, offset, 1);
        if (at >= 0) {
            i.memoryBacking[at] = (byte) value;
            return;
        }
        int linear = cpu.linear(i.segment, offset, 1, true);
        cpu.current = i;
        mmu.write8(linear, value);
        remember(i, offset, linear, true);
    }

    /**
     * Where {@code size} bytes at {@code offset} lie in the instruction's cached frame, or -1 when the
     * cache does not hold the page (or the bytes would run into the next page).
     */
    private int cached(Insn i, int offset, int size) {
        int inPage = offset & 0xfff;
        if (offset >>> 12 == i.memoryPage && i.memoryEpoch == cpu.translationEpoch && inPage <= 0x1000 - size) {
            return i.memoryBase + inPage;
        }
        return -1;
    }

    private void remember(Insn i, int offset, int linear, boolean write) {
        if (cpu.cacheableByPage(i.segment, write ? CpuCore.UNCHECKED_WRITE : CpuCore.UNCHECKED_READ)) {
            mmu.rememberPage(i, offset >>> 12, linear, write ? mmu.writeMask : mmu.readMask);
        }
    }
}
