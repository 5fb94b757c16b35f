package org.shadowbench.cpu.internal;

/**
 * Shifts and rotates (group 2, SHLD, SHRD) and the bit instructions (BT, BTS, BTR, BTC, BSF, BSR).
 * Counts are masked to five bits; a masked count of zero changes nothing, flags included. For
 * counts above one, OF follows the one-bit rule; AF is clear after shifts. BSF/BSR leave the
 * destination unchanged for a zero source, as AMD documents and Intel processors do.
 */
final class ShiftsAndBits {
    private final CpuCore cpu;
    private final Flags flags;

    ShiftsAndBits(CpuCore cpu) {
        this.cpu = cpu;
        this.flags = cpu.flags;
    }

    private static int msb(int value, int size) {
        return (value >>> (8 * size - 1)) & 1;
    }

    /** Sets all arithmetic flags from a shift result, CF and OF. */
    private void shiftFlags(int size, int result, int carry, int overflow) {
        int m = Flags.mask(size);
        flags.setArith((carry != 0 ? Flags.CF : 0) | (overflow != 0 ? Flags.OF : 0) | Flags.parity(result)
                | ((result & m) == 0 ? Flags.ZF : 0) | ((result & Flags.sign(size)) != 0 ? Flags.SF : 0));
    }

    /** Rotates change only CF and OF. */
    private void rotateFlags(int carry, int overflow) {
        flags.changeArith(Flags.CF | Flags.OF, (carry != 0 ? Flags.CF : 0) | (overflow != 0 ? Flags.OF : 0));
    }

    // SHL, SHR and SAR of a 32-bit register by a count already masked to five bits, for the fast path:
    // the same results and flags as shift(), in methods small enough for HotSpot to inline into compiled
    // blocks (shift() is 577 bytes of bytecode, over FreqInlineSize, so each shift was a call).

    int shl32(int value, int count) {
        if (count == 0) {
            return value;
        }
        int r = value << count;
        int carry = (value >>> (32 - count)) & 1;
        shiftFlags(4, r, carry, (r >>> 31) ^ carry);
        return r;
    }

    int shr32(int value, int count) {
        if (count == 0) {
            return value;
        }
        shiftFlags(4, value >>> count, (value >>> (count - 1)) & 1, value >>> 31);
        return value >>> count;
    }

    int sar32(int value, int count) {
        if (count == 0) {
            return value;
        }
        shiftFlags(4, value >> count, (value >> (count - 1)) & 1, 0);
        return value >> count;
    }

    /**
     * Shift or rotate {@code operation} (ModR/M.reg of group 2) of a {@code size}-byte value.
     *
     * @param count the count already masked to five bits
     */
    int shift(int operation, int size, int value, int count) {
        if (count == 0) {
            return value;
        }
        int bits = 8 * size;
        int m = Flags.mask(size);
        int v = value & m;
        switch (operation) {
            case 0 -> {
                int n = count % bits;
                int r = n == 0 ? v : ((v << n) | (v >>> (bits - n))) & m;
                int carry = r & 1;
                rotateFlags(carry, msb(r, size) ^ carry);
                return r;
            }
            case 1 -> {
                int n = count % bits;
                int r = n == 0 ? v : ((v >>> n) | (v << (bits - n))) & m;
                rotateFlags(msb(r, size), msb(r, size) ^ ((r >>> (bits - 2)) & 1));
                return r;
            }
            case 2 -> {
                int n = count % (bits + 1);
                if (n == 0) {
                    return v;
                }
                long wide = ((flags.cf() ? 1L : 0L) << bits) | (v & 0xffff_ffffL);
                long widthMask = (1L << (bits + 1)) - 1;
                wide = ((wide << n) | (wide >>> (bits + 1 - n))) & widthMask;
                int r = (int) wide & m;
                int carry = (int) (wide >>> bits) & 1;
                rotateFlags(carry, msb(r, size) ^ carry);
                return r;
            }
            case 3 -> {
                int n = count % (bits + 1);
                if (n == 0) {
                    return v;
                }
                int oldCarry = flags.cf() ? 1 : 0;
                int overflow = msb(v, size) ^ oldCarry;
                long wide = ((long) oldCarry << bits) | (v & 0xffff_ffffL);
                long widthMask = (1L << (bits + 1)) - 1;
                wide = ((wide >>> n) | (wide << (bits + 1 - n))) & widthMask;
                rotateFlags((int) (wide >>> bits) & 1, overflow);
                return (int) wide & m;
            }
            case 4, 6 -> {
                long wide = (v & 0xffff_ffffL) << count;
                int r = (int) wide & m;
                int carry = (int) (wide >>> bits) & 1;
                shiftFlags(size, r, carry, msb(r, size) ^ carry);
                return r;
            }
            case 5 -> {
                int carry = (int) ((v & 0xffff_ffffL) >>> (count - 1)) & 1;
                int r = (int) ((v & 0xffff_ffffL) >>> count);
                shiftFlags(size, r, carry, msb(v, size));
                return r;
            }
            default -> {
                int signed = size == 1 ? (byte) v : size == 2 ? (short) v : v;
                int carry = (signed >> (count - 1)) & 1;
                int r = (signed >> count) & m;
                shiftFlags(size, r, carry, 0);
                return r;
            }
        }
    }

