package org.shadowbench.cpu.internal;

import org.shadowbench.cpu.Cpu;

/**
 * Control transfers: near and far jumps, calls and returns (far ones through code segments and call
 * gates, with the privilege checks and the TSS stack switch of an inner call), loops, software
 * interrupts and IRET. Far transfers to a TSS or task gate, and IRET with NT set, switch tasks
 * through {@link TaskSwitch}.
 */
final class ControlFlow {
    private final CpuCore cpu;
    private final Segments segments;
    private final Events events;
    private final StackFrame frame;

    ControlFlow(CpuCore cpu) {
        this.cpu = cpu;
        this.segments = cpu.segments;
        this.events = cpu.events;
        this.frame = events.frame();
    }

    void jumpRelative(Insn i) {
        cpu.jumpNear(cpu.eip + i.immediate, i.operandSize);
    }

    void jumpConditional(Insn i, int condition) {
        if (cpu.flags.condition(condition)) {
            jumpRelative(i);
        }
    }

    void callRelative(Insn i) {
        // The target's limit check comes before the push (#GP before #SS or #PF).
        int returnAddress = cpu.eip;
        cpu.jumpNear(returnAddress + i.immediate, i.operandSize);
        cpu.push(i.operandSize, returnAddress);
    }

    void callIndirect(Insn i) {
        int target = cpu.readRm(i, i.operandSize);
        cpu.push(i.operandSize, cpu.eip);
        cpu.jumpNear(target, i.operandSize);
    }

    void jumpIndirect(Insn i) {
        cpu.jumpNear(cpu.readRm(i, i.operandSize), i.operandSize);
    }

    void returnNear(Insn i, int release) {
        int size = i.operandSize;
        int target = cpu.peek(0, size);
        cpu.jumpNear(target, size);
        cpu.gpr[CpuCore.ESP] = cpu.movedStackPointer(size + release);
    }

    /** LOOP, LOOPE, LOOPNE and JECXZ (E0-E3). */
    void loop(Insn i) {
        int[] r = cpu.gpr;
        boolean wide = i.addressSize == 4;
        if (i.opcode == 0xe3) {
            if ((wide ? r[CpuCore.ECX] : r[CpuCore.ECX] & 0xffff) == 0) {
                jumpRelative(i);
            }
            return;
        }
        int count = wide ? r[CpuCore.ECX] - 1 : (r[CpuCore.ECX] - 1) & 0xffff;
        boolean taken = count != 0 && switch (i.opcode) {
            case 0xe0 -> !cpu.flags.zf();
            case 0xe1 -> cpu.flags.zf();
            default -> true;
        };
        if (taken) {
            jumpRelative(i);
        }
        r[CpuCore.ECX] = wide ? count : (r[CpuCore.ECX] & 0xffff_0000) | count;
    }

    /** The far pointer of FF /3 and /5: offset then selector in memory. */
    void farIndirect(Insn i, boolean call) {
        if (!i.isMemory()) {
            throw cpu.undefined();
        }
        int address = cpu.effectiveAddress(i);
        int offset = cpu.read(i.segment, address, i.operandSize);
        int selectorAddress = address + i.operandSize;
        int selector = cpu.read(i.segment, i.addressSize == 4 ? selectorAddress : selectorAddress & 0xffff, 2);
        farTransfer(selector, offset, i.operandSize, call);
    }

    /** JMP ptr16:32 and CALL ptr16:32. */
    void farDirect(Insn i, boolean call) {
        farTransfer(i.immediate2, i.immediate, i.operandSize, call);
    }

    private void farTransfer(int selector, int offset, int size, boolean call) {
        if (Segments.isNull(selector)) {
            throw cpu.fault(Cpu.GP, 0);
        }
        segments.require(selector, 0);
        int low = segments.low;
        int high = segments.high;
        int attributes = Segments.attributes(high);
        int error = selector & 0xfffc;
        if ((attributes & Segments.S) == 0) {
            int type = attributes & 0xf;
            switch (type) {
                case Segments.SYSTEM_CALL_GATE, Segments.SYSTEM_CALL_GATE16 -> {
                    throughGate(selector, low, high, call);
                    return;
                }
                case 0x1, 0x3, Segments.SYSTEM_TSS_AVAILABLE, Segments.SYSTEM_TSS_BUSY, Segments.SYSTEM_TASK_GATE -> {
                    taskSwitch(selector, high, call);
                    return;
                }
                default -> throw cpu.fault(Cpu.GP, error);
            }
        }
        if (!Segments.isCode(attributes)) {
            throw cpu.fault(Cpu.GP, error);
        }
        int dpl = Segments.dpl(attributes);
        boolean conforming = (attributes & Segments.TYPE_CONFORMING) != 0;
        if (conforming ? dpl > cpu.cpl : (selector & 3) > cpu.cpl || dpl != cpu.cpl) {
            throw cpu.fault(Cpu.GP, error);
        }
        if ((attributes & Segments.PRESENT) == 0) {
            throw cpu.fault(Cpu.NP, error);
        }
        int target = size == 4 ? offset : offset & 0xffff;
        if (Integer.compareUnsigned(target, Segments.limit(low, high)) > 0) {
            throw cpu.fault(Cpu.GP, 0);
        }
        segments.markAccessed();
        if (call) {
            cpu.push(size, cpu.segSelector[CpuCore.CS]);
            cpu.push(size, cpu.eip);
        }
        segments.commitCode(selector, cpu.cpl, low, high);
        cpu.eip = target;
    }

