package org.shadowbench.cpu.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.CpuStatistics;
import org.shadowbench.cpu.CpuTracer;
import org.shadowbench.cpu.InterruptController;
import org.shadowbench.cpu.IoPortBus;
import org.shadowbench.cpu.PageWalk;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.SegmentRegister;
import org.shadowbench.cpu.StopReason;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.memory.PageChangeListener;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.pool.FaultingInstruction;
import org.shadowbench.pool.PoolHooks;
import org.shadowbench.pool.ShadowPagePool;

/**
 * The processor: architectural state, the run loop, segment-checked memory and stack access, and
 * the pool's hooks. Decoding, execution by instruction group, segment loading and event delivery
 * live in their own classes, which work on this state directly (as Bochs splits its CPU by
 * instruction group over one {@code BX_CPU_C}).
 *
 * <p>An instruction either completes or faults with no architectural effect but memory below the
 * stack pointer: executors check and write memory before they change registers, and the loop puts
 * EIP and ESP back before delivering the fault.
 */
public final class CpuCore implements Cpu, PoolHooks {
    static final int EAX = 0;
    static final int ECX = 1;
    static final int EDX = 2;
    static final int EBX = 3;
    static final int ESP = 4;
    static final int EBP = 5;
    static final int ESI = 6;
    static final int EDI = 7;

    static final int ES = 0;
    static final int CS = 1;
    static final int SS = 2;
    static final int DS = 3;
    static final int FS = 4;
    static final int GS = 5;

    static final int UD_FAULT = Cpu.UD;
    static final int GP_FAULT = Cpu.GP;
    static final int PF_FAULT = Cpu.PF;

    static final int CR0_PE = 0x1;
    static final int CR0_MP = 0x2;
    static final int CR0_EM = 0x4;
    static final int CR0_TS = 0x8;
    static final int CR0_ET = 0x10;
    static final int CR0_NE = 0x20;
    static final int CR0_WP = 0x10000;
    static final int CR0_AM = 0x40000;
    static final int CR0_NW = 0x2000_0000;
    static final int CR0_CD = 0x4000_0000;
    static final int CR0_PG = 0x8000_0000;

    static final int CR4_TSD = 0x4;
    static final int CR4_DE = 0x8;
    static final int CR4_PSE = 0x10;
    static final int CR4_PAE = 0x20;
    static final int CR4_MCE = 0x40;
    static final int CR4_PGE = 0x80;
    static final int CR4_PCE = 0x100;
    static final int CR4_OSFXSR = 0x200;
    static final int CR4_OSXMMEXCPT = 0x400;
    /** CR4 bits this CPU implements; setting any other raises #GP. */
    static final int CR4_SUPPORTED = CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_PGE | CR4_PCE | CR4_OSFXSR
            | CR4_OSXMMEXCPT;

    static final long EFER_NXE = 0x800;

    /** REP string instructions stop after this many iterations and resume on the next step, so events get in. */
    static final int REP_CHUNK = 16384;

    // ================================================================== architectural state
    /** EAX to EDI, then {@link FastPath#ZERO_REGISTER}, which is never written and reads zero. */
    final int[] gpr = new int[9];
    int eip;
    final Flags flags = new Flags();
    final int[] segSelector = new int[6];
    final int[] segBase = new int[6];
    final int[] segLimit = new int[6];
    /** Bits 8 to 23 of the descriptor's high word: type, S, DPL, P, AVL, L, D/B, G. */
    final int[] segAttr = new int[6];
    /** Whether reads (writes) through the segment are allowed at all; false for null selectors. */
    final boolean[] segReadable = new boolean[6];
    final boolean[] segWritable = new boolean[6];
    /** Expand-up with a 4 GiB limit: no offset can exceed it, so accesses skip the limit check. */
    final boolean[] segUnlimited = new boolean[6];
    /** Per segment, the accesses that need no check at all ({@link #UNCHECKED_READ}, {@link #UNCHECKED_WRITE}): one load decides. */
    final int[] segUnchecked = new int[6];
    /** The base each segment had when {@link #segUnchecked} was last set (see Segments.cacheChanged). */
    final int[] segCachedBase = new int[6];
    static final int UNCHECKED_READ = 1;
    static final int UNCHECKED_WRITE = 2;
    int cpl;
    /** 2 or 4: the code segment's default operand and address size. */
    int codeSize = 4;
    /** CS's limit, kept apart for the run loop's jumps (set with the segment cache, see Segments). */
    int codeLimit = -1;
    /** 2 or 4: the stack segment's B bit. */
    int stackSize = 4;

    int gdtBase;
    int gdtLimit;
    int idtBase;
    int idtLimit = 0x3ff;
    int ldtSelector;
    int ldtBase;
    int ldtLimit;
    int trSelector;
    int trBase;
    int trLimit;
    int trAttr;

    int cr0 = CR0_ET;
    int cr2;
    int cr3;
    int cr4;
    final int[] dr = { 0, 0, 0, 0, 0, 0, 0xffff0ff0, 0x400 };
    long efer;
    long apicBase = SystemRegisters.APIC_BASE_RESET;
    /** The connected local APIC's ID, or -1 when there is none. */
    int apicId = -1;
    /** Told about the guest's writes to IA32_APIC_BASE; null without a local APIC. */
    java.util.function.LongConsumer apicBaseWritten;
    long tscOffset;

    /** XMM0-7 as low/high quadword pairs, MXCSR, and the x87 area of FXSAVE kept verbatim. */
    final long[] xmm = new long[16];
    int mxcsr = 0x1f80;
    final byte[] x87Area = new byte[160];

