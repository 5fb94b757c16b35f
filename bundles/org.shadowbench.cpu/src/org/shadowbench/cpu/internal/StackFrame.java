package org.shadowbench.cpu.internal;

/**
 * Builds a frame on a stack before anything is committed: the current stack, or the inner stack an
 * interrupt or call gate switches to. Each push checks the segment limit and writes memory; the
 * registers change only when the caller commits {@link #esp()} afterwards, so a fault part-way
 * leaves the CPU as it was.
 */
final class StackFrame {
    private final CpuCore cpu;
    private int base;
    private int limit;
    private int attributes;
    private int esp;
    private boolean supervisor;
    private int faultVector;
    private int faultError;

    StackFrame(CpuCore cpu) {
        this.cpu = cpu;
    }

    /** Starts a frame on the current stack (SS:ESP), faulting with #SS(0). */
    StackFrame onCurrentStack() {
        return open(cpu.segBase[CpuCore.SS], cpu.segLimit[CpuCore.SS], cpu.segAttr[CpuCore.SS], cpu.gpr[CpuCore.ESP],
                cpu.cpl < 3, org.shadowbench.cpu.Cpu.SS, 0);
    }

    /** Starts a frame on another stack, written with the rights of the privilege level the transfer enters. */
    StackFrame open(int newBase, int newLimit, int newAttributes, int newEsp, boolean asSupervisor, int vector,
            int error) {
        base = newBase;
        limit = newLimit;
        attributes = newAttributes;
        esp = newEsp;
        supervisor = asSupervisor;
        faultVector = vector;
        faultError = error;
        return this;
    }

    private boolean big() {
        return (attributes & Segments.BIG) != 0;
    }

    void push(int size, int value) {
        int next = big() ? esp - size : (esp & 0xffff_0000) | ((esp - size) & 0xffff);
        int offset = big() ? next : next & 0xffff;
        if (!Segments.withinLimit(attributes, limit, offset, size)) {
            throw cpu.fault(faultVector, faultError);
        }
        if (supervisor) {
            cpu.writeSystem(base + offset, size, value);
        } else {
            cpu.writeLinear(base + offset, size, value);
        }
        esp = next;
    }

    /** The stack pointer after the pushes so far. */
    int esp() {
        return esp;
    }
}
