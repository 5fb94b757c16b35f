package org.shadowbench.cpu;

import org.shadowbench.pool.ReadOnlyShadowPagePool;

/**
 * The read-only surface of a {@link Cpu}: registers, segments, control registers and MSRs, the
 * privilege level, counters, CPUID, the TLB dump, side-by-side page walks and the consistency check.
 * Views and the debugger take this type where they only look; {@link Cpu} extends it with running,
 * register writes, breakpoints and device connections.
 *
 * <p>Nothing here changes guest-visible state: {@link #walk} sets no accessed or dirty bit, unlike
 * {@link Cpu#readMemory}, which is why that one is not part of this surface. Read-only describes the
 * surface, not the object behind it: the processor keeps running on the emulation thread, where this
 * is to be called.
 */
public interface ReadOnlyCpu {
    /** The shadow page pool the CPU translates through, seen read-only. */
    ReadOnlyShadowPagePool pool();

    /** A general-purpose register. */
    int register(Register register);

    /** The instruction pointer. */
    int eip();

    /**
     * While an instruction executes, for instance inside a physical access callback it causes, the EIP
     * of its first byte (its own, not the next instruction's, which {@link #eip()} may already hold);
     * during the delivery of an interrupt, the EIP it interrupted. Between instructions it is the last
     * one's. For watchpoints: which instruction made an access.
     *
     * @since 0.2 (default method: {@link #eip()})
     */
    default int accessingEip() {
        return eip();
    }

    /** EFLAGS with the arithmetic flags materialised. */
    int eflags();

    /** A segment register's selector. */
    int segmentSelector(SegmentRegister segment);

    /** A segment register's cached base. */
    int segmentBase(SegmentRegister segment);

    /** A segment register's cached limit (in bytes, granularity applied). */
    int segmentLimit(SegmentRegister segment);

    /** CR0, CR2, CR3 or CR4. */
    int controlRegister(int number);

    /**
     * Reads a model-specific register as RDMSR would.
     *
     * @throws IllegalArgumentException for an MSR this CPU does not implement
     */
    long msr(int index);

    /** The current privilege level. */
    int cpl();

    /** Instructions retired since creation. */
    long instructions();

    /** Whether the CPU is halted, waiting for an interrupt. */
    boolean halted();

    /** Counters. */
    CpuStatistics statistics();

    /** What CPUID returns for {@code leaf} now: EAX, EBX, ECX, EDX (the registers are not touched). */
    int[] cpuid(int leaf);

    /** Writes the valid TLB entries: linear page, host frame and permissions. */
    void dumpTlb(Appendable out) throws java.io.IOException;

    /**
     * Translates a linear address through the guest's page tables and through the shadow tables and
     * TLB, side by side, without changing anything (no accessed bits, no sync, no fault).
     */
    PageWalk walk(int linear);

    /** Why the last SHUTDOWN happened, or {@code null}. */
    String shutdownReason();

    /**
     * Checks the CPU's own caches against the structures they cache: the TLB against the shadow
     * tables (rights, frames, decoded-code frames never writable, every valid slot reachable by a
     * flush), the translation caches against the TLB, and the links between cached instructions and
     * compiled blocks against the code cache (none made in the current translation epoch leads to an
     * entry it no longer holds). Call between instructions, on the emulation thread.
     *
     * @return the violations found, empty when consistent
     */
    java.util.List<String> check();
}
