package org.shadowbench.cpu.internal;

import org.shadowbench.cpu.Cpu;

/**
 * Integer arithmetic: the eight ALU operations, INC/DEC/NEG/NOT, multiplication and division,
 * decimal adjustment, and the exchange-and-compare family. Flags the SDM leaves undefined are set
 * reproducibly: after MUL/IMUL SF, ZF and PF describe the low half and AF is clear; DIV/IDIV leave
 * every flag unchanged.
 */
final class Arithmetic {
    static final int ADD = 0;
    static final int OR = 1;
    static final int ADC = 2;
    static final int SBB = 3;
    static final int AND = 4;
    static final int SUB = 5;
    static final int XOR = 6;
    static final int CMP = 7;

    private final CpuCore cpu;
    private final Flags flags;

    Arithmetic(CpuCore cpu) {
        this.cpu = cpu;
        this.flags = cpu.flags;
    }

    /** One ALU operation with its flags; returns the masked result (the destination for CMP). */
    int alu(int operation, int size, int dst, int src) {
        int result;
        switch (operation) {
            case ADD -> {
                result = dst + src;
                flags.set(Flags.ADD, size, dst, src, result);
            }
            case OR -> {
                result = dst | src;
                flags.set(Flags.LOGIC, size, dst, src, result);
            }
            case ADC -> {
                int carry = flags.cf() ? 1 : 0;
                result = dst + src + carry;
                flags.setWithCarry(Flags.ADC, size, dst, src, result, carry);
            }
            case SBB -> {
                int borrow = flags.cf() ? 1 : 0;
                result = dst - src - borrow;
                flags.setWithCarry(Flags.SBB, size, dst, src, result, borrow);
            }
            case AND -> {
                result = dst & src;
                flags.set(Flags.LOGIC, size, dst, src, result);
            }
            case SUB -> {
                result = dst - src;
                flags.set(Flags.SUB, size, dst, src, result);
            }
            case XOR -> {
                result = dst ^ src;
                flags.set(Flags.LOGIC, size, dst, src, result);
            }
            default -> {
                flags.set(Flags.SUB, size, dst, src, dst - src);
                return dst;
            }
        }
        return result & Flags.mask(size);
    }

    /** Opcodes 00-3F with an ALU operation: the six operand forms. */
    void aluForm(Insn i) {
        int operation = (i.opcode >>> 3) & 7;
        int form = i.opcode & 7;
        int size = (form & 1) == 0 ? 1 : i.operandSize;
        switch (form) {
            case 0, 1 -> aluToRm(i, operation, size, cpu.reg(i.reg, size));
            case 2, 3 -> {
                int result = alu(operation, size, cpu.reg(i.reg, size), cpu.readRm(i, size));
                if (operation != CMP) {
                    cpu.setReg(i.reg, size, result);
                }
            }
            default -> {
                int result = alu(operation, size, cpu.reg(CpuCore.EAX, size), i.immediate);
                if (operation != CMP) {
                    cpu.setReg(CpuCore.EAX, size, result);
                }
            }
        }
    }

    /** Group 1 (80-83): ALU operation ModR/M.reg with an immediate. */
    void group1(Insn i) {
        int size = i.opcode == 0x81 || i.opcode == 0x83 ? i.operandSize : 1;
        aluToRm(i, i.reg, size, i.immediate);
    }

    private void aluToRm(Insn i, int operation, int size, int src) {
        if (operation == CMP) {
            alu(CMP, size, cpu.readRm(i, size), src);
            return;
        }
        int dst = cpu.readRmForUpdate(i, size);
        cpu.writeRmUpdate(i, size, alu(operation, size, dst, src));
    }

    void test(int size, int a, int b) {
        flags.set(Flags.LOGIC, size, a, b, a & b);
    }

    int inc(int size, int value) {
        int result = value + 1;
        flags.setIncDec(Flags.INC, size, value, result);
        return result & Flags.mask(size);
    }

    int dec(int size, int value) {
        int result = value - 1;
        flags.setIncDec(Flags.DEC, size, value, result);
        return result & Flags.mask(size);
    }