    /** Group 2 (C0, C1, D0-D3). */
    void group2(Insn i) {
        int op = i.opcode;
        int size = (op & 1) == 0 ? 1 : i.operandSize;
        int count = switch (op) {
            case 0xc0, 0xc1 -> i.immediate;
            case 0xd0, 0xd1 -> 1;
            default -> cpu.gpr[CpuCore.ECX];
        } & 0x1f;
        int value = cpu.readRmForUpdate(i, size);
        if (count != 0) {
            cpu.writeRmUpdate(i, size, shift(i.reg, size, value, count));
        }
    }

    /** SHLD (left) and SHRD. */
    void doubleShift(Insn i, boolean left, int countSource) {
        int size = i.operandSize;
        int count = countSource & 0x1f;
        int dst = cpu.readRmForUpdate(i, size);
        if (count == 0) {
            return;
        }
        int src = cpu.reg(i.reg, size);
        int result;
        int carry;
        if (size == 4) {
            if (left) {
                result = (dst << count) | (src >>> (32 - count));
                carry = (dst >>> (32 - count)) & 1;
            } else {
                result = (dst >>> count) | (src << (32 - count));
                carry = (dst >>> (count - 1)) & 1;
            }
        } else {
            // dst:src:dst, so counts above 16 behave as on the processors that define them.
            long wide = ((long) (dst & 0xffff) << 32) | ((long) (src & 0xffff) << 16) | (dst & 0xffff);
            if (left) {
                result = (int) ((wide << count) >>> 32) & 0xffff;
                carry = (int) (wide >>> (48 - count)) & 1;
            } else {
                result = (int) (wide >>> count) & 0xffff;
                carry = (int) (wide >>> (count - 1)) & 1;
            }
        }
        shiftFlags(size, result, carry, msb(result, size) ^ msb(dst, size));
        cpu.writeRmUpdate(i, size, result);
    }

    /**
     * BT (0), BTS (1), BTR (2) and BTC (3). A register bit offset addresses memory beyond the operand
     * (signed, in operand-size units); an immediate one is taken modulo the operand width.
     */
    void bitTest(Insn i, int operation, int offset, boolean immediateOffset) {
        int size = i.operandSize;
        int bits = size * 8;
        int bit = offset & (bits - 1);
        int value;
        if (!i.isMemory()) {
            value = cpu.reg(i.rm, size);
        } else {
            int displacement = 0;
            if (!immediateOffset) {
                int signedOffset = size == 2 ? (short) offset : offset;
                displacement = (signedOffset >> (size == 2 ? 4 : 5)) * size;
            }
            int ea = cpu.effectiveAddress(i) + displacement;
            if (i.addressSize == 2) {
                ea &= 0xffff;
            }
            if (operation == 0) {
                value = cpu.read(i.segment, ea, size);
            } else {
                value = cpu.readLinearForUpdate(cpu.linear(i.segment, ea, size, true), size);
            }
        }
        int carry = (value >>> bit) & 1;
        flags.changeArith(Flags.CF, carry != 0 ? Flags.CF : 0);
        if (operation == 0) {
            return;
        }
        int result = switch (operation) {
            case 1 -> value | (1 << bit);
            case 2 -> value & ~(1 << bit);
            default -> value ^ (1 << bit);
        };
        if (i.isMemory()) {
            cpu.writeRmUpdate(i, size, result);
        } else {
            cpu.setReg(i.rm, size, result);
        }
    }

    /** BSF (forward) and BSR. */
    void bitScan(Insn i, boolean forward) {
        int size = i.operandSize;
        int source = cpu.readRm(i, size) & Flags.mask(size);
        if (source == 0) {
            flags.changeArith(Flags.ZF, Flags.ZF);
            return;
        }
        int index = forward ? Integer.numberOfTrailingZeros(source) : 31 - Integer.numberOfLeadingZeros(source);
        flags.changeArith(Flags.ZF, 0);
        cpu.setReg(i.reg, size, index);
    }
}