    // ================================================================== engine
    final PhysicalMemory memory;
    final PhysicalHandlerRegistry registry;
    final ShadowPagePool pool;
    final IoPortBus io;
    final InterruptController interrupts;
    final Mmu mmu;
    /**
     * The instruction whose facts the pool gets on a monitored write (see {@link #currentInstruction}):
     * set by general instructions, by fast-path instructions before their writes, and to the faulting
     * instruction or {@link #noInstruction} when an event is delivered.
     */
    Insn current;
    /** Facts for writes no instruction makes (an interrupt frame): a NOP's. */
    private final Insn noInstruction = new Insn();
    /**
     * Bumped whenever memory may have changed outside the CPU's view; cached instructions re-check then.
     * A long: port I/O bumps it too, and an int could come round to an old entry's value in a long run.
     */
    long codeGeneration;
    /** Bumped whenever a linear address may have come to fetch from another frame (see {@link #runBurst}). */
    int translationEpoch;

    private final Decoder decoder;
    /** The code cache, the fetch page, links and branch fusion. */
    final InstructionFetch fetch;
    private final Executor executor;
    /** The flat stack's last page, for PUSH, POP, CALL, RET and LEAVE. */
    final StackCache stack;
    private final FastPath fastPath;
    /** Whether the decoder gives instructions a fast path (see {@link #setFastPathEnabled}). */
    boolean fastPathEnabled = true;
    /**
     * Interpretations of an instruction after which the run loop compiles a block from it (see
     * {@link BlockCompiler}); 0 turns block compilation off. The system property
     * {@code shadowbench.blocks.threshold} sets it for comparisons.
     */
    private int blockThreshold = Math.max(1, CONFIGURED_BLOCK_THRESHOLD);
    private boolean blocksEnabled = CONFIGURED_BLOCK_THRESHOLD > 0;
    static final int DEFAULT_BLOCK_THRESHOLD = 256;
    private static final int CONFIGURED_BLOCK_THRESHOLD = Integer.getInteger("shadowbench.blocks.threshold", DEFAULT_BLOCK_THRESHOLD);
    /** Instructions retired in compiled blocks, and how often one was entered. */
    long blockInstructions;
    long blockRuns;
    /** Of those, the runs entered straight from the block before (see {@link CompiledBlock#successor}). */
    long chainedRuns;
    final Segments segments;
    final Events events;
    final TaskSwitch taskSwitch;
    final SystemRegisters system;
    private final GuestFault faultObject = new GuestFault();
    private final FaultingInstruction poolFacts = new FaultingInstruction();
    /** Set when {@link #currentInstruction()} handed out the facts during the current instruction. */
    boolean poolFactsUsed;

    // ================================================================== run control
    private volatile boolean stopRequested;
    boolean halted;
    /** Interrupts are inhibited for the instruction after STI and after a load of SS. */
    long interruptShadowUntil = -1;
    /**
     * Set while an NMI handler runs: further NMIs stay pending at their source until the next IRET
     * (SDM 6.7.1), so that the handler is not re-entered.
     */
    boolean nmiBlocked;
    private int[] breakpoints = new int[0];
    private static final long NO_RESUME = -1L << 32;
    /** The breakpoint address the last run stopped at, which the next run steps over once. */
    private long resumeAt = NO_RESUME;
    private boolean cr3SyncPending;
    /**
     * Raised when the run loop must look at its conditions before the next instruction (see
     * {@link #runBurst}): by the MMU on an access through the registry or the trap handler, and by a
     * change of decoded code; a plain TLB fill raises nothing.
     */
    boolean attention;
    /** Instructions between two looks at a stop request while nothing else needs attention. */
    private static final int BURST_LENGTH = 4096;
    private boolean poolClearPending;
    private String shutdownReason;
    /** The EIP of the instruction being executed (compiled blocks set it too, see {@link CompiledBlock#run}). */
    int startEip;
    private int startEsp;

    /** Told about slow-path events; null when nobody listens. */
    CpuTracer tracer;

    long instructions;
    long generalCount;
    long exceptionCount;
    long interruptCount;

    CpuCore(PhysicalMemory memory, PhysicalHandlerRegistry registry, Function<PoolHooks, ShadowPagePool> poolFactory,
            IoPortBus io, InterruptController interrupts) {
        this.memory = Objects.requireNonNull(memory);
        this.registry = Objects.requireNonNull(registry);
        this.io = Objects.requireNonNull(io);
        this.interrupts = Objects.requireNonNull(interrupts);
        this.pool = Objects.requireNonNull(poolFactory.apply(this));
        this.mmu = new Mmu(this, memory, registry, pool);
        this.decoder = new Decoder(this);
        this.fetch = new InstructionFetch(this, decoder);
        this.current = fetch.scratch;
        this.segments = new Segments(this);
        this.events = new Events(this);
        this.taskSwitch = new TaskSwitch(this);
        this.system = new SystemRegisters(this);
        this.executor = new Executor(this);
        this.fastPath = new FastPath(this, executor);
        this.stack = new StackCache(this);
        noInstruction.clear(0, 4);
        noInstruction.opcode = 0x90;
        memory.addListener(new TranslationListener());
        reset();
    }

