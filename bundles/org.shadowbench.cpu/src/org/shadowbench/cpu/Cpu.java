package org.shadowbench.cpu;

import org.shadowbench.pool.ShadowPagePool;

/**
 * One IA-32 processor in protected mode. Guest code runs through shadow page tables: the CPU
 * becomes the pool's {@link org.shadowbench.pool.PoolHooks}, so that shadow changes flush its TLB
 * and guest writes to monitored page tables carry the facts of the instruction.
 *
 * <p>Guest misbehaviour (bad opcodes, faults, triple faults) never becomes a Java exception: it is
 * delivered to the guest through its IDT, or stops the run with {@link StopReason#SHUTDOWN}.
 * Not thread-safe, except {@link #requestStop()}: the emulation thread owns the CPU.
 *
 * <p>This is the controlling surface; code that only looks at the processor takes the
 * {@link ReadOnlyCpu} it extends. Instances come from a {@link CpuFactory}.
 */
public interface Cpu extends ReadOnlyCpu {
    /** Vector of the divide error. */
    int DE = 0;
    /** Vector of the debug exception. */
    int DB = 1;
    /** Vector of the non-maskable interrupt. */
    int NMI = 2;
    /** Vector of the breakpoint (INT3). */
    int BP = 3;
    /** Vector of the overflow trap (INTO). */
    int OF = 4;
    /** Vector of the BOUND range exception. */
    int BR = 5;
    /** Vector of the invalid opcode. */
    int UD = 6;
    /** Vector of device not available. */
    int NM = 7;
    /** Vector of the double fault. */
    int DF = 8;
    /** Vector of the invalid TSS. */
    int TS = 10;
    /** Vector of segment not present. */
    int NP = 11;
    /** Vector of the stack fault. */
    int SS = 12;
    /** Vector of the general protection fault. */
    int GP = 13;
    /** Vector of the page fault. */
    int PF = 14;
    /** Vector of the alignment check. */
    int AC = 17;

    /** The shadow page pool the CPU translates through. */
    @Override
    ShadowPagePool pool();

    /** Runs at most {@code maxInstructions} instructions. */
    StopReason run(long maxInstructions);

    /**
     * Turns the interpreter's fast path on (the default) or off. With it off every instruction goes
     * through the general executor and conditions are always derived from the flags: slower, and
     * meant for diagnosing the emulation (a guest that behaves differently with and without it points
     * at the fast path). Decoded instructions are
     * dropped, so the change applies from the next instruction.
     */
    void setFastPathEnabled(boolean enabled);

    /** Makes a running {@link #run} return soon with {@link StopReason#STOP_REQUESTED}; callable from any thread. */
    void requestStop();

    /** Puts the CPU in 32-bit protected mode with flat ring-0 segments and paging off (the multiboot state). */
    void enterFlatProtectedMode();

    /** Sets a general-purpose register. */
    void setRegister(Register register, int value);

    /** Sets the instruction pointer (and leaves the halted state). */
    void setEip(int eip);

    /** Sets EFLAGS (reserved bits are forced to their fixed values). */
    void setEflags(int eflags);

    /** Writes CR0, CR3 or CR4 with the architectural side effects (TLB flushes, mode changes). */
    void setControlRegister(int number, int value);

    /**
     * Writes a model-specific register as WRMSR would.
     *
     * @throws IllegalArgumentException for an unknown MSR or a value it rejects
     */
    void setMsr(int index, long value);

    /** Loads GDTR and IDTR as LGDT and LIDT would. */
    void loadDescriptorTables(int gdtBase, int gdtLimit, int idtBase, int idtLimit);

    /**
     * Loads a segment register from the descriptor tables with the checks of a MOV to it (for CS: of a
     * far jump at the current privilege level).
     *
     * @throws IllegalArgumentException when the guest instruction would fault
     */
    void loadSegment(SegmentRegister segment, int selector);

    /**
     * Reads guest memory at a linear address through the guest's translation with supervisor rights,
     * as a debugger does (no guest fault is raised; accessed and dirty bits may be set).
     *
     * @throws IllegalArgumentException when the address is not mapped or the size is not 1, 2, 4 or 8
     */
    long readMemory(int linearAddress, int size);

    /** Stops {@link #run} before the instruction at the linear address. */
    void addBreakpoint(int linearAddress);

    /** Removes a breakpoint. */
    void removeBreakpoint(int linearAddress);

    /** Invalidates the whole TLB and decoded-instruction cache. */
    void flushTlb();

    /** Sets the tracer told about slow-path events, or {@code null} for none. */
    void setTracer(CpuTracer tracer);

    /**
     * Connects the local APIC: CPUID then reports an APIC (while IA32_APIC_BASE enables it) and
     * {@code apicId} as the initial APIC ID, the MSR is enabled again, and the guest's writes to it are
     * passed to {@code baseWritten}; moving the APIC elsewhere raises #GP (the registers stay at
     * 0xfee00000).
     */
    void connectLocalApic(int apicId, java.util.function.LongConsumer baseWritten);

    /** Disconnects the local APIC: CPUID no longer reports one. */
    void disconnectLocalApic();
}
