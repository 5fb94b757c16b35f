package org.shadowbench.cpu.internal;

import org.shadowbench.cpu.Cpu;

/**
 * System instructions: descriptor-table registers (LGDT/LIDT/LLDT/LTR and their stores), segment
 * checks (LAR, LSL, VERR, VERW, ARPL), control and debug register moves, MSRs, the time-stamp
 * counter, CPUID, port I/O, HLT and the interrupt flag.
 */
final class SystemOps {
    private final CpuCore cpu;
    private final Segments segments;
    private final SystemRegisters system;
    private final Flags flags;

    SystemOps(CpuCore cpu) {
        this.cpu = cpu;
        this.segments = cpu.segments;
        this.system = cpu.system;
        this.flags = cpu.flags;
    }

    // ================================================================== 0F 00 and 0F 01

    void group6(Insn i) {
        switch (i.reg) {
            case 0 -> storeSelector(i, cpu.ldtSelector);
            case 1 -> storeSelector(i, cpu.trSelector);
            case 2 -> loadLdt(cpu.readRm(i, 2));
            case 3 -> loadTaskRegister(cpu.readRm(i, 2));
            case 4 -> verify(cpu.readRm(i, 2), false);
            case 5 -> verify(cpu.readRm(i, 2), true);
            default -> throw cpu.undefined();
        }
    }

    private void storeSelector(Insn i, int selector) {
        if (i.isMemory()) {
            cpu.writeRm(i, 2, selector);
        } else {
            cpu.setReg(i.rm, i.operandSize, selector);
        }
    }

    void group7(Insn i) {
        if (!i.isMemory()) {
            switch (i.reg) {
                case 4 -> cpu.setReg(i.rm, i.operandSize, cpu.cr0);
                case 6 -> loadMachineStatusWord(cpu.reg(i.rm, 2));
                default -> throw cpu.undefined();
            }
            return;
        }
        int address = cpu.effectiveAddress(i);
        int next = i.addressSize == 4 ? address + 2 : (address + 2) & 0xffff;
        int baseMask = i.operandSize == 4 ? -1 : 0x00ff_ffff;
        switch (i.reg) {
            case 0, 1 -> {
                int limit = i.reg == 0 ? cpu.gdtLimit : cpu.idtLimit;
                int base = i.reg == 0 ? cpu.gdtBase : cpu.idtBase;
                cpu.mmu.probeWrite(cpu.linear(i.segment, address, 6, true), 6);
                cpu.write(i.segment, address, 2, limit);
                cpu.write(i.segment, next, 4, base & baseMask);
            }
            case 2, 3 -> {
                cpu.requireCpl0();
                int limit = cpu.read(i.segment, address, 2);
                int base = cpu.read(i.segment, next, 4) & baseMask;
                if (i.reg == 2) {
                    cpu.gdtBase = base;
                    cpu.gdtLimit = limit;
                } else {
                    cpu.idtBase = base;
                    cpu.idtLimit = limit;
                }
            }
            case 4 -> cpu.writeRm(i, 2, cpu.cr0);
            case 6 -> loadMachineStatusWord(cpu.readRm(i, 2));
            case 7 -> {
                cpu.requireCpl0();
                cpu.mmu.invalidateShadowPage(cpu.segBase[i.segment] + address);
            }
            default -> throw cpu.undefined();
        }
    }

    /** LMSW: sets PE, MP, EM and TS; it cannot clear PE. */
    private void loadMachineStatusWord(int value) {
        cpu.requireCpl0();
        int cr0 = (cpu.cr0 & ~0xe) | (value & 0xe) | ((cpu.cr0 | value) & CpuCore.CR0_PE);
        system.writeCr0(cr0);
    }

    private void loadLdt(int selector) {
        cpu.requireCpl0();
        segments.loadLdt(selector, Cpu.GP, 0);
    }

