package org.shadowbench.cpu.tests;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.SplittableRandom;

import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.SegmentRegister;
import org.shadowbench.cpu.StopReason;

/**
 * Random programs made mostly of the shapes the fast path handles, mixed with instructions only the
 * general executor runs (see {@link FastPathEquivalenceTest}), and the way the equivalence tests run
 * one: registers, flags and data from a seed, with a flat or a small data segment.
 */
final class RandomPrograms {
    static final int INSTRUCTIONS = 48;
    /** Destinations: EAX, EBX, EDX. ECX is the index register and only counts; ESI, EDI, EBP point at data. */
    private static final int[] DESTINATIONS = { 0, 3, 2 };
    private static final int[] BASES = { 6, 7, 5 };
    /** Byte registers that alias the destinations: AL, BL, DL, AH, BH, DH. */
    private static final int[] BYTE_DESTINATIONS = { 0, 3, 2, 4, 7, 6 };

    private final ByteArrayOutputStream code = new ByteArrayOutputStream();

    /** Runs a program (hex, a HLT appended) from the state {@code seed} gives. */
    static StopReason run(CpuFixture f, String program, boolean smallSegment, long seed) {
        prepare(f, smallSegment, seed);
        return f.run(program + "f4");
    }

    /** Sets registers, flags, DS and the data from {@code seed}. */
    static void prepare(CpuFixture f, boolean smallSegment, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        f.cpu.loadSegment(SegmentRegister.DS, smallSegment ? CpuFixture.SMALL_DATA : CpuFixture.KERNEL_DATA);
        int pointerBase = smallSegment ? 0 : CpuFixture.DATA;
        f.set(Register.EAX, random.nextInt());
        f.set(Register.EBX, random.nextInt());
        f.set(Register.EDX, random.nextInt());
        f.set(Register.ECX, random.nextInt(64));
        f.set(Register.ESI, pointerBase + 0x100 + random.nextInt(0x700));
        f.set(Register.EDI, pointerBase + 0x100 + random.nextInt(0x700));
        f.set(Register.EBP, CpuFixture.DATA + 0x100 + random.nextInt(0x700));
        f.set(Register.ESP, CpuFixture.STACK - 0x800);
        f.cpu.setEflags(random.nextInt() & 0x8d5);
        for (int offset = 0; offset < 0x2000; offset += 4) {
            f.write(CpuFixture.DATA + offset, random.nextInt());
        }
    }

