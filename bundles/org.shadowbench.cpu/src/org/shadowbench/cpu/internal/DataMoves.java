package org.shadowbench.cpu.internal;

/**
 * Data movement: MOV in its forms, zero and sign extension, exchanges, LEA, the accumulator
 * conversions, SETcc and CMOVcc, BSWAP, the stack (PUSH/POP and their all-register and flags
 * variants, ENTER, LEAVE) and loads of segment registers.
 */
final class DataMoves {
    private final CpuCore cpu;
    private final Flags flags;
    private final Segments segments;

    DataMoves(CpuCore cpu) {
        this.cpu = cpu;
        this.flags = cpu.flags;
        this.segments = cpu.segments;
    }

    /** 88-8B. */
    void mov(Insn i) {
        int size = (i.opcode & 1) == 0 ? 1 : i.operandSize;
        if ((i.opcode & 2) == 0) {
            cpu.writeRm(i, size, cpu.reg(i.reg, size));
        } else {
            cpu.setReg(i.reg, size, cpu.readRm(i, size));
        }
    }

    /** C6/C7 /0. */
    void movImmediate(Insn i) {
        if (i.reg != 0) {
            throw cpu.undefined();
        }
        cpu.writeRm(i, i.opcode == 0xc6 ? 1 : i.operandSize, i.immediate);
    }

    /** A0-A3: the accumulator to or from a memory offset. */
    void movOffset(Insn i) {
        int size = (i.opcode & 1) == 0 ? 1 : i.operandSize;
        int segment = i.segmentOverride != Insn.NO_SEGMENT ? i.segmentOverride : CpuCore.DS;
        int offset = i.addressSize == 4 ? i.immediate : i.immediate & 0xffff;
        if (i.opcode < 0xa2) {
            cpu.setReg(CpuCore.EAX, size, cpu.read(segment, offset, size));
        } else {
            cpu.write(segment, offset, size, cpu.reg(CpuCore.EAX, size));
        }
    }

    /** MOVZX and MOVSX from a byte or word. */
    void extend(Insn i, int sourceSize, boolean signed) {
        int value = cpu.readRm(i, sourceSize);
        if (signed) {
            value = sourceSize == 1 ? (byte) value : (short) value;
        }
        cpu.setReg(i.reg, i.operandSize, value);
    }

    /** 86/87 (a memory operand is exchanged as a locked access). */
    void exchange(Insn i) {
        int size = i.opcode == 0x86 ? 1 : i.operandSize;
        int other = cpu.readRmForUpdate(i, size);
        int mine = cpu.reg(i.reg, size);
        cpu.writeRmUpdate(i, size, mine);
        cpu.setReg(i.reg, size, other);
    }

    void exchangeAccumulator(int register, int size) {
        int value = cpu.reg(register, size);
        cpu.setReg(register, size, cpu.reg(CpuCore.EAX, size));
        cpu.setReg(CpuCore.EAX, size, value);
    }

    void lea(Insn i) {
        if (!i.isMemory()) {
            throw cpu.undefined();
        }
        cpu.setReg(i.reg, i.operandSize, cpu.effectiveAddress(i));
    }

    /** CBW/CWDE. */
    void convertAccumulator(int size) {
        if (size == 2) {
            cpu.setReg(CpuCore.EAX, 2, (byte) cpu.gpr[CpuCore.EAX]);
        } else {
            cpu.gpr[CpuCore.EAX] = (short) cpu.gpr[CpuCore.EAX];
        }
    }

    /** CWD/CDQ. */
    void convertToDouble(int size) {
        if (size == 2) {
            cpu.setReg(CpuCore.EDX, 2, (short) cpu.gpr[CpuCore.EAX] >> 15);
        } else {
            cpu.gpr[CpuCore.EDX] = cpu.gpr[CpuCore.EAX] >> 31;
        }
    }

    void lahf() {
        cpu.setReg8(4, (flags.arith() & (Flags.SF | Flags.ZF | Flags.AF | Flags.PF | Flags.CF)) | 0x2);
    }

    void sahf() {
        int mask = Flags.SF | Flags.ZF | Flags.AF | Flags.PF | Flags.CF;
        flags.changeArith(mask, cpu.reg8(4) & mask);
    }

    void xlat(Insn i) {
        int segment = i.segmentOverride != Insn.NO_SEGMENT ? i.segmentOverride : CpuCore.DS;
        int offset = cpu.gpr[CpuCore.EBX] + cpu.reg8(CpuCore.EAX);
        cpu.setReg8(CpuCore.EAX, cpu.read8(segment, i.addressSize == 4 ? offset : offset & 0xffff));
    }

    void cmov(Insn i) {
        int value = cpu.readRm(i, i.operandSize);
        if (flags.condition(i.opcode & 0xf)) {
            cpu.setReg(i.reg, i.operandSize, value);
        }
    }

    void setcc(Insn i) {
        cpu.writeRm(i, 1, flags.condition(i.opcode & 0xf) ? 1 : 0);
    }

    /** BSWAP; the 16-bit form is undefined and clears the word, as processors do. */
    void bswap(Insn i) {
        int register = i.opcode & 7;
        if (i.operandSize == 4) {
            cpu.gpr[register] = Integer.reverseBytes(cpu.gpr[register]);
        } else {
            cpu.setReg(register, 2, 0);
        }
    }

