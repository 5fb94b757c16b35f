package org.shadowbench.cpu.internal;

import org.shadowbench.cpu.Cpu;

/**
 * Exceptions and interrupts through the IDT in protected mode: gate checks, the privilege change
 * with the TSS stack switch, the frame with its error code, and the double-fault and triple-fault
 * rules for an exception raised while delivering another.
 */
final class Events {
    private static final int BENIGN = 0;
    private static final int CONTRIBUTORY = 1;
    private static final int PAGE_FAULT = 2;

    private final CpuCore cpu;
    private final Segments segments;
    private final StackFrame frame;

    Events(CpuCore cpu) {
        this.cpu = cpu;
        this.segments = cpu.segments;
        this.frame = new StackFrame(cpu);
    }

    private static int classOf(int vector) {
        return switch (vector) {
            case Cpu.DE, Cpu.TS, Cpu.NP, Cpu.SS, Cpu.GP -> CONTRIBUTORY;
            case Cpu.PF -> PAGE_FAULT;
            default -> BENIGN;
        };
    }

    private static boolean pushesErrorCode(int vector) {
        return switch (vector) {
            case Cpu.DF, Cpu.TS, Cpu.NP, Cpu.SS, Cpu.GP, Cpu.PF, Cpu.AC -> true;
            default -> false;
        };
    }

    /**
     * Delivers a processor exception with EIP at the faulting instruction (or after it, for traps). A
     * fault while delivering becomes a double fault where the SDM says so, and a fault while
     * delivering the double fault shuts the processor down.
     */
    void deliverException(int vector, int errorCode) {
        int current = vector;
        int code = pushesErrorCode(vector) ? Math.max(errorCode, 0) : GuestFault.NO_ERROR_CODE;
        cpu.exceptionCount++;
        while (true) {
            try {
                deliver(current, code, false, 1);
                return;
            } catch (GuestFault f) {
                if (current == Cpu.DF) {
                    throw new Shutdown(String.format("triple fault: %s while delivering a double fault", f.getMessage()));
                }
                int first = classOf(current);
                int second = classOf(f.vector);
                if ((first == CONTRIBUTORY && second == CONTRIBUTORY) || (first == PAGE_FAULT && second != BENIGN)) {
                    current = Cpu.DF;
                    code = 0;
                } else {
                    current = f.vector;
                    code = pushesErrorCode(f.vector) ? Math.max(f.errorCode, 0) : GuestFault.NO_ERROR_CODE;
                }
                cpu.exceptionCount++;
            }
        }
    }

    /** Delivers an external interrupt (EIP at the next instruction). */
    void deliverExternal(int vector) {
        try {
            deliver(vector, GuestFault.NO_ERROR_CODE, false, 1);
        } catch (GuestFault f) {
            deliverException(f.vector, f.errorCode);
        }
    }

    /**
     * INT n, INT3 and INTO: the gate's DPL must admit the current privilege level; faults propagate to
     * the instruction, which restarts at the INT.
     */
    void deliverSoftware(int vector) {
        deliver(vector, GuestFault.NO_ERROR_CODE, true, 0);
    }