    static byte[] memory(CpuFixture f, int address, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) f.read(address + i, 1);
        }
        return bytes;
    }

    String program(SplittableRandom random) {
        code.reset();
        for (int n = 0; n < INSTRUCTIONS; n++) {
            if (random.nextInt(24) == 0) {
                // PUSH the address after the RET, then RET to it.
                int after = CpuFixture.CODE + code.size() + 6;
                emit(0x68, after & 0xff, after >>> 8 & 0xff, after >>> 16 & 0xff, after >>> 24, 0xc3);
            }
            byte[] instruction = instruction(random);
            if (random.nextInt(6) == 0) {
                // A conditional jump over the instruction that follows it, short or near.
                int condition = random.nextInt(16);
                if (random.nextBoolean()) {
                    emit(0x70 + condition, instruction.length);
                } else {
                    emit(0x0f, 0x80 + condition, instruction.length, 0, 0, 0);
                }
            } else if (random.nextInt(16) == 0) {
                // An unconditional jump over it, short or near.
                if (random.nextBoolean()) {
                    emit(0xeb, instruction.length);
                } else {
                    emit(0xe9, instruction.length, 0, 0, 0);
                }
            }
            code.writeBytes(instruction);
        }
        return HexFormat.of().formatHex(code.toByteArray());
    }

    private byte[] instruction(SplittableRandom random) {
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        saved.writeBytes(code.toByteArray());
        code.reset();
        int destination = DESTINATIONS[random.nextInt(DESTINATIONS.length)];
        int source = random.nextInt(8);
        int aluOperation = random.nextInt(8);
        switch (random.nextInt(33)) {
            // r/m32, r32 and r32, r/m32 with register operands (ADC and SBB included: general only).
            case 0 -> emit(aluOperation << 3 | 1, 0xc0 | source << 3 | destination);
            case 1 -> emit(aluOperation << 3 | 3, 0xc0 | destination << 3 | source);
            case 2 -> {
                emit(aluOperation << 3 | 3);
                memoryOperand(random, destination);
            }
            case 3 -> {
                // CMP or TEST with a memory first operand.
                emit(random.nextBoolean() ? 0x39 : 0x85);
                memoryOperand(random, source);
            }
            case 4 -> emit(0x81, 0xc0 | aluOperation << 3 | destination, random.nextInt(256), random.nextInt(256),
                    random.nextInt(256), random.nextInt(256));
            case 5 -> emit(0x83, 0xc0 | aluOperation << 3 | destination, random.nextInt(256));
            case 6 -> emit(aluOperation << 3 | 5, random.nextInt(256), random.nextInt(256), random.nextInt(256),
                    random.nextInt(256));
            case 7 -> {
                // CMP with memory and an immediate: dword, sign-extended byte, byte.
                int form = random.nextInt(3);
                emit(form == 0 ? 0x81 : form == 1 ? 0x83 : 0x80);
                memoryOperand(random, 7);
                emitImmediate(random, form == 0 ? 4 : 1);
            }
            case 8 -> {
                // MOV r/m32, r32 (ModR/M.rm the destination) or MOV r32, r/m32 (ModR/M.reg the destination).
                boolean toRm = random.nextBoolean();
                emit(toRm ? 0x89 : 0x8b, toRm ? 0xc0 | source << 3 | destination : 0xc0 | destination << 3 | source);
            }
            case 9 -> {
                emit(0x8b);
                memoryOperand(random, destination);
            }
            case 10 -> {
                emit(0x89);
                memoryOperand(random, source);
            }
            case 11 -> {
                emit(random.nextBoolean() ? 0x88 : 0x8a);
                memoryOperand(random, BYTE_DESTINATIONS[random.nextInt(BYTE_DESTINATIONS.length)]);
            }
            case 12 -> {
                boolean dword = random.nextBoolean();
                emit(dword ? 0xc7 : 0xc6);
                memoryOperand(random, 0);
                emitImmediate(random, dword ? 4 : 1);
            }
            case 13 -> {
                emit(0xb8 + destination);
                emitImmediate(random, 4);
            }
            case 14 -> {
                emit(0x8d);
                memoryOperand(random, destination);
            }
            case 15 -> {
                emit(0x0f, random.nextBoolean() ? 0xb6 : 0xb7);
                memoryOperand(random, destination);
            }
            case 16 -> emit(0x0f, 0xb6, 0xc0 | destination << 3 | random.nextInt(8));
            case 17 -> {
                // INC or DEC of a destination or of the index register.
                int register = random.nextInt(4) == 0 ? 1 : destination;
                emit((random.nextBoolean() ? 0x40 : 0x48) + register);
            }
            case 18 -> emit(random.nextBoolean() ? 0x50 + source : 0x58 + destination);
            case 19 -> {
                // Flags from the general executor: shifts, NEG, SETcc.
                switch (random.nextInt(3)) {
                    case 0 -> emit(0xc1, 0xc0 | random.nextInt(8) << 3 | destination, random.nextInt(32));
                    case 1 -> emit(0xf7, 0xd8 | destination);
                    default -> emit(0x0f, 0x90 + random.nextInt(16), 0xc0 | destination);
                }
            }
            case 20 -> {
                // A 16-bit operand: the same opcodes, general only.
                emit(0x66, aluOperation << 3 | 1, 0xc0 | source << 3 | destination);
            }
            case 21 -> {
                // Read-modify-write of memory: ALU r/m32, r32 and r/m32, imm; INC and DEC.
                switch (random.nextInt(3)) {
                    case 0 -> {
                        emit(aluOperation << 3 | 1);
                        memoryOperand(random, source);
                    }
                    case 1 -> {
                        boolean dword = random.nextBoolean();
                        emit(dword ? 0x81 : 0x83);
                        memoryOperand(random, aluOperation);
                        emitImmediate(random, dword ? 4 : 1);
                    }
                    default -> {
                        emit(0xff);
                        memoryOperand(random, random.nextInt(2));
                    }
                }
            }
            case 22 -> {
                // IMUL r32, r/m32 and r32, r/m32, imm.
                switch (random.nextInt(3)) {
                    case 0 -> emit(0x0f, 0xaf, 0xc0 | destination << 3 | source);
                    case 1 -> {
                        emit(0x0f, 0xaf);
                        memoryOperand(random, destination);
                    }
                    default -> {
                        boolean dword = random.nextBoolean();
                        emit(dword ? 0x69 : 0x6b);
                        if (random.nextBoolean()) {
                            emit(0xc0 | destination << 3 | source);
                        } else {
                            memoryOperand(random, destination);
                        }
                        emitImmediate(random, dword ? 4 : 1);
                    }
                }
            }
            case 23 -> {
                // MOVSX from a byte or word, MOVZX from a word register.
                int opcode = random.nextInt(3) == 0 ? 0xb7 : random.nextBoolean() ? 0xbe : 0xbf;
                emit(0x0f, opcode);
                if (opcode == 0xb7 || random.nextBoolean()) {
                    emit(0xc0 | destination << 3 | source);
                } else {
                    memoryOperand(random, destination);
                }
            }
            case 24 -> {
                // CMP of bytes: r/m8, r8 and r8, r/m8 in registers and memory, AL and r/m8 with an immediate.
                switch (random.nextInt(4)) {
                    case 0 -> emit(random.nextBoolean() ? 0x38 : 0x3a, 0xc0 | random.nextInt(64));
                    case 1 -> {
                        emit(random.nextBoolean() ? 0x38 : 0x3a);
                        memoryOperand(random, random.nextInt(8));
                    }
                    case 2 -> emit(0x3c, random.nextInt(256));
                    default -> emit(0x80, 0xf8 | random.nextInt(8), random.nextInt(256));
                }
            }
            case 25 -> {
                // TEST of bytes: r/m8, r8; AL, imm8; r/m8, imm8.
                switch (random.nextInt(4)) {
                    case 0 -> emit(0x84, 0xc0 | random.nextInt(64));
                    case 1 -> {
                        emit(0x84);
                        memoryOperand(random, random.nextInt(8));
                    }
                    case 2 -> emit(0xa8, random.nextInt(256));
                    default -> {
                        emit(0xf6);
                        if (random.nextBoolean()) {
                            emit(0xc0 | random.nextInt(8));
                        } else {
                            memoryOperand(random, 0);
                        }
                        emit(random.nextInt(256));
                    }
                }
            }
            case 26 -> {
                // PUSH imm32 or imm8 (POP into a destination comes from case 18).
                if (random.nextBoolean()) {
                    emit(0x68);
                    emitImmediate(random, 4);
                } else {
                    emit(0x6a, random.nextInt(256));
                }
            }
            // CALL to the next instruction: pushes its address.
            case 27 -> emit(0xe8, 0, 0, 0, 0);
            case 28 -> {
                // MOV between EAX and a memory offset.
                int address = CpuFixture.DATA + random.nextInt(0x1ffc);
                emit(random.nextBoolean() ? 0xa1 : 0xa3, address & 0xff, address >>> 8 & 0xff, address >>> 16 & 0xff,
                        address >>> 24);
            }
            // Shifts and rotates by one.
            case 29 -> emit(0xd1, 0xc0 | random.nextInt(8) << 3 | destination);
            case 30 -> {
                // REP MOVS or REP STOS of bytes, words or dwords, up to 80 of them, now and then backwards.
                emit(0xb9, random.nextInt(81), 0, 0, 0);
                if (random.nextInt(4) == 0) {
                    emit(0xfd);
                }
                int size = random.nextInt(3);
                emit(size == 1 ? 0x66 : 0x90, 0xf3, (random.nextBoolean() ? 0xa4 : 0xaa) + (size == 0 ? 0 : 1), 0xfc);
            }
            case 31 -> {
                // Kernel code's frequent instructions outside the usual shapes: PUSHF, a frame built and
                // left (LEAVE), MOVS once (now and then backwards), CLI, XCHG with memory, LOCK on a
                // read-modify-write, PAUSE.
                switch (random.nextInt(7)) {
                    case 0 -> emit(0x9c);
                    case 1 -> emit(0x55, 0x89, 0xe5, 0xc9);
                    case 2 -> {
                        boolean backwards = random.nextInt(4) == 0;
                        if (backwards) {
                            emit(0xfd);
                        }
                        emit(random.nextBoolean() ? 0xa4 : 0xa5);
                        if (backwards) {
                            emit(0xfc);
                        }
                    }
                    case 3 -> emit(0xfa);
                    case 4 -> {
                        emit(0x87);
                        memoryOperand(random, destination);
                    }
                    case 5 -> {
                        emit(0xf0);
                        if (random.nextBoolean()) {
                            emit(aluOperation << 3 | 1);
                            memoryOperand(random, source);
                        } else {
                            emit(0x83);
                            memoryOperand(random, aluOperation);
                            emitImmediate(random, 1);
                        }
                    }
                    default -> emit(0xf3, 0x90);
                }
            }
            default -> emit(0x90);
        }
        byte[] instruction = code.toByteArray();
        code.reset();
        code.writeBytes(saved.toByteArray());
        return instruction;
    }

    /** A ModR/M memory operand with {@code reg} in its reg field: base + disp8, base + index*scale + disp8, or disp32. */
    private void memoryOperand(SplittableRandom random, int reg) {
        int base = BASES[random.nextInt(BASES.length)];
        switch (random.nextInt(4)) {
            case 0 -> emit(0x40 | reg << 3 | base, random.nextInt(0x80));
            case 1 -> emit(0x44 | reg << 3, random.nextInt(4) << 6 | 1 << 3 | base, random.nextInt(0x80));
            case 2 -> emit(reg << 3 | (base == 5 ? 6 : base));
            default -> {
                emit(0x05 | reg << 3);
                int address = CpuFixture.DATA + random.nextInt(0x1ffc);
                emit(address & 0xff, address >>> 8 & 0xff, address >>> 16 & 0xff, address >>> 24);
            }
        }
    }

    private void emitImmediate(SplittableRandom random, int size) {
        for (int i = 0; i < size; i++) {
            emit(random.nextInt(256));
        }
    }

    private void emit(int... bytes) {
        for (int b : bytes) {
            code.write(b);
        }
    }
}