    /**
     * The page model's word on cached translations: the TLB maps linear pages straight to host frames,
     * so a frame leaving its guest page, or any mapping going stale, must leave the TLB.
     */
    private final class TranslationListener implements PageChangeListener {
        /**
         * The TLB maps linear pages to host frames, so a page's stale mappings are the entries mapping its
         * frame; a page without one of its own (MMIO, outside RAM) empties the TLB. When the frame was
         * replaced, the old one follows in {@link #pageBackingChanged}.
         */
        @Override
        public void pageMappingInvalidated(long gcPhysPage) {
            RamRange range = memory.rangeAt(gcPhysPage);
            int index = range == null ? -1 : range.pageIndex(gcPhysPage);
            PageType type = range == null ? PageType.INVALID : range.pageType(index);
            if (type == PageType.INVALID || type == PageType.MMIO) {
                mmu.flushTlb(false);
                return;
            }
            mmu.dropFrame(range.hostFrame(index));
        }

        @Override
        public void allPageMappingsInvalidated() {
            mmu.flushTlb(false);
        }

        @Override
        public int pageBackingChanged(long gcPhysPage, int oldHostFrame, int newHostFrame, int protection, PageType type,
                int engineState) {
            // The page may have stopped being MMIO (an MMIO2 alias, say).
            mmu.mmio.clear();
            mmu.dropFrame(oldHostFrame);
            return engineState;
        }

        @Override
        public void rangeRemoved(RamRange range) {
            mmu.flushTlb(false);
        }
    }

    /** Creates a CPU whose pool is built by {@code poolFactory} with the CPU as its hooks. */
    public static CpuCore create(PhysicalMemory memory, PhysicalHandlerRegistry registry,
            Function<PoolHooks, ShadowPagePool> poolFactory, IoPortBus io, InterruptController interrupts) {
        return new CpuCore(memory, registry, poolFactory, io, interrupts);
    }

    private void reset() {
        Arrays.fill(gpr, 0);
        nmiBlocked = false;
        eip = 0;
        flags.load(0x2, -1);
        for (int s = 0; s < 6; s++) {
            segments.loadFlat(s, 0, 0xffff, 0x93);
        }
        segments.loadFlat(CS, 0, 0xffff, 0x9b);
        cpl = 0;
        mmu.privilegeChanged(0);
    }

    @Override
    public ShadowPagePool pool() {
        return pool;
    }

    // ================================================================== faults

    /** The reusable fault object, set to the exception; callers throw it. */
    GuestFault fault(int vector, int errorCode) {
        return faultObject.set(vector, errorCode);
    }

    /** #GP(0) or, for the stack segment, #SS(0): a segment limit or type violation. */
    GuestFault segmentFault(int segment) {
        return fault(segment == SS ? Cpu.SS : Cpu.GP, 0);
    }

    GuestFault undefined() {
        return fault(Cpu.UD, GuestFault.NO_ERROR_CODE);
    }

    void requireCpl0() {
        if (cpl != 0) {
            throw fault(Cpu.GP, 0);
        }
    }

    // ================================================================== mode queries used by the MMU

    boolean pagingEnabled() {
        return (cr0 & CR0_PG) != 0;
    }

    boolean paePaging() {
        return (cr0 & CR0_PG) != 0 && (cr4 & CR4_PAE) != 0;
    }

    boolean nxEnabled() {
        return (efer & EFER_NXE) != 0;
    }

    boolean pseEnabled() {
        return (cr4 & CR4_PSE) != 0;
    }

    boolean globalPagesEnabled() {
        return (cr4 & CR4_PGE) != 0;
    }

    boolean writeProtect() {
        return (cr0 & CR0_WP) != 0;
    }

    int cr3() {
        return cr3;
    }

    void setCr2(int value) {
        cr2 = value;
    }

    /** Whether memory accesses are checked as user accesses (CPL 3, and not a system-structure access). */
    boolean userAccess() {
        return cpl == 3 && !systemAccess;
    }

    private boolean systemAccess;

    int codeSize() {
        return codeSize;
    }

    // ================================================================== code fetch

    int fetchCode(int offset) {
        if (Integer.compareUnsigned(offset, codeLimit) > 0) {
            throw fault(Cpu.GP, 0);
        }
        return mmu.fetch8(segBase[CS] + offset);
    }

    // ================================================================== segment-checked memory

    /** The linear address of a data access, checking the segment's type and limit. */
    /**
     * Whether accesses through {@code segment} needing the {@code unchecked} rights ({@link #UNCHECKED_READ},
     * {@link #UNCHECKED_WRITE} or both) may be cached by page, as the instructions' translation caches and
     * the stack's page are: they need no segment check, and the base lies on a page boundary, so that a
     * page of offsets is one page of linear addresses.
     */
    boolean cacheableByPage(int segment, int unchecked) {
        return (segUnchecked[segment] & unchecked) == unchecked && (segBase[segment] & 0xfff) == 0;
    }

    int linear(int segment, int offset, int size, boolean write) {
        if ((segUnchecked[segment] & (write ? UNCHECKED_WRITE : UNCHECKED_READ)) != 0) {
            return segBase[segment] + offset;
        }
        return checkedLinear(segment, offset, size, write);
    }

    private int checkedLinear(int segment, int offset, int size, boolean write) {
        if (!(write ? segWritable[segment] : segReadable[segment])) {
            throw segmentFault(segment);
        }
        if (segUnlimited[segment]) {
            return segBase[segment] + offset;
        }
        if (!Segments.withinLimit(segAttr[segment], segLimit[segment], offset, size)) {
            throw segmentFault(segment);
        }
        return segBase[segment] + offset;
    }

    int read8(int segment, int offset) {
        return mmu.read8(linear(segment, offset, 1, false));
    }

    int read16(int segment, int offset) {
        return mmu.read16(linear(segment, offset, 2, false));
    }

    int read32(int segment, int offset) {
        return mmu.read32(linear(segment, offset, 4, false));
    }