    // ================================================================== stack

    void popRm(Insn i) {
        if (i.reg != 0) {
            throw cpu.undefined();
        }
        // The address is computed with ESP already incremented (the loop restores ESP if the write faults).
        int value = cpu.pop(i.operandSize);
        cpu.writeRm(i, i.operandSize, value);
    }

    void pushAll(int size) {
        int originalEsp = cpu.gpr[CpuCore.ESP];
        for (int register = CpuCore.EAX; register <= CpuCore.EDI; register++) {
            cpu.push(size, register == CpuCore.ESP ? originalEsp : cpu.gpr[register]);
        }
    }

    private final int[] popped = new int[8];

    void popAll(int size) {
        for (int register = CpuCore.EDI; register >= CpuCore.EAX; register--) {
            popped[register] = cpu.peek((CpuCore.EDI - register) * size, size);
        }
        for (int register = CpuCore.EAX; register <= CpuCore.EDI; register++) {
            if (register != CpuCore.ESP) {
                cpu.setReg(register, size, popped[register]);
            }
        }
        cpu.gpr[CpuCore.ESP] = cpu.movedStackPointer(8 * size);
    }

    void pushFlags(int size) {
        cpu.push(size, flags.get() & ~(Flags.VM | Flags.RF));
    }

    void popFlags(int size) {
        int value = cpu.pop(size);
        int writable = Flags.WRITABLE & ~Flags.RF;
        if (cpu.cpl > 0) {
            writable &= ~Flags.IOPL;
        }
        if (cpu.cpl > ((flags.other & Flags.IOPL) >>> 12)) {
            writable &= ~Flags.IF;
        }
        if (size == 2) {
            writable &= 0xffff;
        }
        flags.load(value, writable);
        flags.other &= ~Flags.RF;
    }

    void enter(Insn i) {
        int size = i.operandSize;
        int allocation = i.immediate & 0xffff;
        int level = i.immediate2 & 0x1f;
        cpu.push(size, cpu.gpr[CpuCore.EBP]);
        int frame = cpu.gpr[CpuCore.ESP];
        int ebp = cpu.gpr[CpuCore.EBP];
        for (int n = 1; n < level; n++) {
            ebp = cpu.stackSize == 4 ? ebp - size : (ebp & 0xffff_0000) | ((ebp - size) & 0xffff);
            cpu.push(size, cpu.read(CpuCore.SS, cpu.stackSize == 4 ? ebp : ebp & 0xffff, size));
        }
        if (level > 0) {
            cpu.push(size, frame);
        }
        int newEsp = cpu.movedStackPointer(-allocation);
        cpu.setReg(CpuCore.EBP, size, frame);
        cpu.gpr[CpuCore.ESP] = newEsp;
    }

    void leave(int size) {
        int frame = cpu.stackSize == 4 ? cpu.gpr[CpuCore.EBP] : cpu.gpr[CpuCore.EBP] & 0xffff;
        int saved = cpu.readStack(frame, size);
        int esp = cpu.stackSize == 4 ? frame + size : (cpu.gpr[CpuCore.ESP] & 0xffff_0000) | ((frame + size) & 0xffff);
        cpu.gpr[CpuCore.ESP] = esp;
        cpu.setReg(CpuCore.EBP, size, saved);
    }

    // ================================================================== segment registers

    /** 8C: a segment selector to a register (zero-extended) or to a word of memory. */
    void movFromSegment(Insn i) {
        if (i.reg > CpuCore.GS) {
            throw cpu.undefined();
        }
        int selector = cpu.segSelector[i.reg];
        if (i.isMemory()) {
            cpu.writeRm(i, 2, selector);
        } else {
            cpu.setReg(i.rm, i.operandSize, selector);
        }
    }

    /** 8E. */
    void movToSegment(Insn i) {
        if (i.reg == CpuCore.CS || i.reg > CpuCore.GS) {
            throw cpu.undefined();
        }
        loadSegment(i.reg, cpu.readRm(i, 2));
    }

    /** Loads DS/ES/FS/GS or SS from a selector, inhibiting interrupts after an SS load. */
    void loadSegment(int segment, int selector) {
        if (segment == CpuCore.SS) {
            segments.loadStack(selector);
            cpu.interruptShadowUntil = cpu.instructions + 1;
        } else {
            segments.loadData(segment, selector);
        }
    }

    void pushSegment(int segment, int size) {
        cpu.push(size, cpu.segSelector[segment]);
    }

    void popSegment(int segment, int size) {
        int selector = cpu.peek(0, size) & 0xffff;
        loadSegment(segment, selector);
        cpu.gpr[CpuCore.ESP] = cpu.movedStackPointer(size);
    }

    /** LDS, LES, LSS, LFS, LGS: a far pointer from memory. */
    void loadFarPointer(Insn i, int segment) {
        if (!i.isMemory()) {
            throw cpu.undefined();
        }
        int size = i.operandSize;
        int address = cpu.effectiveAddress(i);
        int offset = cpu.read(i.segment, address, size);
        int selector = cpu.read(i.segment, i.addressSize == 4 ? address + size : (address + size) & 0xffff, 2);
        loadSegment(segment, selector);
        cpu.setReg(i.reg, size, offset);
    }
}