    /** FE/FF /0 and /1 on the ModR/M operand. */
    void incDecRm(Insn i, int size) {
        int value = cpu.readRmForUpdate(i, size);
        cpu.writeRmUpdate(i, size, i.reg == 0 ? inc(size, value) : dec(size, value));
    }

    /** Group 3 (F6/F7). */
    void group3(Insn i) {
        int size = i.opcode == 0xf6 ? 1 : i.operandSize;
        switch (i.reg) {
            case 0, 1 -> test(size, cpu.readRm(i, size), i.immediate);
            case 2 -> cpu.writeRmUpdate(i, size, ~cpu.readRmForUpdate(i, size));
            case 3 -> {
                int value = cpu.readRmForUpdate(i, size);
                int result = -value;
                flags.set(Flags.SUB, size, 0, value, result);
                cpu.writeRmUpdate(i, size, result);
            }
            case 4 -> multiply(size, cpu.readRm(i, size));
            case 5 -> multiplySigned(size, cpu.readRm(i, size));
            case 6 -> divide(size, cpu.readRm(i, size));
            default -> divideSigned(size, cpu.readRm(i, size));
        }
    }

    /** Sets the flags of a multiplication: CF and OF for overflow into the high half. */
    private void multiplyFlags(int size, int low, boolean overflow) {
        int m = Flags.mask(size);
        int bits = (overflow ? Flags.CF | Flags.OF : 0) | Flags.parity(low) | ((low & m) == 0 ? Flags.ZF : 0)
                | ((low & Flags.sign(size)) != 0 ? Flags.SF : 0);
        flags.setArith(bits);
    }

    private void multiply(int size, int src) {
        int[] r = cpu.gpr;
        switch (size) {
            case 1 -> {
                int product = (r[CpuCore.EAX] & 0xff) * (src & 0xff);
                cpu.setReg(CpuCore.EAX, 2, product);
                multiplyFlags(1, product, (product >>> 8) != 0);
            }
            case 2 -> {
                int product = (r[CpuCore.EAX] & 0xffff) * (src & 0xffff);
                cpu.setReg(CpuCore.EAX, 2, product);
                cpu.setReg(CpuCore.EDX, 2, product >>> 16);
                multiplyFlags(2, product, (product >>> 16) != 0);
            }
            default -> {
                long product = (r[CpuCore.EAX] & 0xffff_ffffL) * (src & 0xffff_ffffL);
                r[CpuCore.EAX] = (int) product;
                r[CpuCore.EDX] = (int) (product >>> 32);
                multiplyFlags(4, (int) product, (product >>> 32) != 0);
            }
        }
    }

    private void multiplySigned(int size, int src) {
        int[] r = cpu.gpr;
        switch (size) {
            case 1 -> {
                int product = (byte) r[CpuCore.EAX] * (byte) src;
                cpu.setReg(CpuCore.EAX, 2, product);
                multiplyFlags(1, product, product != (byte) product);
            }
            case 2 -> {
                int product = (short) r[CpuCore.EAX] * (short) src;
                cpu.setReg(CpuCore.EAX, 2, product);
                cpu.setReg(CpuCore.EDX, 2, product >>> 16);
                multiplyFlags(2, product, product != (short) product);
            }
            default -> {
                long product = (long) r[CpuCore.EAX] * src;
                r[CpuCore.EAX] = (int) product;
                r[CpuCore.EDX] = (int) (product >>> 32);
                multiplyFlags(4, (int) product, product != (int) product);
            }
        }
    }

    /** The truncated signed product of IMUL's two- and three-operand forms. */
    int multiplyTruncated(int size, int a, int b) {
        if (size == 2) {
            int product = (short) a * (short) b;
            multiplyFlags(2, product, product != (short) product);
            return product & 0xffff;
        }
        long product = (long) a * b;
        multiplyFlags(4, (int) product, product != (int) product);
        return (int) product;
    }

    private GuestFault divideError() {
        return cpu.fault(Cpu.DE, GuestFault.NO_ERROR_CODE);
    }

