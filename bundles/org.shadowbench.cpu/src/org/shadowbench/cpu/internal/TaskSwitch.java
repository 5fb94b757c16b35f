package org.shadowbench.cpu.internal;

import org.shadowbench.cpu.Cpu;

/**
 * Hardware task switches between 32-bit TSSs (SDM volume 3, 8.3): through a task gate in the IDT, a
 * far CALL or JMP to a TSS or task gate, and IRET with EFLAGS.NT set back to the task that called.
 *
 * <p>The order follows the SDM: the new TSS's descriptor is checked and the whole new state read
 * before anything changes, so that a fault up to there leaves the old task intact; then the old
 * task's state is saved, the busy bits and the back link are updated, TR moves and the new state is
 * loaded. Faults raised while loading the new segment registers belong to the new task (#TS with the
 * offending selector), as on hardware. 16-bit TSSs are not modelled: switching to or from one
 * shuts the run down with a reason.
 */
final class TaskSwitch {
    /** Why the switch happens: decides the busy bits, the back link and NT. */
    enum Source {
        CALL, JUMP, IRET, INTERRUPT
    }

    /** The smallest limit of a 32-bit TSS: everything up to the I/O map base. */
    static final int MINIMUM_LIMIT = 0x67;
    private static final int BUSY = 0x200;

    private static final int LINK = 0x00;
    private static final int CR3 = 0x1c;
    private static final int EIP = 0x20;
    private static final int EFLAGS = 0x24;
    private static final int GPRS = 0x28;
    private static final int SELECTORS = 0x48;
    private static final int LDT = 0x60;

    private final CpuCore cpu;
    private final Segments segments;

    /** The new task's state, read in full before the old one is saved. */
    private final int[] newGprs = new int[8];
    private final int[] newSelectors = new int[6];

    TaskSwitch(CpuCore cpu) {
        this.cpu = cpu;
        this.segments = cpu.segments;
    }

