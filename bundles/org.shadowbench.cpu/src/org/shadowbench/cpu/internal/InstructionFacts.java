package org.shadowbench.cpu.internal;

import org.shadowbench.pool.FaultingInstruction;
import org.shadowbench.pool.OpcodeClass;

/**
 * What the pool learns about the instruction whose write hit a monitored page table (the facts
 * VirtualBox's pool reads from the disassembler): its class, prefixes, destination size, modes,
 * CPL, length, the registers a REP STOSD uses, the direction flag and the written address. Decoding
 * those facts from an {@link Insn} lives here, apart from the run loop that owns the instruction.
 */
final class InstructionFacts {
    private InstructionFacts() {
    }

    /** Fills {@code out} (reset first) with the facts of {@code i} and the CPU state given; returns it. */
    static FaultingInstruction describe(FaultingInstruction out, Insn i, int codeBits, int cpl, int eax, int ecx,
            int edi, boolean directionFlag, long linearAddress) {
        out.reset();
        return out.opcode(opcodeClass(i)).prefixes(i.prefixes).writeSize(destinationSize(i))
                .modes(codeBits, i.operandSize * 8, i.addressSize * 8).destinationIsEsp(writesThroughStack(i))
                .cpl(cpl).length(i.length).registers(eax, ecx, edi).directionFlag(directionFlag)
                .linearAddress(linearAddress);
    }

    private static OpcodeClass opcodeClass(Insn i) {
        return switch (i.opcode) {
            case 0x06, 0x0e, 0x16, 0x1e, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x68, 0x6a,
                    Insn.TWO_BYTE + 0xa0, Insn.TWO_BYTE + 0xa8 -> OpcodeClass.PUSH;
            case 0xff -> i.reg == 6 ? OpcodeClass.PUSH : OpcodeClass.OTHER;
            case 0x9c -> OpcodeClass.PUSHF;
            case 0x60 -> OpcodeClass.PUSHA;
            case 0xaa, 0xab -> OpcodeClass.STOS;
            case 0xa4, 0xa5 -> OpcodeClass.MOVS;
            case Insn.TWO_BYTE + 0xb3 -> OpcodeClass.BTR;
            case Insn.TWO_BYTE + 0xba -> i.reg == 6 ? OpcodeClass.BTR : OpcodeClass.OTHER;
            case Insn.TWO_BYTE + 0xae -> i.reg == 0 ? OpcodeClass.FXSAVE : OpcodeClass.OTHER;
            default -> OpcodeClass.OTHER;
        };
    }

    private static int destinationSize(Insn i) {
        int op = i.opcode;
        boolean byteForm = op < 0x40 ? (op & 1) == 0
                : switch (op) {
                    case 0x80, 0x82, 0x86, 0x88, 0xa2, 0xa4, 0xaa, 0xc0, 0xc6, 0xd0, 0xd2, 0xf6, 0xfe,
                            Insn.TWO_BYTE + 0xb0, Insn.TWO_BYTE + 0xc0 -> true;
                    default -> op >= Insn.TWO_BYTE + 0x90 && op <= Insn.TWO_BYTE + 0x9f;
                };
        return byteForm ? 1 : i.operandSize;
    }

    private static boolean writesThroughStack(Insn i) {
        return i.isMemory() && i.base == CpuCore.ESP;
    }
}
