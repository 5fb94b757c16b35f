package org.shadowbench.cpu.internal;

/**
 * Specialised execution of the instructions compiled 32-bit code spends most of its time in.
 *
 * <p>When an instruction is decoded, {@link #select} gives it a fast-path number if it is one of a
 * few dozen common shapes (32-bit operand and address size, no LOCK or REP): register and memory
 * forms of MOV, the ALU operations without carry, TEST, LEA, INC/DEC, MOVZX, PUSH/POP of a
 * register, Jcc and JMP. The number names the operation and its operand form at once, so executing
 * it is one switch and straight-line code, instead of the general executor's chain of opcode,
 * operand-form, size and operation switches. Register numbers are resolved at decode time and a
 * missing base or index of a memory operand reads the CPU's always-zero register slot. Semantics
 * are those of the general executor, segment checks and faults included: the fast path only takes
 * shortcuts the operand sizes make safe.
 */
final class FastPath {
    /** The register slot that always reads zero: a memory operand without base or index uses it. */
    static final int ZERO_REGISTER = 8;

    private static final Op[] ALU_RR = { Op.ADD_RR, Op.OR_RR, null, null, Op.AND_RR, Op.SUB_RR, Op.XOR_RR, Op.CMP_RR };
    private static final Op[] ALU_RM = { Op.ADD_RM, Op.OR_RM, null, null, Op.AND_RM, Op.SUB_RM, Op.XOR_RM, Op.CMP_RM };
    private static final Op[] ALU_RI = { Op.ADD_RI, Op.OR_RI, null, null, Op.AND_RI, Op.SUB_RI, Op.XOR_RI, Op.CMP_RI };

    final CpuCore cpu;
    final int[] gpr;
    final Flags flags;
    final Mmu mmu;

    FastPath(CpuCore cpu) {
        this.cpu = cpu;
        this.gpr = cpu.gpr;
        this.flags = cpu.flags;
        this.mmu = cpu.mmu;
    }

    /**
     * Chooses the fast path for a freshly decoded instruction and resolves its operands into
     * {@link Insn#fastA}, {@link Insn#fastB}, {@link Insn#eaBase} and {@link Insn#eaIndex}.
     */
    static void select(Insn i) {
        i.fast = null;
        if (i.operandSize != 4 || i.addressSize != 4 || i.lock || i.rep != 0) {
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
            case 0x90 -> Op.NOP;
            case 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf -> Op.MOV_RI;
            case 0x80 -> memory && i.reg == Arithmetic.CMP ? Op.CMP_M8I : null;
            case 0x81, 0x83 -> memory ? (i.reg == Arithmetic.CMP ? Op.CMP_MI : null) : ALU_RI[i.reg];
            case 0x85 -> memory ? Op.TEST_MR : Op.TEST_RR;
            case 0x88 -> memory ? Op.MOV_M8R : null;
            case 0x8a -> memory ? Op.MOV_R8M : null;
            case 0x89 -> memory ? Op.MOV_MR : Op.MOV_RR;
            case 0x8b -> memory ? Op.MOV_RM : Op.MOV_RR;
            case 0x8d -> memory ? Op.LEA : null;
            case 0xc6 -> memory && i.reg == 0 ? Op.MOV_M8I : null;
            case 0xc7 -> i.reg != 0 ? null : memory ? Op.MOV_MI : Op.MOV_RI;
            case Insn.TWO_BYTE + 0xb6 -> memory ? Op.MOVZX_RM8 : Op.MOVZX_RR8;
            case Insn.TWO_BYTE + 0xb7 -> memory ? Op.MOVZX_RM16 : null;
            default -> null;
        };
        if (fast == null) {
            return;
        }
        switch (fast) {
            case INC_R, DEC_R, PUSH_R, POP_R, MOV_RI -> i.fastA = op & 7;
            case JCC -> i.fastA = op & 0xf;
            case CMP_RI, ADD_RI, OR_RI, AND_RI, SUB_RI, XOR_RI -> i.fastA = i.rm;
            // MOV r/m32, r32 (89) and TEST write (or compare) the ModR/M operand.
            case MOV_RR -> {
                i.fastA = op == 0x89 ? i.rm : i.reg;
                i.fastB = op == 0x89 ? i.reg : i.rm;
            }
            case TEST_RR -> {
                i.fastA = i.rm;
                i.fastB = i.reg;
            }
            case MOVZX_RR8 -> {
                i.fastA = i.reg;
                i.fastB = i.rm;
            }
            default -> i.fastA = i.reg;
        }
        if (op == 0xc7 && fast == Op.MOV_RI) {
            i.fastA = i.rm;
        }
        i.fast = fast;
    }

