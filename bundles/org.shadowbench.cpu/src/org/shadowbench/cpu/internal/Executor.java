package org.shadowbench.cpu.internal;

import org.shadowbench.cpu.Cpu;

/**
 * Dispatches a decoded instruction to its group. The switch stays small per case (a call each) so
 * that the JIT compiles it; the groups hold the semantics.
 */
final class Executor {
    private final CpuCore cpu;
    private final Flags flags;
    final Arithmetic arithmetic;
    final ShiftsAndBits shifts;
    final DataMoves moves;
    final StringOps strings;
    private final ControlFlow control;
    final SystemOps system;
    private final SseOps sse;

    Executor(CpuCore cpu) {
        this.cpu = cpu;
        this.flags = cpu.flags;
        this.arithmetic = new Arithmetic(cpu);
        this.shifts = new ShiftsAndBits(cpu);
        this.moves = new DataMoves(cpu);
        this.strings = new StringOps(cpu, arithmetic);
        this.control = new ControlFlow(cpu);
        this.system = new SystemOps(cpu);
        this.sse = new SseOps(cpu);
    }

    /**
     * Whether an instruction leaves the run loop's checks (stop request, CR3 sync, NMI and interrupts,
     * halt, single-step, breakpoints) as they were, so that a burst need not end after it. It may
     * compute, move data, load data segments, push and pop, branch near and raise INT n through a gate;
     * what it cannot do is change IF, TF or the interrupt shadow (STI, POPF, IRET, MOV and POP SS), write
     * a control, debug or model-specific register or a descriptor table register, reach a port, halt,
     * leave its code segment by a far transfer, or repeat (a REP string instruction runs in chunks that
     * the run loop interleaves with interrupts). Memory accesses through the registry, writes to decoded
     * code, task switches and exceptions raise attention where they happen.
     */
    static boolean isQuiet(Insn i) {
        int op = i.opcode;
        if (op >= Insn.TWO_BYTE) {
            return switch (op & 0xff) {
                case 0x00, 0x01, 0x05, 0x06, 0x07, 0x08, 0x09, 0x22, 0x23, 0x30, 0x34, 0x35, 0xb2 -> false;
                default -> true;
            };
        }
        return switch (op) {
            case 0x17, 0x6c, 0x6d, 0x6e, 0x6f, 0x9a, 0x9d, 0xca, 0xcb, 0xcf, 0xe4, 0xe5, 0xe6, 0xe7, 0xea,
                    0xec, 0xed, 0xee, 0xef, 0xf1, 0xf4, 0xfb -> false;
            case 0x8e -> i.reg != CpuCore.SS;
            case 0xa4, 0xa5, 0xa6, 0xa7, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf -> i.rep == 0;
            case 0xff -> i.reg != 3 && i.reg != 5;
            default -> true;
        };
    }