    /** Reads 1, 2 or 4 bytes, zero-extended. */
    int read(int segment, int offset, int size) {
        int address = linear(segment, offset, size, false);
        return switch (size) {
            case 1 -> mmu.read8(address);
            case 2 -> mmu.read16(address);
            default -> mmu.read32(address);
        };
    }

    void write(int segment, int offset, int size, int value) {
        writeLinear(linear(segment, offset, size, true), size, value);
    }

    void writeLinear(int address, int size, int value) {
        switch (size) {
            case 1 -> mmu.write8(address, value);
            case 2 -> mmu.write16(address, value);
            default -> mmu.write32(address, value);
        }
    }

    int readLinear(int address, int size) {
        return switch (size) {
            case 1 -> mmu.read8(address);
            case 2 -> mmu.read16(address);
            default -> mmu.read32(address);
        };
    }

    /** Reads a system structure (descriptor table, TSS) with supervisor rights whatever the CPL. */
    int readSystem(int address, int size) {
        if (mmu.grantsSupervisor(address, size, Mmu.READ_SUP)) {
            return mmu.readGranted(address, size);
        }
        boolean previous = enterSupervisorAccess();
        try {
            return readLinear(address, size);
        } finally {
            leaveSupervisorAccess(previous);
        }
    }

    /**
     * Reads the eight bytes of a descriptor or gate with supervisor rights: the low dword in the low half.
     * Two reads where the eight bytes cross a page.
     */
    long readSystem64(int address) {
        if (mmu.grantsSupervisor(address, 8, Mmu.READ_SUP)) {
            return mmu.readGranted64(address);
        }
        return readSystem(address, 4) & 0xffff_ffffL | (long) readSystem(address + 4, 4) << 32;
    }

    /** Writes a system structure (a descriptor's accessed or busy bit, an inner stack) with supervisor rights. */
    void writeSystem(int address, int size, int value) {
        if (mmu.grantsSupervisor(address, size, Mmu.WRITE_SUP)) {
            mmu.writeGranted(address, size, value);
            return;
        }
        boolean previous = enterSupervisorAccess();
        try {
            writeLinear(address, size, value);
        } finally {
            leaveSupervisorAccess(previous);
        }
    }

    /**
     * Gives the accesses that follow supervisor rights whatever the CPL (system structures, the
     * debugger's reads); returns what {@link #leaveSupervisorAccess} needs to restore. The two nest.
     */
    private boolean enterSupervisorAccess() {
        boolean previous = systemAccess;
        systemAccess = true;
        mmu.privilegeChanged(0);
        return previous;
    }

    private void leaveSupervisorAccess(boolean previous) {
        systemAccess = previous;
        mmu.privilegeChanged(previous ? 0 : cpl);
    }

    // ================================================================== operands

    /** The offset of the ModR/M memory operand (address-size wrapped). */
    int effectiveAddress(Insn i) {
        int address = i.displacement;
        if (i.base != Insn.NO_REGISTER) {
            address += gpr[i.base];
        }
        if (i.index != Insn.NO_REGISTER) {
            address += gpr[i.index] << i.scale;
        }
        return i.addressSize == 4 ? address : address & 0xffff;
    }

    int reg8(int number) {
        return number < 4 ? gpr[number] & 0xff : (gpr[number - 4] >>> 8) & 0xff;
    }

    void setReg8(int number, int value) {
        if (number < 4) {
            gpr[number] = (gpr[number] & ~0xff) | (value & 0xff);
        } else {
            gpr[number - 4] = (gpr[number - 4] & ~0xff00) | ((value & 0xff) << 8);
        }
    }

    /** A register of 1, 2 or 4 bytes, zero-extended. */
    int reg(int number, int size) {
        return switch (size) {
            case 1 -> reg8(number);
            case 2 -> gpr[number] & 0xffff;
            default -> gpr[number];
        };
    }

    void setReg(int number, int size, int value) {
        switch (size) {
            case 1 -> setReg8(number, value);
            case 2 -> gpr[number] = (gpr[number] & 0xffff_0000) | (value & 0xffff);
            default -> gpr[number] = value;
        }
    }

    /** Reads the ModR/M operand (register or memory). */
    int readRm(Insn i, int size) {
        if (i.mod == 3) {
            return reg(i.rm, size);
        }
        return read(i.segment, effectiveAddress(i), size);
    }

    /** Writes the ModR/M operand. */
    void writeRm(Insn i, int size, int value) {
        if (i.mod == 3) {
            setReg(i.rm, size, value);
        } else {
            write(i.segment, effectiveAddress(i), size, value);
        }
    }

    private int updateAddress;

    /**
     * Reads the ModR/M operand of a read-modify-write instruction: a memory destination is checked for
     * writing first, so the write that follows cannot fault.
     */
    int readRmForUpdate(Insn i, int size) {
        if (i.mod == 3) {
            return reg(i.rm, size);
        }
        updateAddress = linear(i.segment, effectiveAddress(i), size, true);
        mmu.probeWrite(updateAddress, size);
        return readLinear(updateAddress, size);
    }

    /** The linear address {@link #readRmForUpdate} last read from. */
    int updateAddress() {
        return updateAddress;
    }

    /** Completes {@link #readRmForUpdate}. */
    void writeRmUpdate(Insn i, int size, int value) {
        if (i.mod == 3) {
            setReg(i.rm, size, value);
        } else {
            writeLinear(updateAddress, size, value);
        }
    }

    /** Reads memory for update at an explicit linear address (the bit-string instructions' adjusted address). */
    int readLinearForUpdate(int address, int size) {
        updateAddress = address;
        mmu.probeWrite(address, size);
        return readLinear(address, size);
    }

    // ================================================================== stack