    /** 00-3F: the six forms of the ALU operations (ADC and SBB and the byte forms stay general). */
    private static void selectAluForm(Insn i, int op, boolean memory) {
        int operation = (op >>> 3) & 7;
        switch (op & 7) {
            case 1 -> {
                // r/m32, r32: a register destination, or a comparison with memory.
                if (!memory) {
                    i.fast = ALU_RR[operation];
                    i.fastA = i.rm;
                    i.fastB = i.reg;
                } else if (operation == Arithmetic.CMP) {
                    i.fast = Op.CMP_MR;
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
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.add(r[i.fastA], r[i.fastB]);
            }
        },
        OR_RR {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.logic(r[i.fastA] | r[i.fastB]);
            }
        },
        AND_RR {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.logic(r[i.fastA] & r[i.fastB]);
            }
        },
        SUB_RR {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.sub(r[i.fastA], r[i.fastB]);
            }
        },
        XOR_RR {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.logic(r[i.fastA] ^ r[i.fastB]);
            }
        },
        CMP_RR {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                p.sub(r[i.fastA], r[i.fastB]);
            }
        },
        TEST_RR {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                p.logic(r[i.fastA] & r[i.fastB]);
            }
        },
        ADD_RM {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.add(r[i.fastA], p.read32(i));
            }
        },
        OR_RM {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.logic(r[i.fastA] | p.read32(i));
            }
        },
        AND_RM {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.logic(r[i.fastA] & p.read32(i));
            }
        },
        SUB_RM {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.sub(r[i.fastA], p.read32(i));
            }
        },
        XOR_RM {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.logic(r[i.fastA] ^ p.read32(i));
            }
        },
        CMP_RM {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                p.sub(r[i.fastA], p.read32(i));
            }
        },
        ADD_RI {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.add(r[i.fastA], i.immediate);
            }
        },
        OR_RI {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.logic(r[i.fastA] | i.immediate);
            }
        },
        AND_RI {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.logic(r[i.fastA] & i.immediate);
            }
        },
        SUB_RI {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.sub(r[i.fastA], i.immediate);
            }
        },
        XOR_RI {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.logic(r[i.fastA] ^ i.immediate);
            }
        },
        CMP_RI {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                p.sub(r[i.fastA], i.immediate);
            }
        },
        CMP_MR {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                p.sub(p.read32(i), r[i.fastA]);
            }
        },
        CMP_MI {
            @Override
            void run(FastPath p, Insn i) {
                p.sub(p.read32(i), i.immediate);
            }
        },
        CMP_M8I {
            @Override
            void run(FastPath p, Insn i) {
                int value = p.mmu.read8(p.address(i, 1, false));
                p.flags.set(Flags.SUB, 1, value, i.immediate, value - i.immediate);
            }
        },
        TEST_MR {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                p.logic(p.read32(i) & r[i.fastA]);
            }
        },
        MOV_RR {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = r[i.fastB];
            }
        },
        MOV_RM {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.read32(i);
            }
        },
        MOV_MR {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                p.cpu.current = i;
                p.mmu.write32(p.address(i, 4, true), r[i.fastA]);
            }
        },
        MOV_M8R {
            @Override
            void run(FastPath p, Insn i) {
                p.cpu.current = i;
                p.mmu.write8(p.address(i, 1, true), p.cpu.reg8(i.fastA));
            }
        },
        MOV_R8M {
            @Override
            void run(FastPath p, Insn i) {
                p.cpu.setReg8(i.fastA, p.mmu.read8(p.address(i, 1, false)));
            }
        },
        MOV_MI {
            @Override
            void run(FastPath p, Insn i) {
                p.cpu.current = i;
                p.mmu.write32(p.address(i, 4, true), i.immediate);
            }
        },
        MOV_M8I {
            @Override
            void run(FastPath p, Insn i) {
                p.cpu.current = i;
                p.mmu.write8(p.address(i, 1, true), i.immediate);
            }
        },
        MOV_RI {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = i.immediate;
            }
        },
        LEA {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.offset(i);
            }
        },
        MOVZX_RM8 {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.mmu.read8(p.address(i, 1, false));
            }
        },
        MOVZX_RR8 {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.cpu.reg8(i.fastB);
            }
        },
        MOVZX_RM16 {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                r[i.fastA] = p.mmu.read16(p.address(i, 2, false));
            }
        },
        INC_R {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                int value = r[i.fastA];
                p.flags.setIncDec(Flags.INC, 4, value, value + 1);
                r[i.fastA] = value + 1;
            }
        },
        DEC_R {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                int value = r[i.fastA];
                p.flags.setIncDec(Flags.DEC, 4, value, value - 1);
                r[i.fastA] = value - 1;
            }
        },
        PUSH_R {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                p.cpu.current = i;
                p.cpu.push(4, r[i.fastA]);
            }
        },
        POP_R {
            @Override
            void run(FastPath p, Insn i) {
                int[] r = p.gpr;
                int value = p.cpu.pop(4);
                r[i.fastA] = value;
            }
        },
        JCC {
            @Override
            void run(FastPath p, Insn i) {
                if (p.flags.condition(i.fastA)) {
                    p.cpu.jumpNear(p.cpu.eip + i.immediate, 4);
                }
            }
        },
        JMP {
            @Override
            void run(FastPath p, Insn i) {
                p.cpu.jumpNear(p.cpu.eip + i.immediate, 4);
            }
        },
        NOP {
            @Override
            void run(FastPath p, Insn i) {
                // Nothing to do.
            }
        };

        abstract void run(FastPath p, Insn i);
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

    int logic(int result) {
        flags.set(Flags.LOGIC, 4, result, 0, result);
        return result;
    }

    /** The memory operand's offset: base, scaled index and displacement, the absent ones reading zero. */
    int offset(Insn i) {
        return i.displacement + gpr[i.eaBase] + (gpr[i.eaIndex] << i.scale);
    }

    int address(Insn i, int size, boolean write) {
        return cpu.linear(i.segment, offset(i), size, write);
    }

    int read32(Insn i) {
        return mmu.read32(address(i, 4, false));
    }
}