    /**
     * A far CALL or JMP to a TSS, or to a task gate naming one: both descriptors' DPL must admit the
     * current privilege and the selector's RPL.
     */
    private void taskSwitch(int selector, int high, boolean call) {
        int attributes = Segments.attributes(high);
        int dpl = Segments.dpl(attributes);
        int error = selector & 0xfffc;
        if (dpl < cpu.cpl || dpl < (selector & 3)) {
            throw cpu.fault(Cpu.GP, error);
        }
        int tss = selector;
        if ((attributes & 0xf) == Segments.SYSTEM_TASK_GATE) {
            if ((attributes & Segments.PRESENT) == 0) {
                throw cpu.fault(Cpu.NP, error);
            }
            tss = segments.low >>> 16;
        }
        cpu.taskSwitch.switchTo(tss, call ? TaskSwitch.Source.CALL : TaskSwitch.Source.JUMP, 0);
    }

    private void throughGate(int gateSelector, int gateLow, int gateHigh, boolean call) {
        int gateAttributes = Segments.attributes(gateHigh);
        int gateDpl = Segments.dpl(gateAttributes);
        int gateError = gateSelector & 0xfffc;
        if (gateDpl < cpu.cpl || gateDpl < (gateSelector & 3)) {
            throw cpu.fault(Cpu.GP, gateError);
        }
        if ((gateAttributes & Segments.PRESENT) == 0) {
            throw cpu.fault(Cpu.NP, gateError);
        }
        boolean gate32 = (gateAttributes & 0xf) == Segments.SYSTEM_CALL_GATE;
        int size = gate32 ? 4 : 2;
        int target = gateLow >>> 16;
        int offset = gate32 ? (gateHigh & 0xffff_0000) | (gateLow & 0xffff) : gateLow & 0xffff;
        int parameters = gateHigh & 0x1f;
        segments.checkCode(target, 0);
        int codeLow = segments.low;
        int codeHigh = segments.high;
        int attributes = Segments.attributes(codeHigh);
        int dpl = Segments.dpl(attributes);
        boolean conforming = (attributes & Segments.TYPE_CONFORMING) != 0;
        int targetError = target & 0xfffc;
        if (dpl > cpu.cpl || (!call && !conforming && dpl != cpu.cpl)) {
            throw cpu.fault(Cpu.GP, targetError);
        }
        if ((attributes & Segments.PRESENT) == 0) {
            throw cpu.fault(Cpu.NP, targetError);
        }
        if (Integer.compareUnsigned(offset, Segments.limit(codeLow, codeHigh)) > 0) {
            throw cpu.fault(Cpu.GP, 0);
        }
        segments.markAccessed();
        if (call && !conforming && dpl < cpu.cpl) {
            int stackSelector = events.innerStack(dpl, 0);
            int stackLow = segments.low;
            int stackHigh = segments.high;
            frame.open(Segments.base(stackLow, stackHigh), Segments.limit(stackLow, stackHigh),
                    Segments.attributes(stackHigh), events.innerEsp(), true, Cpu.SS, stackSelector & 0xfffc);
            frame.push(size, cpu.segSelector[CpuCore.SS]);
            frame.push(size, cpu.gpr[CpuCore.ESP]);
            for (int k = parameters - 1; k >= 0; k--) {
                frame.push(size, cpu.peek(k * size, size));
            }
            frame.push(size, cpu.segSelector[CpuCore.CS]);
            frame.push(size, cpu.eip);
            segments.commitStack(stackSelector, stackLow, stackHigh);
            cpu.gpr[CpuCore.ESP] = frame.esp();
            segments.commitCode(target, dpl, codeLow, codeHigh);
        } else {
            if (call) {
                cpu.push(size, cpu.segSelector[CpuCore.CS]);
                cpu.push(size, cpu.eip);
            }
            segments.commitCode(target, cpu.cpl, codeLow, codeHigh);
        }
        cpu.eip = offset;
    }

    /** RETF with {@code release} bytes of parameters. */
    void returnFar(Insn i, int release) {
        int size = i.operandSize;
        int target = cpu.peek(0, size);
        int selector = cpu.peek(size, size) & 0xffff;
        returnTo(selector, target, size, 2 * size, release, false, 0);
    }

