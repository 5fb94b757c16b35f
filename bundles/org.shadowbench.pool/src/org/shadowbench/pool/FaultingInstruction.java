package org.shadowbench.pool;

/**
 * The facts about a guest write to a monitored page table that the pool's heuristics need, as
 * the CPU core decoded them (the reference disassembles the instruction for the same purpose).
 * The CPU fills one in before dispatching the write; tests build them directly. The pool may
 * complete a REP STOSD itself: then {@link #completedByPool()} is set and ECX, EDI and the
 * instruction pointer advance are updated here for the CPU to take over.
 */
public final class FaultingInstruction {
    /** Prefix bit: REP/REPE. */
    public static final int PREFIX_REP = 0x01;
    /** Prefix bit: REPNE. */
    public static final int PREFIX_REPNE = 0x02;
    /** Prefix bit: LOCK. */
    public static final int PREFIX_LOCK = 0x04;
    /** Prefix bit: a segment override. */
    public static final int PREFIX_SEGMENT = 0x08;
    /** Prefix bit: operand-size override. */
    public static final int PREFIX_OPERAND_SIZE = 0x10;
    /** Prefix bit: address-size override. */
    public static final int PREFIX_ADDRESS_SIZE = 0x20;

    private OpcodeClass opcode = OpcodeClass.OTHER;
    private int prefixes;
    private int writeSize = 4;
    private int cpuMode = 32;
    private int operandMode = 32;
    private int addressMode = 32;
    private boolean destinationIsEsp;
    private int cpl;
    private int length = 1;
    private long eax;
    private long ecx;
    private long edi;
    private boolean directionFlag;
    private boolean completedByPool;
    private long linearAddress;

    /** A plain 32-bit ring-0 MOV of 4 bytes; adjust with the setters. */
    public FaultingInstruction() {
    }

    /** Resets the pool's output; the CPU calls this when reusing the object. */
    public FaultingInstruction reset() {
        completedByPool = false;
        return this;
    }

    public OpcodeClass opcode() {
        return opcode;
    }

    public FaultingInstruction opcode(OpcodeClass value) {
        opcode = value;
        return this;
    }

    /** The linear address written (the reference's pvFault, CR2 for a fault). */
    public long linearAddress() {
        return linearAddress;
    }

    public FaultingInstruction linearAddress(long value) {
        linearAddress = value;
        return this;
    }

    /** Prefix bits ({@code PREFIX_*}). */
    public int prefixes() {
        return prefixes;
    }

    public FaultingInstruction prefixes(int value) {
        prefixes = value;
        return this;
    }

    /** Bytes written by one execution of the instruction (its destination operand size). */
    public int writeSize() {
        return writeSize;
    }

    public FaultingInstruction writeSize(int value) {
        writeSize = value;
        return this;
    }

    /** 16 or 32: the code segment's default size. */
    public int cpuMode() {
        return cpuMode;
    }

    /** 16 or 32: the effective operand size. */
    public int operandMode() {
        return operandMode;
    }

    /** 16 or 32: the effective address size. */
    public int addressMode() {
        return addressMode;
    }

    public FaultingInstruction modes(int cpu, int operand, int address) {
        cpuMode = cpu;
        operandMode = operand;
        addressMode = address;
        return this;
    }

    /** Whether the destination is addressed through ESP (a stack write). */
    public boolean destinationIsEsp() {
        return destinationIsEsp;
    }

    public FaultingInstruction destinationIsEsp(boolean value) {
        destinationIsEsp = value;
        return this;
    }

    /** Current privilege level, 0 to 3. */
    public int cpl() {
        return cpl;
    }

    public FaultingInstruction cpl(int value) {
        cpl = value;
        return this;
    }

    /** Instruction length in bytes. */
    public int length() {
        return length;
    }

    public FaultingInstruction length(int value) {
        length = value;
        return this;
    }

    public long eax() {
        return eax;
    }

    public long ecx() {
        return ecx;
    }

    public long edi() {
        return edi;
    }

    public FaultingInstruction registers(long eaxValue, long ecxValue, long ediValue) {
        eax = eaxValue & 0xffff_ffffL;
        ecx = ecxValue & 0xffff_ffffL;
        edi = ediValue & 0xffff_ffffL;
        return this;
    }

    /** EFLAGS.DF. */
    public boolean directionFlag() {
        return directionFlag;
    }

    public FaultingInstruction directionFlag(boolean value) {
        directionFlag = value;
        return this;
    }

    /** Whether the pool executed the whole instruction (REP STOSD); the CPU must only take over the registers. */
    public boolean completedByPool() {
        return completedByPool;
    }

    /**
     * Records that the pool wrote {@code dwords} dwords of a REP STOSD: ECX drops and EDI advances by as
     * much, and the CPU finishes the instruction without executing it.
     */
    public void completeRepStos(long dwords) {
        ecx -= dwords;
        edi = (edi + 4 * dwords) & 0xffff_ffffL;
        completedByPool = true;
    }

    @Override
    public String toString() {
        return String.format("%s prefixes=%#x size=%d modes=%d/%d/%d esp=%b cpl=%d len=%d eax=%#x ecx=%#x edi=%#x df=%b",
                opcode, prefixes, writeSize, cpuMode, operandMode, addressMode, destinationIsEsp, cpl, length, eax, ecx,
                edi, directionFlag);
    }
}
