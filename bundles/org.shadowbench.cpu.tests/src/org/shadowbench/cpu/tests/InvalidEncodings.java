package org.shadowbench.cpu.tests;

import java.util.BitSet;

import org.shadowbench.cpu.tests.DecoderFuzzTest.Expectation;

/**
 * An oracle for the fuzz test, written from the SDM's opcode map (volume 2, appendix A) for a
 * 32-bit processor with this CPU's CPUID features (no SSE arithmetic, MMX, SYSENTER, VMX, AVX or
 * x87): which byte sequences must raise #UD whatever the state, and which simple register forms can
 * never fault. It is deliberately independent of the decoder's own tables.
 */
final class InvalidEncodings {
    private static final BitSet UNDEFINED_TWO_BYTE = new BitSet(256);

    static {
        int[][] ranges = { { 0x04, 0x05 }, { 0x07, 0x07 }, { 0x0a, 0x0c }, { 0x0e, 0x0f }, { 0x12, 0x17 },
            { 0x24, 0x27 }, { 0x2a, 0x2f }, { 0x34, 0x3f }, { 0x50, 0x5f }, { 0x60, 0x6e }, { 0x70, 0x7e },
            { 0xa6, 0xa7 }, { 0xaa, 0xaa }, { 0xb8, 0xb9 }, { 0xc2, 0xc6 }, { 0xd0, 0xff } };
        for (int[] range : ranges) {
            UNDEFINED_TWO_BYTE.set(range[0], range[1] + 1);
        }
    }

    private InvalidEncodings() {
    }

    private static boolean isPrefix(int b) {
        return switch (b) {
            case 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3 -> true;
            default -> false;
        };
    }

    static Expectation expectation(byte[] code) {
        int i = 0;
        boolean lock = false;
        boolean anyPrefix = false;
        while (i < code.length && isPrefix(code[i] & 0xff)) {
            lock |= (code[i] & 0xff) == 0xf0;
            anyPrefix = true;
            i++;
        }
        if (i >= 12) {
            return Expectation.UNKNOWN; // the 15-byte limit may strike first
        }
        int op = code[i] & 0xff;
        int modrm = code[i + 1] & 0xff;
        if (op == 0x0f) {
            return twoByte(code[i + 1] & 0xff, code[i + 2] & 0xff);
        }
        int mod = modrm >>> 6;
        int reg = (modrm >>> 3) & 7;
        boolean undefined = switch (op) {
            case 0xfe -> reg >= 2;
            case 0xff -> reg == 7 || ((reg == 3 || reg == 5) && mod == 3);
            case 0x8f, 0xc6, 0xc7 -> reg != 0;
            case 0x8d, 0xc4, 0xc5, 0x62 -> mod == 3;
            case 0x8c -> reg > 5;
            case 0x8e -> reg == 1 || reg > 5;
            case 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf -> true;
            default -> false;
        };
        if (undefined || (lock && !lockable(op, mod, reg))) {
            return Expectation.UNDEFINED;
        }
        if (!anyPrefix && neverFaults(op, mod)) {
            return Expectation.NEVER_FAULTS;
        }
        return Expectation.UNKNOWN;
    }

    private static Expectation twoByte(int op, int modrm) {
        int mod = modrm >>> 6;
        int reg = (modrm >>> 3) & 7;
        boolean undefined = UNDEFINED_TWO_BYTE.get(op) || switch (op) {
            case 0x00 -> reg >= 6;
            case 0x01 -> mod == 3 ? reg != 4 && reg != 6 : reg == 5;
            case 0xba -> reg < 4;
            case 0xc7 -> reg != 1 || mod == 3;
            case 0xae -> mod != 3 && reg >= 4;
            default -> false;
        };
        return undefined ? Expectation.UNDEFINED : Expectation.UNKNOWN;
    }

    /** LOCK is valid on memory-destination read-modify-write instructions only. */
    private static boolean lockable(int op, int mod, int reg) {
        if (mod == 3) {
            return false;
        }
        if (op < 0x40) {
            return (op & 7) < 2 && (op & 0x38) != 0x38;
        }
        return switch (op) {
            case 0x80, 0x81, 0x82, 0x83 -> reg != 7;
            case 0x86, 0x87 -> true;
            case 0xf6, 0xf7 -> reg == 2 || reg == 3;
            case 0xfe, 0xff -> reg < 2;
            default -> false;
        };
    }

    /** Register-only forms that touch neither memory nor privileged state. */
    private static boolean neverFaults(int op, int mod) {
        if (op < 0x40 && (op & 7) < 4) {
            return mod == 3;
        }
        return switch (op) {
            case 0x84, 0x85, 0x88, 0x89, 0x8a, 0x8b -> mod == 3;
            case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
                    0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9e, 0x9f, 0xf5, 0xf8, 0xf9, 0xfc, 0xfd,
                    0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf -> true;
            default -> false;
        };
    }
}