    void iret(Insn i) {
        // An IRET ends an NMI handler's blocking even when it faults (SDM 6.7.1).
        cpu.nmiBlocked = false;
        if ((cpu.flags.other & Flags.NT) != 0) {
            // Back to the task that called this one: its selector is this TSS's back link.
            int link = cpu.readSystem(cpu.trBase, 2);
            cpu.taskSwitch.switchTo(link, TaskSwitch.Source.IRET, 0);
            return;
        }
        int size = i.operandSize;
        int target = cpu.peek(0, size);
        int selector = cpu.peek(size, size) & 0xffff;
        int newFlags = cpu.peek(2 * size, size);
        if (size == 2) {
            newFlags = (cpu.flags.get() & 0xffff_0000) | (newFlags & 0xffff);
        }
        if ((newFlags & Flags.VM) != 0 && cpu.cpl == 0) {
            throw new Shutdown("IRET to virtual-8086 mode: not supported");
        }
        returnTo(selector, target, size, 3 * size, 0, true, newFlags);
    }

    /**
     * The common part of RETF and IRET: checks the code selector popped, and for a return to an outer
     * level the stack selector after it, then commits.
     *
     * @param frameBytes bytes of EIP, CS (and EFLAGS) popped before any outer SS:ESP
     */
    private void returnTo(int selector, int target, int size, int frameBytes, int release, boolean restoreFlags,
            int newFlags) {
        int rpl = selector & 3;
        int error = selector & 0xfffc;
        if (rpl < cpu.cpl) {
            throw cpu.fault(Cpu.GP, error);
        }
        segments.checkCode(selector, 0);
        int codeLow = segments.low;
        int codeHigh = segments.high;
        int attributes = Segments.attributes(codeHigh);
        boolean conforming = (attributes & Segments.TYPE_CONFORMING) != 0;
        int dpl = Segments.dpl(attributes);
        if (conforming ? dpl > rpl : dpl != rpl) {
            throw cpu.fault(Cpu.GP, error);
        }
        if ((attributes & Segments.PRESENT) == 0) {
            throw cpu.fault(Cpu.NP, error);
        }
        int newEip = size == 4 ? target : target & 0xffff;
        if (Integer.compareUnsigned(newEip, Segments.limit(codeLow, codeHigh)) > 0) {
            throw cpu.fault(Cpu.GP, 0);
        }
        segments.markAccessed();
        boolean outer = rpl > cpu.cpl;
        int newEsp = 0;
        int stackSelector = 0;
        int stackLow = 0;
        int stackHigh = 0;
        if (outer) {
            newEsp = cpu.peek(frameBytes + release, size);
            stackSelector = cpu.peek(frameBytes + release + size, size) & 0xffff;
            segments.checkNewStack(stackSelector, rpl, Cpu.GP, 0);
            segments.markAccessed();
            stackLow = segments.low;
            stackHigh = segments.high;
        }
        if (restoreFlags) {
            int writable = Flags.WRITABLE;
            if (cpu.cpl > 0) {
                writable &= ~Flags.IOPL;
            }
            if (cpu.cpl > ((cpu.flags.other & Flags.IOPL) >>> 12)) {
                writable &= ~Flags.IF;
            }
            if (size == 2) {
                writable &= 0xffff;
            }
            cpu.flags.load(newFlags, writable);
        }
        if (outer) {
            segments.commitCode(selector, rpl, codeLow, codeHigh);
            segments.commitStack(stackSelector, stackLow, stackHigh);
            cpu.gpr[CpuCore.ESP] = cpu.stackSize == 4 ? newEsp + release
                    : (cpu.gpr[CpuCore.ESP] & 0xffff_0000) | ((newEsp + release) & 0xffff);
            segments.dropInaccessibleDataSegments();
        } else {
            cpu.gpr[CpuCore.ESP] = cpu.movedStackPointer(frameBytes + release);
            segments.commitCode(selector, cpu.cpl, codeLow, codeHigh);
        }
        cpu.eip = newEip;
    }

    void bound(Insn i) {
        if (!i.isMemory()) {
            throw cpu.undefined();
        }
        int size = i.operandSize;
        int address = cpu.effectiveAddress(i);
        int lower = cpu.read(i.segment, address, size);
        int upper = cpu.read(i.segment, i.addressSize == 4 ? address + size : (address + size) & 0xffff, size);
        int index = cpu.reg(i.reg, size);
        if (size == 2) {
            lower = (short) lower;
            upper = (short) upper;
            index = (short) index;
        }
        if (index < lower || index > upper) {
            throw cpu.fault(Cpu.BR, GuestFault.NO_ERROR_CODE);
        }
    }
}