    /**
     * Switches to the task whose TSS selector is {@code selector}, with EIP already at the address the
     * old task resumes at.
     *
     * @param ext 1 when an external event (hardware interrupt or exception) caused the switch: set in
     *            the error codes raised on the way
     */
    void switchTo(int selector, Source source, int ext) {
        // The new task brings its own CR3, EFLAGS and LDT: the run loop looks again after it.
        cpu.attention = true;
        boolean nested = source == Source.CALL || source == Source.INTERRUPT;
        // Checks of the new TSS: #GP for the instructions that name it, #TS for IRET's back link.
        int tableFault = source == Source.IRET ? Cpu.TS : Cpu.GP;
        int error = (selector & 0xfffc) | ext;
        if ((selector & 4) != 0 || !segments.read(selector)) {
            throw cpu.fault(tableFault, error);
        }
        int low = segments.low;
        int high = segments.high;
        int descriptorAddress = segments.address;
        int attributes = Segments.attributes(high);
        int type = attributes & (Segments.S | 0xf);
        boolean busy = type == Segments.SYSTEM_TSS_BUSY || type == 0x3;
        boolean available = type == Segments.SYSTEM_TSS_AVAILABLE || type == 0x1;
        if (source == Source.IRET ? !busy : !available) {
            throw cpu.fault(tableFault, error);
        }
        if ((attributes & Segments.PRESENT) == 0) {
            throw cpu.fault(Cpu.NP, error);
        }
        if ((type & 0x8) == 0 || (cpu.trAttr & 0x8) == 0) {
            throw new Shutdown(String.format("task switch to selector %#x involves a 16-bit TSS, which is not supported", selector));
        }
        int base = Segments.base(low, high);
        int limit = Segments.limit(low, high);
        if (Integer.compareUnsigned(limit, MINIMUM_LIMIT) < 0) {
            throw cpu.fault(Cpu.TS, error);
        }
        if (Integer.compareUnsigned(cpu.trLimit, MINIMUM_LIMIT) < 0) {
            throw cpu.fault(Cpu.TS, (cpu.trSelector & 0xfffc) | ext);
        }

        // Read the new state (page faults here leave everything as it was).
        int newCr3 = cpu.readSystem(base + CR3, 4);
        int newEip = cpu.readSystem(base + EIP, 4);
        int newFlags = cpu.readSystem(base + EFLAGS, 4);
        for (int r = 0; r < 8; r++) {
            newGprs[r] = cpu.readSystem(base + GPRS + 4 * r, 4);
        }
        for (int s = 0; s < 6; s++) {
            newSelectors[s] = cpu.readSystem(base + SELECTORS + 4 * s, 2);
        }
        int newLdt = cpu.readSystem(base + LDT, 2);
        if ((newFlags & Flags.VM) != 0) {
            throw new Shutdown("task switch into virtual-8086 mode: not supported");
        }

        // Save the old task. IRET leaves it with NT clear: it is no longer nested.
        int oldFlags = cpu.flags.get();
        if (source == Source.IRET) {
            oldFlags &= ~Flags.NT;
        }
        int oldBase = cpu.trBase;
        cpu.writeSystem(oldBase + EIP, 4, cpu.eip);
        cpu.writeSystem(oldBase + EFLAGS, 4, oldFlags);
        for (int r = 0; r < 8; r++) {
            cpu.writeSystem(oldBase + GPRS + 4 * r, 4, cpu.gpr[r]);
        }
        for (int s = 0; s < 6; s++) {
            cpu.writeSystem(oldBase + SELECTORS + 4 * s, 2, cpu.segSelector[s]);
        }

        // Busy bits and the back link: a nested task records who called it; a jump or a return frees the old TSS.
        if (source == Source.JUMP || source == Source.IRET) {
            int oldHigh = cpu.readSystem(cpu.gdtBase + (cpu.trSelector & 0xfff8) + 4, 4);
            cpu.writeSystem(cpu.gdtBase + (cpu.trSelector & 0xfff8) + 4, 4, oldHigh & ~BUSY);
        }
        if (nested) {
            cpu.writeSystem(base + LINK, 2, cpu.trSelector);
            newFlags |= Flags.NT;
        }
        if (source != Source.IRET) {
            high |= BUSY;
            cpu.writeSystem(descriptorAddress + 4, 4, high);
        }

        // Commit: TR, CR0.TS, then the new task's state.
        cpu.trSelector = selector & 0xffff;
        cpu.trBase = base;
        cpu.trLimit = limit;
        cpu.trAttr = Segments.attributes(high);
        cpu.cr0 |= CpuCore.CR0_TS;
        if (cpu.pagingEnabled()) {
            cpu.system.writeCr3(newCr3);
        }
        cpu.flags.load(newFlags, -1);
        System.arraycopy(newGprs, 0, cpu.gpr, 0, 8);
        cpu.eip = newEip;
        loadSegments(ext, newLdt);
    }

    /**
     * Loads LDTR and the segment registers of the new task: first every selector with an unusable
     * cache (what a fault handler of the new task sees), then each descriptor with its checks.
     */
    private void loadSegments(int ext, int ldt) {
        for (int s = 0; s < 6; s++) {
            segments.loadNull(s, newSelectors[s]);
        }
        cpu.ldtSelector = 0;
        cpu.ldtBase = 0;
        cpu.ldtLimit = 0;
        segments.loadLdt(ldt, Cpu.TS, ext);

        int cs = newSelectors[CpuCore.CS];
        int level = cs & 3;
        int csError = (cs & 0xfffc) | ext;
        if (Segments.isNull(cs) || !segments.read(cs)) {
            throw cpu.fault(Cpu.TS, csError);
        }
        int codeAttributes = Segments.attributes(segments.high);
        boolean conforming = (codeAttributes & Segments.TYPE_CONFORMING) != 0;
        int codeDpl = Segments.dpl(codeAttributes);
        if (!Segments.isCode(codeAttributes) || (conforming ? codeDpl > level : codeDpl != level)) {
            throw cpu.fault(Cpu.TS, csError);
        }
        if ((codeAttributes & Segments.PRESENT) == 0) {
            throw cpu.fault(Cpu.NP, csError);
        }
        segments.markAccessed();
        segments.commitCode(cs, level, segments.low, segments.high);

        int ss = newSelectors[CpuCore.SS];
        segments.checkNewStack(ss, level, Cpu.TS, ext);
        segments.markAccessed();
        segments.commitStack(ss, segments.low, segments.high);

        for (int s : Segments.DATA_SEGMENTS) {
            segments.loadData(s, newSelectors[s], Cpu.TS, ext);
        }
    }
}