    private void loadTaskRegister(int selector) {
        cpu.requireCpl0();
        int error = selector & 0xfffc;
        if (Segments.isNull(selector)) {
            throw cpu.fault(Cpu.GP, 0);
        }
        if ((selector & 4) != 0) {
            throw cpu.fault(Cpu.GP, error);
        }
        segments.require(selector, 0);
        int attributes = Segments.attributes(segments.high);
        int type = attributes & (Segments.S | 0xf);
        if (type != Segments.SYSTEM_TSS_AVAILABLE && type != 0x1) {
            throw cpu.fault(Cpu.GP, error);
        }
        if ((attributes & Segments.PRESENT) == 0) {
            throw cpu.fault(Cpu.NP, error);
        }
        int busy = segments.high | 0x200;
        cpu.writeSystem(segments.address + 4, 4, busy);
        cpu.trSelector = selector;
        cpu.trBase = Segments.base(segments.low, busy);
        cpu.trLimit = Segments.limit(segments.low, busy);
        cpu.trAttr = Segments.attributes(busy);
    }

    /** VERR/VERW: ZF says whether the segment may be read (written) at the current privilege. */
    private void verify(int selector, boolean write) {
        boolean ok = false;
        if (!Segments.isNull(selector) && segments.read(selector)) {
            int attributes = Segments.attributes(segments.high);
            int dpl = Segments.dpl(attributes);
            boolean conformingCode = Segments.isCode(attributes) && (attributes & Segments.TYPE_CONFORMING) != 0;
            boolean privileged = conformingCode || (dpl >= cpu.cpl && dpl >= (selector & 3));
            if (write) {
                ok = Segments.isData(attributes) && (attributes & Segments.TYPE_WRITABLE) != 0 && privileged;
            } else {
                ok = (Segments.isData(attributes) || (Segments.isCode(attributes)
                        && (attributes & Segments.TYPE_READABLE) != 0)) && privileged;
            }
        }
        flags.changeArith(Flags.ZF, ok ? Flags.ZF : 0);
    }

    /** LAR (limit = false) and LSL. */
    void loadAccessOrLimit(Insn i, boolean limit) {
        int selector = cpu.readRm(i, 2);
        boolean ok = false;
        if (!Segments.isNull(selector) && segments.read(selector)) {
            int attributes = Segments.attributes(segments.high);
            boolean valid;
            if ((attributes & Segments.S) != 0) {
                valid = true;
            } else {
                int type = attributes & 0xf;
                valid = limit ? type == 1 || type == 2 || type == 3 || type == 9 || type == 0xb
                        : type == 1 || type == 2 || type == 3 || type == 4 || type == 5 || type == 9 || type == 0xb
                                || type == 0xc;
            }
            int dpl = Segments.dpl(attributes);
            boolean conformingCode = Segments.isCode(attributes) && (attributes & Segments.TYPE_CONFORMING) != 0;
            ok = valid && (conformingCode || (dpl >= cpu.cpl && dpl >= (selector & 3)));
            if (ok) {
                int value = limit ? Segments.limit(segments.low, segments.high)
                        : segments.high & (i.operandSize == 4 ? 0x00f0_ff00 : 0xff00);
                cpu.setReg(i.reg, i.operandSize, value);
            }
        }
        flags.changeArith(Flags.ZF, ok ? Flags.ZF : 0);
    }

    void arpl(Insn i) {
        int destination = cpu.readRmForUpdate(i, 2);
        int source = cpu.reg(i.reg, 2);
        if ((destination & 3) < (source & 3)) {
            cpu.writeRmUpdate(i, 2, (destination & ~3) | (source & 3));
            flags.changeArith(Flags.ZF, Flags.ZF);
        } else {
            flags.changeArith(Flags.ZF, 0);
        }
    }

    // ================================================================== control and debug registers

    void moveFromControl(Insn i) {
        cpu.requireCpl0();
        int value = switch (i.reg) {
            case 0 -> cpu.cr0;
            case 2 -> cpu.cr2;
            case 3 -> cpu.cr3;
            case 4 -> cpu.cr4;
            default -> throw cpu.undefined();
        };
        cpu.gpr[i.rm] = value;
    }