    int stackPointer() {
        return stackSize == 4 ? gpr[ESP] : gpr[ESP] & 0xffff;
    }

    /** ESP after moving by {@code delta}, wrapping within 16 bits for a 16-bit stack. */
    int movedStackPointer(int delta) {
        int esp = gpr[ESP];
        return stackSize == 4 ? esp + delta : (esp & 0xffff_0000) | ((esp + delta) & 0xffff);
    }

    void push(int size, int value) {
        int esp = movedStackPointer(-size);
        if (size == 4 && stackSize == 4) {
            int at = stack.at(esp, 4, true);
            if (at >= 0) {
                Mmu.INT.set(stack.backing(), at, value);
            } else {
                int address = linear(SS, esp, 4, true);
                mmu.write32(address, value);
                stack.remember(esp, address);
            }
        } else {
            write(SS, stackSize == 4 ? esp : esp & 0xffff, size, value);
        }
        gpr[ESP] = esp;
    }

    int pop(int size) {
        int value = peek(0, size);
        gpr[ESP] = movedStackPointer(size);
        return value;
    }

    /** Reads the stack {@code depth} bytes above ESP without popping. */
    int peek(int depth, int size) {
        int esp = movedStackPointer(depth);
        return readStack(stackSize == 4 ? esp : esp & 0xffff, size);
    }

    /** Reads {@code size} bytes at SS:{@code offset}. */
    int readStack(int offset, int size) {
        if (size == 4 && stackSize == 4) {
            int at = stack.at(offset, 4, false);
            if (at >= 0) {
                return (int) Mmu.INT.get(stack.backing(), at);
            }
            int address = linear(SS, offset, 4, false);
            int value = mmu.read32(address);
            stack.remember(offset, address);
            return value;
        }
        return read(SS, offset, size);
    }

    // ================================================================== control transfers

    /** A near jump with a 32-bit operand: checks the target against CS's limit and returns it as the new EIP. */
    int jumpNear(int target) {
        if (Integer.compareUnsigned(target, codeLimit) > 0) {
            throw fault(Cpu.GP, 0);
        }
        eip = target;
        return target;
    }

    /** Jumps within the code segment, checking the limit; 16-bit operand size truncates EIP. */
    void jumpNear(int target, int operandSize) {
        int newEip = operandSize == 4 ? target : target & 0xffff;
        if (Integer.compareUnsigned(newEip, codeLimit) > 0) {
            throw fault(Cpu.GP, 0);
        }
        eip = newEip;
    }

    void setCpl(int level) {
        cpl = level;
        mmu.privilegeChanged(level);
        fetch.privilegeChanged(level == 3);
    }

    // ================================================================== run loop

    @Override
    public StopReason run(long maxInstructions) {
        stopRequested = false;
        // Between runs the host and devices may have written anywhere.
        codeWritten();
        long end = instructions + maxInstructions;
        try {
            while (instructions < end) {
                if (stopRequested) {
                    return StopReason.STOP_REQUESTED;
                }
                if (cr3SyncPending) {
                    syncCr3();
                }
                if (!nmiBlocked && interruptShadowUntil != instructions && interrupts.takeNmi()) {
                    halted = false;
                    deliverNmi();
                    continue;
                }
                if ((flags.other & Flags.IF) != 0 && interruptShadowUntil != instructions && interrupts.hasInterrupt()) {
                    halted = false;
                    deliverExternalInterrupt();
                    continue;
                }
                if (halted) {
                    return StopReason.HALTED;
                }
                if (breakpoints.length != 0 || (flags.other & Flags.TF) != 0) {
                    // Breakpoints and single-step traps are looked at instruction by instruction.
                    if (breakpoints.length != 0 && hitsBreakpoint()) {
                        return StopReason.BREAKPOINT;
                    }
                    step();
                    continue;
                }
                // In an interrupt shadow the next instruction runs alone, so that interrupts are seen after it.
                runBurst(interruptShadowUntil == instructions ? instructions + 1 : Math.min(end, instructions + BURST_LENGTH));
            }
            return StopReason.INSTRUCTION_LIMIT;
        } catch (Shutdown e) {
            shutdownReason = e.getMessage();
            halted = true;
            return StopReason.SHUTDOWN;
        }
    }