    void execute(Insn i) {
        int op = i.opcode;
        if (op >= Insn.TWO_BYTE) {
            executeTwoByte(i, op & 0xff);
            return;
        }
        if (op < 0x40) {
            executeLow(i, op);
            return;
        }
        int size = i.operandSize;
        switch (op) {
            case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47 -> cpu.setReg(op & 7, size, arithmetic.inc(size, cpu.reg(op & 7, size)));
            case 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f -> cpu.setReg(op & 7, size, arithmetic.dec(size, cpu.reg(op & 7, size)));
            case 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57 -> cpu.push(size, cpu.gpr[op & 7]);
            case 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f -> popRegister(op & 7, size);
            case 0x60 -> moves.pushAll(size);
            case 0x61 -> moves.popAll(size);
            case 0x62 -> control.bound(i);
            case 0x63 -> system.arpl(i);
            case 0x68, 0x6a -> cpu.push(size, i.immediate);
            case 0x69, 0x6b -> cpu.setReg(i.reg, size, arithmetic.multiplyTruncated(size, cpu.readRm(i, size), i.immediate));
            case 0x6c -> strings.execute(i, StringOps.INS, 1);
            case 0x6d -> strings.execute(i, StringOps.INS, size);
            case 0x6e -> strings.execute(i, StringOps.OUTS, 1);
            case 0x6f -> strings.execute(i, StringOps.OUTS, size);
            case 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f ->
                control.jumpConditional(i, op & 0xf);
            case 0x80, 0x81, 0x82, 0x83 -> arithmetic.group1(i);
            case 0x84 -> arithmetic.test(1, cpu.readRm(i, 1), cpu.reg(i.reg, 1));
            case 0x85 -> arithmetic.test(size, cpu.readRm(i, size), cpu.reg(i.reg, size));
            case 0x86, 0x87 -> moves.exchange(i);
            case 0x88, 0x89, 0x8a, 0x8b -> moves.mov(i);
            case 0x8c -> moves.movFromSegment(i);
            case 0x8d -> moves.lea(i);
            case 0x8e -> moves.movToSegment(i);
            case 0x8f -> moves.popRm(i);
            case 0x90 -> {
                // NOP, and PAUSE with F3: nothing to wait for.
            }
            case 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97 -> moves.exchangeAccumulator(op & 7, size);
            case 0x98 -> moves.convertAccumulator(size);
            case 0x99 -> moves.convertToDouble(size);
            case 0x9a -> control.farDirect(i, true);
            case 0x9b -> sse.fwait();
            case 0x9c -> moves.pushFlags(size);
            case 0x9d -> moves.popFlags(size);
            case 0x9e -> moves.sahf();
            case 0x9f -> moves.lahf();
            case 0xa0, 0xa1, 0xa2, 0xa3 -> moves.movOffset(i);
            case 0xa4 -> strings.execute(i, StringOps.MOVS, 1);
            case 0xa5 -> strings.execute(i, StringOps.MOVS, size);
            case 0xa6 -> strings.execute(i, StringOps.CMPS, 1);
            case 0xa7 -> strings.execute(i, StringOps.CMPS, size);
            case 0xa8 -> arithmetic.test(1, cpu.reg(CpuCore.EAX, 1), i.immediate);
            case 0xa9 -> arithmetic.test(size, cpu.reg(CpuCore.EAX, size), i.immediate);
            case 0xaa -> strings.execute(i, StringOps.STOS, 1);
            case 0xab -> strings.execute(i, StringOps.STOS, size);
            case 0xac -> strings.execute(i, StringOps.LODS, 1);
            case 0xad -> strings.execute(i, StringOps.LODS, size);
            case 0xae -> strings.execute(i, StringOps.SCAS, 1);
            case 0xaf -> strings.execute(i, StringOps.SCAS, size);
            case 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7 -> cpu.setReg8(op & 7, i.immediate);
            case 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf -> cpu.setReg(op & 7, size, i.immediate);
            case 0xc0, 0xc1, 0xd0, 0xd1, 0xd2, 0xd3 -> shifts.group2(i);
            case 0xc2 -> control.returnNear(i, i.immediate & 0xffff);
            case 0xc3 -> control.returnNear(i, 0);
            case 0xc4 -> moves.loadFarPointer(i, CpuCore.ES);
            case 0xc5 -> moves.loadFarPointer(i, CpuCore.DS);
            case 0xc6, 0xc7 -> moves.movImmediate(i);
            case 0xc8 -> moves.enter(i);
            case 0xc9 -> moves.leave(size);
            case 0xca -> control.returnFar(i, i.immediate & 0xffff);
            case 0xcb -> control.returnFar(i, 0);
            case 0xcc -> cpu.events.deliverSoftware(Cpu.BP);
            case 0xcd -> cpu.events.deliverSoftware(i.immediate & 0xff);
            case 0xce -> {
                if (flags.of()) {
                    cpu.events.deliverSoftware(Cpu.OF);
                }
            }
            case 0xcf -> control.iret(i);
            case 0xd4 -> arithmetic.aam(i.immediate);
            case 0xd5 -> arithmetic.aad(i.immediate);
            case 0xd6 -> cpu.setReg8(CpuCore.EAX, flags.cf() ? 0xff : 0);
            case 0xd7 -> moves.xlat(i);
            case 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf -> sse.x87();
            case 0xe0, 0xe1, 0xe2, 0xe3 -> control.loop(i);
            case 0xe4 -> system.in(i.immediate & 0xff, 1);
            case 0xe5 -> system.in(i.immediate & 0xff, size);
            case 0xe6 -> system.out(i.immediate & 0xff, 1);
            case 0xe7 -> system.out(i.immediate & 0xff, size);
            case 0xe8 -> control.callRelative(i);
            case 0xe9, 0xeb -> control.jumpRelative(i);
            case 0xea -> control.farDirect(i, false);
            case 0xec -> system.in(cpu.gpr[CpuCore.EDX] & 0xffff, 1);
            case 0xed -> system.in(cpu.gpr[CpuCore.EDX] & 0xffff, size);
            case 0xee -> system.out(cpu.gpr[CpuCore.EDX] & 0xffff, 1);
            case 0xef -> system.out(cpu.gpr[CpuCore.EDX] & 0xffff, size);
            case 0xf1 -> cpu.events.deliverException(Cpu.DB, GuestFault.NO_ERROR_CODE);
            case 0xf4 -> system.hlt();
            case 0xf5 -> flags.changeArith(Flags.CF, flags.cf() ? 0 : Flags.CF);
            case 0xf6, 0xf7 -> arithmetic.group3(i);
            case 0xf8 -> flags.changeArith(Flags.CF, 0);
            case 0xf9 -> flags.changeArith(Flags.CF, Flags.CF);
            case 0xfa -> system.cli();
            case 0xfb -> system.sti();
            case 0xfc -> flags.other &= ~Flags.DF;
            case 0xfd -> flags.other |= Flags.DF;
            case 0xfe -> group4(i);
            case 0xff -> group5(i);
            default -> throw cpu.undefined();
        }
    }