    /**
     * The delivery itself.
     *
     * @param ext 1 when the event is external to the program (hardware exception, interrupt): set in
     *            the error code of faults raised on the way
     */
    private void deliver(int vector, int errorCode, boolean software, int ext) {
        if (cpu.tracer != null) {
            cpu.tracer.event(vector, errorCode, cpu.eip, cpu.cr2);
        }
        int entry = vector * 8;
        int idtError = entry | 2 | ext;
        if (Integer.compareUnsigned(entry + 7, cpu.idtLimit) > 0) {
            throw cpu.fault(Cpu.GP, idtError);
        }
        long gate = cpu.readSystem64(cpu.idtBase + entry);
        int gateLow = (int) gate;
        int gateHigh = (int) (gate >>> 32);
        int type = (gateHigh >>> 8) & 0x1f;
        if (type != 0x0e && type != 0x0f && type != 0x06 && type != 0x07 && type != Segments.SYSTEM_TASK_GATE) {
            throw cpu.fault(Cpu.GP, idtError);
        }
        if (software && ((gateHigh >>> 13) & 3) < cpu.cpl) {
            throw cpu.fault(Cpu.GP, idtError);
        }
        if ((gateHigh & 0x8000) == 0) {
            throw cpu.fault(Cpu.NP, idtError);
        }
        if (type == Segments.SYSTEM_TASK_GATE) {
            throughTaskGate(gateLow >>> 16, errorCode, ext);
            return;
        }
        boolean gate32 = (type & 0x8) != 0;
        boolean interruptGate = (type & 1) == 0;
        int selector = gateLow >>> 16;
        int offset = gate32 ? (gateHigh & 0xffff_0000) | (gateLow & 0xffff) : gateLow & 0xffff;
        segments.checkCode(selector, ext);
        int codeLow = segments.low;
        int codeHigh = segments.high;
        int attributes = Segments.attributes(codeHigh);
        int dpl = Segments.dpl(attributes);
        int codeError = (selector & 0xfffc) | ext;
        if (dpl > cpu.cpl) {
            throw cpu.fault(Cpu.GP, codeError);
        }
        if ((attributes & Segments.PRESENT) == 0) {
            throw cpu.fault(Cpu.NP, codeError);
        }
        if (Integer.compareUnsigned(offset, Segments.limit(codeLow, codeHigh)) > 0) {
            throw cpu.fault(Cpu.GP, ext);
        }
        segments.markAccessed();
        boolean conforming = (attributes & Segments.TYPE_CONFORMING) != 0;
        int newCpl = conforming ? cpu.cpl : dpl;
        int size = gate32 ? 4 : 2;
        int eflags = cpu.flags.get();
        int oldSs = cpu.segSelector[CpuCore.SS];
        int oldEsp = cpu.gpr[CpuCore.ESP];
        boolean inner = newCpl < cpu.cpl;
        int stackSelector = 0;
        int stackLow = 0;
        int stackHigh = 0;
        if (inner) {
            stackSelector = innerStack(newCpl, ext);
            stackLow = segments.low;
            stackHigh = segments.high;
            frame.open(Segments.base(stackLow, stackHigh), Segments.limit(stackLow, stackHigh),
                    Segments.attributes(stackHigh), innerEsp, true, Cpu.SS, (stackSelector & 0xfffc) | ext);
            frame.push(size, oldSs);
            frame.push(size, oldEsp);
        } else {
            frame.onCurrentStack();
        }
        frame.push(size, eflags);
        frame.push(size, cpu.segSelector[CpuCore.CS]);
        frame.push(size, cpu.eip);
        if (errorCode != GuestFault.NO_ERROR_CODE) {
            frame.push(size, errorCode);
        }
        // Everything that can fault has happened: commit.
        if (inner) {
            segments.commitStack(stackSelector, stackLow, stackHigh);
        }
        cpu.gpr[CpuCore.ESP] = frame.esp();
        segments.commitCode(selector, newCpl, codeLow, codeHigh);
        int cleared = Flags.TF | Flags.NT | Flags.RF | Flags.VM | (interruptGate ? Flags.IF : 0);
        cpu.flags.other &= ~cleared;
        cpu.eip = offset;
        cpu.halted = false;
    }

    /**
     * An event through a task gate: the handler is another task, entered with a task switch that
     * records the interrupted one as its back link; an error code goes on the new task's stack.
     */
    private void throughTaskGate(int tssSelector, int errorCode, int ext) {
        cpu.taskSwitch.switchTo(tssSelector, TaskSwitch.Source.INTERRUPT, ext);
        if (errorCode != GuestFault.NO_ERROR_CODE) {
            cpu.push(4, errorCode);
        }
        cpu.halted = false;
    }

    private int innerEsp;

    /**
     * Reads SS:ESP for privilege level {@code level} from the current TSS and checks the segment; returns
     * the selector, leaves the descriptor in the segment reader and the ESP in {@link #innerEsp}.
     */
    int innerStack(int level, int ext) {
        int tssError = (cpu.trSelector & 0xfffc) | ext;
        int tssType = cpu.trAttr & 0xf;
        boolean tss32 = tssType == Segments.SYSTEM_TSS_AVAILABLE || tssType == Segments.SYSTEM_TSS_BUSY;
        int offset = tss32 ? 4 + 8 * level : 2 + 4 * level;
        int width = tss32 ? 8 : 4;
        if (Segments.isNull(cpu.trSelector) || Integer.compareUnsigned(offset + width - 1, cpu.trLimit) > 0) {
            throw cpu.fault(Cpu.TS, tssError);
        }
        int selector;
        if (tss32) {
            innerEsp = cpu.readSystem(cpu.trBase + offset, 4);
            selector = cpu.readSystem(cpu.trBase + offset + 4, 2);
        } else {
            innerEsp = cpu.readSystem(cpu.trBase + offset, 2);
            selector = cpu.readSystem(cpu.trBase + offset + 2, 2);
        }
        segments.checkNewStack(selector, level, Cpu.TS, ext);
        segments.markAccessed();
        return selector;
    }

    /** ESP read by the last {@link #innerStack}. */
    int innerEsp() {
        return innerEsp;
    }

    /** The frame builder, shared with the far transfers. */
    StackFrame frame() {
        return frame;
    }
}