    void moveToControl(Insn i) {
        cpu.requireCpl0();
        int value = cpu.gpr[i.rm];
        switch (i.reg) {
            case 0 -> system.writeCr0(value);
            case 2 -> cpu.cr2 = value;
            case 3 -> system.writeCr3(value);
            case 4 -> system.writeCr4(value);
            default -> throw cpu.undefined();
        }
    }

    private int debugRegister(int number) {
        if ((number == 4 || number == 5) && (cpu.cr4 & CpuCore.CR4_DE) != 0) {
            throw cpu.undefined();
        }
        return number == 4 ? 6 : number == 5 ? 7 : number;
    }

    void moveFromDebug(Insn i) {
        cpu.requireCpl0();
        cpu.gpr[i.rm] = cpu.dr[debugRegister(i.reg)];
    }

    void moveToDebug(Insn i) {
        cpu.requireCpl0();
        int number = debugRegister(i.reg);
        int value = cpu.gpr[i.rm];
        cpu.dr[number] = switch (number) {
            case 6 -> value | 0xffff_0ff0;
            case 7 -> (value | 0x400) & ~0xd000;
            default -> value;
        };
    }

    void clts() {
        cpu.requireCpl0();
        cpu.cr0 &= ~CpuCore.CR0_TS;
    }

    // ================================================================== MSRs, counters, CPUID

    void rdmsr() {
        cpu.requireCpl0();
        long value = system.readMsr(cpu.gpr[CpuCore.ECX]);
        cpu.gpr[CpuCore.EAX] = (int) value;
        cpu.gpr[CpuCore.EDX] = (int) (value >>> 32);
    }

    void wrmsr() {
        cpu.requireCpl0();
        long value = ((long) cpu.gpr[CpuCore.EDX] << 32) | (cpu.gpr[CpuCore.EAX] & 0xffff_ffffL);
        system.writeMsr(cpu.gpr[CpuCore.ECX], value);
    }

    /** RDTSC: one tick per retired instruction, so runs are reproducible. */
    void rdtsc() {
        if ((cpu.cr4 & CpuCore.CR4_TSD) != 0 && cpu.cpl != 0) {
            throw cpu.fault(Cpu.GP, 0);
        }
        long value = cpu.instructions + cpu.tscOffset;
        cpu.gpr[CpuCore.EAX] = (int) value;
        cpu.gpr[CpuCore.EDX] = (int) (value >>> 32);
    }

    /** RDPMC: two counters that always read zero (no performance monitoring is modelled). */
    void rdpmc() {
        if ((cpu.cr4 & CpuCore.CR4_PCE) == 0 && cpu.cpl != 0) {
            throw cpu.fault(Cpu.GP, 0);
        }
        if (Integer.compareUnsigned(cpu.gpr[CpuCore.ECX], 1) > 0) {
            throw cpu.fault(Cpu.GP, 0);
        }
        cpu.gpr[CpuCore.EAX] = 0;
        cpu.gpr[CpuCore.EDX] = 0;
    }

    void cpuid() {
        system.cpuid();
    }

    void cacheControl() {
        cpu.requireCpl0();
    }

    // ================================================================== HLT, CLI, STI

    void hlt() {
        cpu.requireCpl0();
        cpu.halted = true;
    }

    private void requireIopl() {
        if (cpu.cpl > ((flags.other & Flags.IOPL) >>> 12)) {
            throw cpu.fault(Cpu.GP, 0);
        }
    }

    void cli() {
        requireIopl();
        flags.other &= ~Flags.IF;
    }

    void sti() {
        requireIopl();
        if ((flags.other & Flags.IF) == 0) {
            cpu.interruptShadowUntil = cpu.instructions + 1;
        }
        flags.other |= Flags.IF;
    }

    // ================================================================== port I/O

    void in(int port, int size) {
        system.checkIoPermission(port, size);
        cpu.codeWritten();
        cpu.setReg(CpuCore.EAX, size, cpu.io.read(port, size));
    }

    void out(int port, int size) {
        system.checkIoPermission(port, size);
        cpu.codeWritten();
        cpu.io.write(port, size, cpu.reg(CpuCore.EAX, size));
    }
}