    /**
     * Executes instructions back to back until one needs the run loop's checks or {@code limit}. The
     * checks (stop request, CR3 sync, interrupts, halt, TF) can only become due through an instruction
     * the fast path does not handle, an access through the registry or the trap handler, a change of
     * decoded code, or an exception, and all of those raise {@link #attention}; a burst of fast-path
     * instructions whose accesses the TLB serves, or fills from the shadow tables, skips them.
     *
     * <p>Within a burst, cached instructions are linked to the instruction that followed them, one link
     * for falling through and one for a taken branch, so that straight-line code and loops skip the
     * fetch. A link is followed only in the translation epoch it was made in (see {@link InstructionFetch#invalidate}),
     * to an entry verified in the current code generation, and to the same EIP as when it was made (a
     * frame may be mapped at several pages): then a fetch would find the same entry.
     */
    private void runBurst(long limit) {
        attention = false;
        // EIP and the instruction count are carried in locals and only stored to their fields: a
        // reload per instruction would chain every instruction to the previous one's store.
        int ip = eip;
        long count = instructions;
        Insn previous = null;
        boolean fellThrough = false;
        CompiledBlock block = null;
        // The block the loop left last, and by which exit, while no instruction has run since.
        CompiledBlock left = null;
        int leftBy = 0;
        do {
            int start = ip;
            Insn i = previous == null ? null : fetch.linked(previous, fellThrough, start);
            try {
                if (i == null) {
                    i = fetch.recall(start);
                    if (i == null) {
                        i = fetch.next();
                        if (i != fetch.scratch) {
                            fetch.remember(start, i);
                        }
                    }
                    if (previous != null && i != fetch.scratch) {
                        fetch.link(previous, fellThrough, i, start);
                    }
                }
                block = i.block;
                if (block == null && ++i.heat == blockThreshold) {
                    block = compileBlock(i, start);
                }
                if (block != null) {
                    if (block.headEip == start && count + block.instructionCount <= limit) {
                        if (block.generation == codeGeneration || block.revalidate(this)) {
                            if (left != null) {
                                left.follow(leftBy, fetch.linkKey(start), block);
                            }
                            int exit = block.run(this, fastPath, count, limit);
                            blockInstructions += instructions - count;
                            blockRuns++;
                            count = instructions;
                            ip = eip;
                            // From block to block while the one that followed this exit last time still
                            // holds: the same EIP in the same epoch, its code generation current.
                            CompiledBlock next;
                            while (exit != CompiledBlock.NO_LINK && !attention && count < limit
                                    && (next = block.successor(exit, fetch.linkKey(ip))) != null
                                    && next.generation == codeGeneration && count + next.instructionCount <= limit) {
                                block = next;
                                exit = block.run(this, fastPath, count, limit);
                                blockInstructions += instructions - count;
                                blockRuns++;
                                chainedRuns++;
                                count = instructions;
                                ip = eip;
                            }
                            left = exit == CompiledBlock.NO_LINK ? null : block;
                            leftBy = exit;
                            previous = exit == CompiledBlock.NO_LINK ? null : block.insns[exit >> 1];
                            fellThrough = (exit & 1) != 0;
                            block = null;
                            continue;
                        }
                        // Some instruction changed: compile again once the new code has run a while.
                        i.block = null;
                        i.heat = 0;
                    }
                    block = null;
                }
                left = null;
                int next = codeSize == 4 ? start + i.length : (start + i.length) & 0xffff;
                eip = next;
                FastPath.Op fast = i.fast;
                if (fast == FastPath.Op.JCC) {
                    ip = flags.condition(i.fastA) ? jumpNear(next + i.immediate) : next;
                } else if (fast == FastPath.Op.JMP) {
                    ip = jumpNear(next + i.immediate);
                } else if (fast != null) {
                    // Compares (a fifth of compiled code) and LEA run here, without a call.
                    if (fast == FastPath.Op.CMP_RR) {
                        fastPath.sub(gpr[i.fastA], gpr[i.fastB]);
                    } else if (fast == FastPath.Op.CMP_RI) {
                        fastPath.sub(gpr[i.fastA], i.immediate);
                    } else if (fast == FastPath.Op.LEA) {
                        gpr[i.fastA] = fastPath.offset(i);
                    } else {
                        startEip = start;
                        fastPath.run(i);
                    }
                    ip = fast.branches ? eip : next;
                    if (i.fusedLength != 0) {
                        // The Jcc that follows runs now, unless something needs a look first, the limit
                        // would be passed, or its target faults (then it runs on its own and faults there).
                        int after = next + i.fusedLength;
                        int target = flags.condition(i.fusedCondition) ? after + i.fusedDisplacement : after;
                        if (attention || count + 2 > limit || Integer.compareUnsigned(target, codeLimit) > 0) {
                            instructions = ++count;
                            previous = null;
                            continue;
                        }
                        count++;
                        next = after;
                        eip = target;
                        ip = target;
                    }
                } else {
                    executeGeneral(i, start);
                    ip = eip;
                }
                instructions = ++count;
                fellThrough = ip == next;
                // Only cached instructions that let the burst go on link. A RET's link too: links are keyed by
                // the EIP they led to, so one is followed only when the return goes where it went last time.
                previous = i != fetch.scratch && (fast != null || i.quiet) ? i : null;
            } catch (GuestFault f) {
                if (block != null) {
                    // Within a compiled block: the faulting instruction is the one whose start it recorded.
                    blockInstructions += instructions - count;
                    blockRuns++;
                    faulted(f, startEip, block.instructionAt(startEip));
                } else {
                    faulted(f, start, i);
                }
                return;
            }
        } while (!attention && count < limit);
    }

    /** Compiles a block from an instruction the run loop found hot, if it can make one (null if not). */
    private CompiledBlock compileBlock(Insn i, int start) {
        if (!blocksEnabled || i == fetch.scratch || i.fast == null) {
            i.heat = Integer.MIN_VALUE;
            return null;
        }
        i.block = fetch.compileBlock(i, start);
        if (i.block == null) {
            // Too short to gain: look again much later, when more of the code around it may be known.
            i.heat = -Math.min(16 * blockThreshold, 1 << 24);
        }
        return i.block;
    }

    /** The block runs entered straight from the block before, without the run loop's look-up. */
    public long chainedBlockRuns() {
        return chainedRuns;
    }

    /**
     * Compiles blocks from instructions interpreted {@code threshold} times, or never with 0 (for
     * comparisons and for tests, which compile early). Blocks already compiled stay until their code changes.
     */
    public void setBlockThreshold(int threshold) {
        if (threshold < 0) {
            throw new IllegalArgumentException("block threshold must not be negative: " + threshold);
        }
        blocksEnabled = threshold > 0;
        blockThreshold = Math.max(1, threshold);
        fetch.clear();
    }

    /** Whether a breakpoint stops the run here; the run after a stop executes the instruction it stopped at. */
    private boolean hitsBreakpoint() {
        int address = segBase[CS] + eip;
        if (resumeAt == address) {
            resumeAt = NO_RESUME;
            return false;
        }
        resumeAt = NO_RESUME;
        for (int b : breakpoints) {
            if (b == address) {
                resumeAt = address;
                return true;
            }
        }
        return false;
    }