    private void divide(int size, int src) {
        int[] r = cpu.gpr;
        switch (size) {
            case 1 -> {
                int divisor = src & 0xff;
                if (divisor == 0) {
                    throw divideError();
                }
                int dividend = r[CpuCore.EAX] & 0xffff;
                int quotient = dividend / divisor;
                if (quotient > 0xff) {
                    throw divideError();
                }
                cpu.setReg(CpuCore.EAX, 2, quotient | ((dividend % divisor) << 8));
            }
            case 2 -> {
                int divisor = src & 0xffff;
                if (divisor == 0) {
                    throw divideError();
                }
                long dividend = ((r[CpuCore.EDX] & 0xffffL) << 16) | (r[CpuCore.EAX] & 0xffff);
                long quotient = dividend / divisor;
                if (quotient > 0xffff) {
                    throw divideError();
                }
                cpu.setReg(CpuCore.EAX, 2, (int) quotient);
                cpu.setReg(CpuCore.EDX, 2, (int) (dividend % divisor));
            }
            default -> {
                long divisor = src & 0xffff_ffffL;
                if (divisor == 0) {
                    throw divideError();
                }
                long dividend = ((long) r[CpuCore.EDX] << 32) | (r[CpuCore.EAX] & 0xffff_ffffL);
                long quotient = Long.divideUnsigned(dividend, divisor);
                if (Long.compareUnsigned(quotient, 0xffff_ffffL) > 0) {
                    throw divideError();
                }
                r[CpuCore.EAX] = (int) quotient;
                r[CpuCore.EDX] = (int) Long.remainderUnsigned(dividend, divisor);
            }
        }
    }

    private void divideSigned(int size, int src) {
        int[] r = cpu.gpr;
        switch (size) {
            case 1 -> {
                int divisor = (byte) src;
                if (divisor == 0) {
                    throw divideError();
                }
                int dividend = (short) r[CpuCore.EAX];
                int quotient = dividend / divisor;
                if (quotient != (byte) quotient) {
                    throw divideError();
                }
                cpu.setReg(CpuCore.EAX, 2, (quotient & 0xff) | ((dividend % divisor) << 8));
            }
            case 2 -> {
                int divisor = (short) src;
                if (divisor == 0) {
                    throw divideError();
                }
                int dividend = (r[CpuCore.EDX] << 16) | (r[CpuCore.EAX] & 0xffff);
                long quotient = (long) dividend / divisor;
                if (quotient != (short) quotient) {
                    throw divideError();
                }
                cpu.setReg(CpuCore.EAX, 2, (int) quotient);
                cpu.setReg(CpuCore.EDX, 2, dividend % divisor);
            }
            default -> {
                long divisor = src;
                if (divisor == 0) {
                    throw divideError();
                }
                long dividend = ((long) r[CpuCore.EDX] << 32) | (r[CpuCore.EAX] & 0xffff_ffffL);
                if (dividend == Long.MIN_VALUE && divisor == -1) {
                    throw divideError();
                }
                long quotient = dividend / divisor;
                if (quotient != (int) quotient) {
                    throw divideError();
                }
                r[CpuCore.EAX] = (int) quotient;
                r[CpuCore.EDX] = (int) (dividend % divisor);
            }
        }
    }

    // ================================================================== decimal adjustment

    private void setLogicFlagsKeeping(int al, int keptCarryAndAux) {
        int bits = keptCarryAndAux | Flags.parity(al) | ((al & 0xff) == 0 ? Flags.ZF : 0) | ((al & 0x80) != 0 ? Flags.SF : 0);
        flags.setArith(bits);
    }

    void daa() {
        int al = cpu.reg8(CpuCore.EAX);
        boolean oldCarry = flags.cf();
        int result = al;
        int bits = 0;
        if ((al & 0xf) > 9 || flags.af()) {
            result += 6;
            bits |= Flags.AF | (oldCarry || result > 0xff ? Flags.CF : 0);
        }
        if (al > 0x99 || oldCarry) {
            result += 0x60;
            bits |= Flags.CF;
        } else {
            bits &= ~Flags.CF;
        }
        cpu.setReg8(CpuCore.EAX, result);
        setLogicFlagsKeeping(result, bits);
    }