    /** 00-3F: the ALU forms and the segment pushes, pops and decimal adjustments between them. */
    private void executeLow(Insn i, int op) {
        if ((op & 7) < 6) {
            arithmetic.aluForm(i);
            return;
        }
        switch (op) {
            case 0x06 -> moves.pushSegment(CpuCore.ES, i.operandSize);
            case 0x07 -> moves.popSegment(CpuCore.ES, i.operandSize);
            case 0x0e -> moves.pushSegment(CpuCore.CS, i.operandSize);
            case 0x16 -> moves.pushSegment(CpuCore.SS, i.operandSize);
            case 0x17 -> moves.popSegment(CpuCore.SS, i.operandSize);
            case 0x1e -> moves.pushSegment(CpuCore.DS, i.operandSize);
            case 0x1f -> moves.popSegment(CpuCore.DS, i.operandSize);
            case 0x27 -> arithmetic.daa();
            case 0x2f -> arithmetic.das();
            case 0x37 -> arithmetic.asciiAdjust(1);
            case 0x3f -> arithmetic.asciiAdjust(-1);
            default -> throw cpu.undefined();
        }
    }

    private void popRegister(int register, int size) {
        int value = cpu.pop(size);
        cpu.setReg(register, size, value);
    }

    private void group4(Insn i) {
        if (i.reg > 1) {
            throw cpu.undefined();
        }
        arithmetic.incDecRm(i, 1);
    }

    private void group5(Insn i) {
        switch (i.reg) {
            case 0, 1 -> arithmetic.incDecRm(i, i.operandSize);
            case 2 -> control.callIndirect(i);
            case 3 -> control.farIndirect(i, true);
            case 4 -> control.jumpIndirect(i);
            case 5 -> control.farIndirect(i, false);
            case 6 -> cpu.push(i.operandSize, cpu.readRm(i, i.operandSize));
            default -> throw cpu.undefined();
        }
    }