    /** Executes one instruction, or delivers the exception it raised; a set TF traps after it. */
    void step() {
        int start = eip;
        boolean singleStep = (flags.other & Flags.TF) != 0;
        Insn i = null;
        try {
            i = fetch.next();
            execute(i, start);
            instructions++;
            if (singleStep) {
                attention = true;
                current = i;
                poolFactsUsed = false;
                dr[6] |= 0x4000;
                events.deliverException(Cpu.DB, GuestFault.NO_ERROR_CODE);
            }
        } catch (GuestFault f) {
            faulted(f, start, i);
        }
    }

    /**
     * Executes a fetched instruction that starts at {@code start} (one step; bursts inline this). The
     * fast path keeps no undo record: its instructions change ESP and registers only after their last
     * access that can fault, and they set {@link #current} before their writes.
     */
    private void execute(Insn i, int start) {
        int next = start + i.length;
        eip = codeSize == 4 ? next : next & 0xffff;
        FastPath.Op fast = i.fast;
        if (fast != null) {
            startEip = start;
            fastPath.run(i);
        } else {
            executeGeneral(i, start);
        }
    }

    private void executeGeneral(Insn i, int start) {
        generalCount++;
        startEip = start;
        startEsp = gpr[ESP];
        poolFactsUsed = false;
        current = i;
        if (!i.quiet) {
            attention = true;
        }
        executor.execute(i);
    }

    /**
     * Undoes the instruction that raised {@code f} (null if its fetch did) and delivers the exception.
     * The frame's writes are judged by the pool as the faulting instruction's (VirtualBox looks at the
     * instruction at CS:EIP too), or as no instruction's when the fetch faulted.
     */
    private void faulted(GuestFault f, int start, Insn i) {
        attention = true;
        eip = start;
        if (i != null && i.fast == null) {
            gpr[ESP] = startEsp;
        }
        current = i != null ? i : noInstruction;
        poolFactsUsed = false;
        events.deliverException(f.vector, f.errorCode);
    }

    /** Memory may have changed behind the code cache (see {@link CodeCache}): cached instructions re-check. */
    void codeWritten() {
        codeGeneration++;
        // A compiled block or a fused Jcc must not run on over bytes that may have changed.
        attention = true;
    }

    /** Abandons the current instruction with EIP back at its start (a REP chunk that resumes later). */
    void restartInstruction() {
        eip = startEip;
    }

    /** Takes the NMI: vector 2 whatever EFLAGS.IF says, with further NMIs blocked until an IRET. */
    private void deliverNmi() {
        nmiBlocked = true;
        deliverExternal(Cpu.NMI);
    }

    private void deliverExternalInterrupt() {
        deliverExternal(interrupts.acknowledge() & 0xff);
    }

    private void deliverExternal(int vector) {
        interruptCount++;
        startEip = eip;
        startEsp = gpr[ESP];
        // No instruction writes the interrupt frame: the pool must not judge it by the last one's facts.
        current = noInstruction;
        poolFactsUsed = false;
        events.deliverExternal(vector);
    }

    private void syncCr3() {
        cr3SyncPending = false;
        if (tracer != null) {
            tracer.cr3Sync(poolClearPending);
        }
        if (poolClearPending) {
            poolClearPending = false;
            pool.clearAll();
        }
        mmu.shadow.resetRoots();
        mmu.flushTlb(false);
        pool.acknowledgeSync();
    }

    @Override
    public void setFastPathEnabled(boolean enabled) {
        fastPathEnabled = enabled;
        flags.shortcuts = enabled;
        fetch.clear();
    }

    @Override
    public int accessingEip() {
        return startEip;
    }

    @Override
    public void requestStop() {
        stopRequested = true;
        // From a device's callback (a watchpoint) this ends the burst after the instruction; from
        // another thread the write may be lost to the burst's own, and the burst's end sees the request.
        attention = true;
    }

    // ================================================================== pool hooks

    @Override
    public void flushGuestTlbs() {
        mmu.flushTlb(false);
        if (tracer != null) {
            tracer.tlbFlush(true);
        }
    }

    @Override
    public void flushGuestTlbFrame(int frame) {
        mmu.dropFrame(frame);
    }

    @Override
    public void requestCr3Sync(boolean clearPool) {
        cr3SyncPending = true;
        attention = true;
        poolClearPending |= clearPool;
    }

    @Override
    public FaultingInstruction currentInstruction() {
        Insn i = current;
        poolFactsUsed = true;
        return InstructionFacts.describe(poolFacts, i, codeSize * 8, cpl, gpr[EAX], gpr[ECX], gpr[EDI],
                (flags.other & Flags.DF) != 0, mmu.physicalWriteLinear & 0xffff_ffffL);
    }

    /** The pool's facts if it completed the instruction itself during the last write (a REP STOSD). */
    FaultingInstruction completedByPool() {
        return poolFactsUsed && poolFacts.completedByPool() ? poolFacts : null;
    }

    // ================================================================== Cpu API

    @Override
    public void enterFlatProtectedMode() {
        cr0 |= CR0_PE;
        for (int s = 0; s < 6; s++) {
            segments.loadFlat(s, 0, -1, s == CS ? 0xc09b : 0xc093);
        }
        codeSize = 4;
        stackSize = 4;
        gdtLimit = 0xffff;
        setCpl(0);
        mmu.shadow.resetRoots();
        mmu.flushTlb(false);
    }