    void das() {
        int al = cpu.reg8(CpuCore.EAX);
        boolean oldCarry = flags.cf();
        int result = al;
        int bits = 0;
        if ((al & 0xf) > 9 || flags.af()) {
            result -= 6;
            bits |= Flags.AF | (oldCarry || al < 6 ? Flags.CF : 0);
        }
        if (al > 0x99 || oldCarry) {
            result -= 0x60;
            bits |= Flags.CF;
        }
        cpu.setReg8(CpuCore.EAX, result);
        setLogicFlagsKeeping(result, bits);
    }

    /** AAA (adjust = +1) and AAS (adjust = -1). */
    void asciiAdjust(int adjust) {
        int ax = cpu.reg(CpuCore.EAX, 2);
        int bits = 0;
        if ((ax & 0xf) > 9 || flags.af()) {
            if (adjust > 0) {
                ax += 0x106;
            } else {
                // AX - 6 lets a borrow reach AH, which then drops by one more.
                ax = (ax - 6) & 0xffff;
                ax = (ax & 0xff) | ((((ax >>> 8) - 1) & 0xff) << 8);
            }
            bits = Flags.AF | Flags.CF;
        }
        ax = (ax & 0xff00) | (ax & 0x0f);
        cpu.setReg(CpuCore.EAX, 2, ax);
        setLogicFlagsKeeping(ax & 0xff, bits);
    }

    void aam(int base) {
        int divisor = base & 0xff;
        if (divisor == 0) {
            throw divideError();
        }
        int al = cpu.reg8(CpuCore.EAX);
        int result = al % divisor;
        cpu.setReg(CpuCore.EAX, 2, ((al / divisor) << 8) | result);
        setLogicFlagsKeeping(result, 0);
    }

    void aad(int base) {
        int ax = cpu.reg(CpuCore.EAX, 2);
        int result = ((ax & 0xff) + (ax >>> 8) * (base & 0xff)) & 0xff;
        cpu.setReg(CpuCore.EAX, 2, result);
        setLogicFlagsKeeping(result, 0);
    }

    // ================================================================== exchange and compare

    void cmpxchg(Insn i, int size) {
        int accumulator = cpu.reg(CpuCore.EAX, size);
        int dst = cpu.readRmForUpdate(i, size);
        flags.set(Flags.SUB, size, accumulator, dst, accumulator - dst);
        if (accumulator == dst) {
            cpu.writeRmUpdate(i, size, cpu.reg(i.reg, size));
        } else {
            // The destination is written back even when the comparison fails, as the processor does.
            if (i.isMemory()) {
                cpu.writeRmUpdate(i, size, dst);
            }
            cpu.setReg(CpuCore.EAX, size, dst);
        }
    }

    void cmpxchg8b(Insn i) {
        if (!i.isMemory() || i.reg != 1) {
            throw cpu.undefined();
        }
        int address = cpu.linear(i.segment, cpu.effectiveAddress(i), 8, true);
        cpu.mmu.probeWrite(address, 8);
        long current = cpu.mmu.read64(address);
        int[] r = cpu.gpr;
        long expected = ((long) r[CpuCore.EDX] << 32) | (r[CpuCore.EAX] & 0xffff_ffffL);
        if (current == expected) {
            cpu.mmu.write64(address, ((long) r[CpuCore.ECX] << 32) | (r[CpuCore.EBX] & 0xffff_ffffL));
            flags.changeArith(Flags.ZF, Flags.ZF);
        } else {
            cpu.mmu.write64(address, current);
            r[CpuCore.EAX] = (int) current;
            r[CpuCore.EDX] = (int) (current >>> 32);
            flags.changeArith(Flags.ZF, 0);
        }
    }

    void xadd(Insn i, int size) {
        int dst = cpu.readRmForUpdate(i, size);
        int src = cpu.reg(i.reg, size);
        int sum = alu(ADD, size, dst, src);
        cpu.setReg(i.reg, size, dst);
        cpu.writeRmUpdate(i, size, sum);
    }
}