    private void executeTwoByte(Insn i, int op) {
        int size = i.operandSize;
        switch (op) {
            case 0x00 -> system.group6(i);
            case 0x01 -> system.group7(i);
            case 0x02 -> system.loadAccessOrLimit(i, false);
            case 0x03 -> system.loadAccessOrLimit(i, true);
            case 0x06 -> system.clts();
            case 0x08, 0x09 -> system.cacheControl();
            case 0x10, 0x11, 0x28, 0x29, 0x6f, 0x7f -> sse.move(i);
            case 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f -> {
                // Hint NOPs (the multi-byte NOP 0F 1F /0 among them) take a ModR/M operand but touch nothing.
            }
            case 0x20 -> system.moveFromControl(i);
            case 0x21 -> system.moveFromDebug(i);
            case 0x22 -> system.moveToControl(i);
            case 0x23 -> system.moveToDebug(i);
            case 0x30 -> system.wrmsr();
            case 0x31 -> system.rdtsc();
            case 0x32 -> system.rdmsr();
            case 0x33 -> system.rdpmc();
            case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f ->
                moves.cmov(i);
            case 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f ->
                control.jumpConditional(i, op & 0xf);
            case 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f ->
                moves.setcc(i);
            case 0xa0 -> moves.pushSegment(CpuCore.FS, size);
            case 0xa1 -> moves.popSegment(CpuCore.FS, size);
            case 0xa2 -> system.cpuid();
            case 0xa3 -> shifts.bitTest(i, 0, cpu.reg(i.reg, size), false);
            case 0xa4 -> shifts.doubleShift(i, true, i.immediate);
            case 0xa5 -> shifts.doubleShift(i, true, cpu.gpr[CpuCore.ECX]);
            case 0xa8 -> moves.pushSegment(CpuCore.GS, size);
            case 0xa9 -> moves.popSegment(CpuCore.GS, size);
            case 0xab -> shifts.bitTest(i, 1, cpu.reg(i.reg, size), false);
            case 0xac -> shifts.doubleShift(i, false, i.immediate);
            case 0xad -> shifts.doubleShift(i, false, cpu.gpr[CpuCore.ECX]);
            case 0xae -> sse.group15(i);
            case 0xaf -> cpu.setReg(i.reg, size, arithmetic.multiplyTruncated(size, cpu.reg(i.reg, size), cpu.readRm(i, size)));
            case 0xb0 -> arithmetic.cmpxchg(i, 1);
            case 0xb1 -> arithmetic.cmpxchg(i, size);
            case 0xb2 -> moves.loadFarPointer(i, CpuCore.SS);
            case 0xb3 -> shifts.bitTest(i, 2, cpu.reg(i.reg, size), false);
            case 0xb4 -> moves.loadFarPointer(i, CpuCore.FS);
            case 0xb5 -> moves.loadFarPointer(i, CpuCore.GS);
            case 0xb6 -> moves.extend(i, 1, false);
            case 0xb7 -> moves.extend(i, 2, false);
            case 0xba -> {
                if (i.reg < 4) {
                    throw cpu.undefined();
                }
                shifts.bitTest(i, i.reg - 4, i.immediate, true);
            }
            case 0xbb -> shifts.bitTest(i, 3, cpu.reg(i.reg, size), false);
            case 0xbc -> shifts.bitScan(i, true);
            case 0xbd -> shifts.bitScan(i, false);
            case 0xbe -> moves.extend(i, 1, true);
            case 0xbf -> moves.extend(i, 2, true);
            case 0xc0 -> arithmetic.xadd(i, 1);
            case 0xc1 -> arithmetic.xadd(i, size);
            case 0xc7 -> arithmetic.cmpxchg8b(i);
            case 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf -> moves.bswap(i);
            default -> throw cpu.undefined();
        }
    }
}