    @Override
    public int register(Register register) {
        return gpr[register.ordinal()];
    }

    @Override
    public void setRegister(Register register, int value) {
        gpr[register.ordinal()] = value;
    }

    @Override
    public int eip() {
        return eip;
    }

    @Override
    public void setEip(int value) {
        eip = value;
        halted = false;
    }

    @Override
    public int eflags() {
        return flags.get();
    }

    @Override
    public void setEflags(int value) {
        flags.load(value, Flags.WRITABLE);
    }

    @Override
    public int segmentSelector(SegmentRegister segment) {
        return segSelector[segment.ordinal()];
    }

    @Override
    public int segmentBase(SegmentRegister segment) {
        return segBase[segment.ordinal()];
    }

    @Override
    public int segmentLimit(SegmentRegister segment) {
        return segLimit[segment.ordinal()];
    }

    @Override
    public int controlRegister(int number) {
        return switch (number) {
            case 0 -> cr0;
            case 2 -> cr2;
            case 3 -> cr3;
            case 4 -> cr4;
            default -> throw new IllegalArgumentException("no control register CR" + number);
        };
    }

    @Override
    public void setControlRegister(int number, int value) {
        try {
            switch (number) {
                case 0 -> system.writeCr0(value);
                case 2 -> cr2 = value;
                case 3 -> system.writeCr3(value);
                case 4 -> system.writeCr4(value);
                default -> throw new IllegalArgumentException("no control register CR" + number);
            }
        } catch (GuestFault e) {
            throw new IllegalArgumentException(String.format("CR%d value %#x raises %s", number, value, e.getMessage()));
        }
    }

    @Override
    public long msr(int index) {
        try {
            return system.readMsr(index);
        } catch (GuestFault e) {
            throw new IllegalArgumentException(String.format("MSR %#x does not exist", index));
        }
    }

    @Override
    public void setMsr(int index, long value) {
        try {
            system.writeMsr(index, value);
        } catch (GuestFault e) {
            throw new IllegalArgumentException(String.format("MSR %#x rejects %#x", index, value));
        }
    }

    @Override
    public void loadDescriptorTables(int gdtBaseValue, int gdtLimitValue, int idtBaseValue, int idtLimitValue) {
        gdtBase = gdtBaseValue;
        gdtLimit = gdtLimitValue & 0xffff;
        idtBase = idtBaseValue;
        idtLimit = idtLimitValue & 0xffff;
    }

    @Override
    public void loadSegment(SegmentRegister segment, int selector) {
        try {
            segments.loadFromApi(segment.ordinal(), selector);
        } catch (GuestFault e) {
            throw new IllegalArgumentException(String.format("selector %#x cannot be loaded into %s: %s", selector,
                    segment, e.getMessage()));
        }
    }

    @Override
    public int cpl() {
        return cpl;
    }

    @Override
    public long instructions() {
        return instructions;
    }

    @Override
    public boolean halted() {
        return halted;
    }

    @Override
    public void addBreakpoint(int linearAddress) {
        for (int b : breakpoints) {
            if (b == linearAddress) {
                return;
            }
        }
        breakpoints = Arrays.copyOf(breakpoints, breakpoints.length + 1);
        breakpoints[breakpoints.length - 1] = linearAddress;
    }

    @Override
    public void removeBreakpoint(int linearAddress) {
        int[] kept = Arrays.stream(breakpoints).filter(b -> b != linearAddress).toArray();
        breakpoints = kept;
    }

    @Override
    public void flushTlb() {
        mmu.flushTlb(false);
    }

    @Override
    public long readMemory(int linearAddress, int size) {
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new IllegalArgumentException("size " + size);
        }
        boolean previous = enterSupervisorAccess();
        try {
            return size == 8 ? mmu.read64(linearAddress) : readLinear(linearAddress, size) & 0xffff_ffffL;
        } catch (GuestFault e) {
            throw new IllegalArgumentException(String.format("linear %#x is not mapped: %s", linearAddress, e.getMessage()));
        } finally {
            leaveSupervisorAccess(previous);
        }
    }

    @Override
    public CpuStatistics statistics() {
        return new CpuStatistics(instructions, mmu.tlbHits, mmu.tlbFills, mmu.shadow.syncs, mmu.trapHandler.guestPageFaults,
                mmu.handlerAccesses, mmu.tlbFlushes, exceptionCount, interruptCount, fetch.decoded, generalCount,
                fetch.blockCompiler.compiled, blockInstructions, blockRuns);
    }

    @Override
    public void setTracer(CpuTracer newTracer) {
        tracer = newTracer;
        mmu.setTracer(newTracer);
    }

    @Override
    public void dumpTlb(Appendable out) throws java.io.IOException {
        mmu.dump(out);
    }

    @Override
    public void connectLocalApic(int id, java.util.function.LongConsumer baseWritten) {
        apicId = id & 0xff;
        apicBaseWritten = java.util.Objects.requireNonNull(baseWritten);
        apicBase = SystemRegisters.APIC_BASE_RESET;
    }

    @Override
    public int[] cpuid(int leaf) {
        return system.cpuid(leaf);
    }

    @Override
    public void disconnectLocalApic() {
        apicId = -1;
        apicBaseWritten = null;
    }

    @Override
    public PageWalk walk(int linear) {
        return new PageWalker(this, mmu, memory, pool).walk(linear);
    }

    @Override
    public List<String> check() {
        List<String> problems = new ArrayList<>();
        mmu.checkTlb(problems);
        mmu.shadow.check(problems);
        new LinkChecker(this).check(problems);
        return problems;
    }

    @Override
    public String shutdownReason() {
        return shutdownReason;
    }
}
