package org.shadowbench.cpu.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.CpuFactory;
import org.shadowbench.cpu.InterruptController;
import org.shadowbench.cpu.IoPortBus;
import org.shadowbench.cpu.IoPortHandler;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.SegmentRegister;
import org.shadowbench.cpu.StopReason;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.handlers.PhysicalHandlerRegistryFactory;
import org.shadowbench.handlers.ShadowPageTables;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.tests.Factories;
import org.shadowbench.pool.PoolConfiguration;
import org.shadowbench.pool.ShadowPagePool;
import org.shadowbench.pool.ShadowPagePoolFactory;

/**
 * A machine for CPU tests: 16 MiB of RAM, the registry, a pool and a CPU in flat 32-bit protected
 * mode, with a GDT, an IDT whose every vector lands on a HLT, and a TSS already set up.
 *
 * <p>Memory map: GDT at {@link #GDT}, IDT at {@link #IDT}, TSS at {@link #TSS}, exception handler
 * for vector v at {@code HANDLERS + 16 * v} (a HLT), test code at {@link #CODE}, ring-0 stack
 * below {@link #STACK}, ring-3 stack below {@link #USER_STACK}, ring-0 stack of the TSS below
 * {@link #KERNEL_STACK}. Paging helpers build tables from {@link #PAGE_TABLES} upwards.
 */
public final class CpuFixture {
    public static final int RAM_SIZE = 16 << 20;
    public static final int GDT = 0x1000;
    public static final int IDT = 0x2000;
    public static final int TSS = 0x3000;
    public static final int HANDLERS = 0x5000;
    public static final int CODE = 0x10000;
    public static final int DATA = 0x40000;
    public static final int STACK = 0x80000;
    public static final int USER_STACK = 0x70000;
    public static final int KERNEL_STACK = 0x90000;
    public static final int PAGE_TABLES = 0x100000;

    public static final int KERNEL_CODE = 0x08;
    public static final int KERNEL_DATA = 0x10;
    public static final int USER_CODE = 0x1b;
    public static final int USER_DATA = 0x23;
    public static final int TSS_SELECTOR = 0x28;
    /** A 16-bit ring-0 code segment with base 0. */
    public static final int CODE16 = 0x30;
    /** A ring-0 data segment at {@link #DATA} with a limit of 0xfff (byte granular). */
    public static final int SMALL_DATA = 0x38;
    /** A ring-0 expand-down data segment with limit 0xfff (valid offsets 0x1000-0xffffffff). */
    public static final int EXPAND_DOWN = 0x40;
    /** A call gate from ring 3 to {@link #KERNEL_CODE}:{@link #GATE_TARGET}, copying one dword. */
    public static final int CALL_GATE = 0x4b;
    public static final int GATE_TARGET = 0x6000;
    /** A code segment that is not present. */
    public static final int ABSENT_CODE = 0x50;
    /** A 16-bit ring-0 stack segment with base 0 and limit 0xffff. */
    public static final int DATA16 = 0x58;
    /** A ring-3 data segment at {@link #DATA} with a limit of 0xfff. */
    public static final int USER_SMALL_DATA = 0x63;
    public static final int GDT_LIMIT = 0x7f;

    public final PhysicalMemory memory = Factories.MEMORY.create();
    public final RamRange ram = memory.registerRam(0, RAM_SIZE - 1, "RAM");
    public final PhysicalHandlerRegistry registry = Factories.provider(PhysicalHandlerRegistryFactory.class)
            .create(memory, ShadowPageTables.NONE, null);
    public final IoPortBus io = new IoPortBus();
    public final QueuedInterrupts interrupts = new QueuedInterrupts();
    public final Cpu cpu;
    public final ShadowPagePool pool;
    private int nextPageTable = PAGE_TABLES;

    public CpuFixture() {
        ShadowPagePoolFactory pools = Factories.provider(ShadowPagePoolFactory.class);
        cpu = Factories.provider(CpuFactory.class).create(memory, registry,
                hooks -> pools.create(memory, registry, PoolConfiguration.forGuestRam(RAM_SIZE), hooks), io, interrupts);
        pool = cpu.pool();
        cpu.enterFlatProtectedMode();
        writeDescriptor(KERNEL_CODE, 0, 0xfffff, 0x9a, 0xc);
        writeDescriptor(KERNEL_DATA, 0, 0xfffff, 0x92, 0xc);
        writeDescriptor(USER_CODE, 0, 0xfffff, 0xfa, 0xc);
        writeDescriptor(USER_DATA, 0, 0xfffff, 0xf2, 0xc);
        writeDescriptor(TSS_SELECTOR, TSS, 0x68 + 0x2000, 0x89, 0x0);
        writeDescriptor(CODE16, 0, 0xffff, 0x9a, 0x0);
        writeDescriptor(SMALL_DATA, DATA, 0xfff, 0x92, 0x4);
        writeDescriptor(EXPAND_DOWN, 0, 0xfff, 0x96, 0x4);
        writeGate(GDT + (CALL_GATE & ~7), KERNEL_CODE, GATE_TARGET, 0xec, 1);
        writeDescriptor(ABSENT_CODE, 0, 0xfffff, 0x1a, 0xc);
        writeDescriptor(DATA16, 0, 0xffff, 0x92, 0x0);
        writeDescriptor(USER_SMALL_DATA, DATA, 0xfff, 0xf2, 0x4);
        for (int vector = 0; vector < 256; vector++) {
            int dpl = vector == 3 || vector == 4 || vector >= 0x80 ? 3 : 0;
            writeGate(IDT + 8 * vector, KERNEL_CODE, HANDLERS + 16 * vector, 0x8e | (dpl << 5), 0);
            write(HANDLERS + 16 * vector, 0xf4);
        }
        // TSS: ESP0/SS0, I/O bitmap right after the 0x68-byte TSS, all ports allowed.
        memory.write(TSS + 4, 4, KERNEL_STACK);
        memory.write(TSS + 8, 4, KERNEL_DATA);
        memory.write(TSS + 0x66, 2, 0x68);
        cpu.loadDescriptorTables(GDT, GDT_LIMIT, IDT, 256 * 8 - 1);
        cpu.loadSegment(SegmentRegister.CS, KERNEL_CODE);
        for (SegmentRegister s : new SegmentRegister[] { SegmentRegister.DS, SegmentRegister.ES, SegmentRegister.SS,
                SegmentRegister.FS, SegmentRegister.GS }) {
            cpu.loadSegment(s, KERNEL_DATA);
        }
        loadTaskRegister();
        cpu.setRegister(Register.ESP, STACK);
        cpu.setEip(CODE);
    }

    private void loadTaskRegister() {
        // LTR through an instruction, so that the busy bit is set as the guest would see it.
        load(0x7000, "66 b8 28 00 0f 00 d8 f4");
        cpu.setEip(0x7000);
        StopReason reason = cpu.run(10);
        assertEquals(StopReason.HALTED, reason, "LTR during set-up");
    }

    /** Writes a code or data descriptor; {@code flags} is the nibble with G, D/B, L and AVL. */
    public void writeDescriptor(int selector, int base, int limit, int access, int flags) {
        long low = (limit & 0xffffL) | ((base & 0xffffL) << 16);
        long high = ((base >>> 16) & 0xff) | ((long) access << 8) | (limit & 0xf0000L) | ((long) flags << 20)
                | (base & 0xff00_0000L);
        memory.write(GDT + (selector & ~7), 4, low);
        memory.write(GDT + (selector & ~7) + 4, 4, high);
    }

    /** Writes an interrupt, trap or call gate; {@code access} is P, DPL and type; {@code count} the parameters. */
    public void writeGate(int address, int selector, int offset, int access, int count) {
        long low = (offset & 0xffffL) | ((long) selector << 16);
        long high = (count & 0x1f) | ((long) access << 8) | (offset & 0xffff_0000L);
        memory.write(address, 4, low);
        memory.write(address + 4, 4, high);
    }

    public void write(long address, int value) {
        memory.write(address, 1, value);
    }

    /** Writes hex bytes ("b8 01 00 00 00") at a guest-physical address. */
    public void load(long address, String hex) {
        byte[] bytes = bytes(hex);
        memory.write(address, bytes, 0, bytes.length);
    }

    public static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    /** Loads code at {@link #CODE} and runs it until HLT (at most 100 000 instructions). */
    public StopReason run(String hex) {
        load(CODE, hex);
        cpu.setEip(CODE);
        return cpu.run(100_000);
    }

    /** Runs code that must end in a HLT at ring 0 (appended here) and returns normally. */
    public void exec(String hex) {
        StopReason reason = run(hex + " f4");
        assertEquals(StopReason.HALTED, reason, "stop reason");
        assertEquals(CODE + bytes(hex).length + 1, cpu.eip(), "code ran to its HLT: " + describe());
    }

    /** A device on one port that reads as 0 and does {@code action} on every write (raise a line, arm a handler). */
    public void onPortWrite(int port, Runnable action) {
        io.register(port, 1, new IoPortHandler() {
            @Override
            public int read(int at, int size) {
                return 0;
            }

            @Override
            public void write(int at, int size, int value) {
                action.run();
            }
        });
    }

    /** Replaces the HLT of a vector's handler with code (at most 16 bytes). */
    public void handler(int vector, String hex) {
        load(HANDLERS + 16 * vector, hex);
    }

    /** Asserts that the CPU sits on the handler of {@code vector}, having halted there. */
    public void assertInHandler(int vector) {
        assertEquals(HANDLERS + 16 * vector + 1, cpu.eip(), "in the handler of vector " + vector + ": " + describe());
    }

    public int reg(Register r) {
        return cpu.register(r);
    }

    public void set(Register r, int value) {
        cpu.setRegister(r, value);
    }

    public long read(long address, int size) {
        return memory.read(address, size);
    }

    /** A dword of the current stack, {@code index} dwords above ESP (linear = physical here). */
    public int stack(int index) {
        return (int) cpu.readMemory(cpu.segmentBase(SegmentRegister.SS) + reg(Register.ESP) + 4 * index, 4);
    }

    /** Switches to ring 3 with flat user segments and ESP at {@link #USER_STACK}. */
    public void enterUserMode() {
        cpu.loadSegment(SegmentRegister.CS, USER_CODE);
        cpu.loadSegment(SegmentRegister.SS, USER_DATA);
        cpu.loadSegment(SegmentRegister.DS, USER_DATA);
        cpu.loadSegment(SegmentRegister.ES, USER_DATA);
        cpu.setRegister(Register.ESP, USER_STACK);
    }

    // ================================================================== paging

    /** Takes a zeroed 4 KiB page for a guest page table. */
    public int allocateTable() {
        int table = nextPageTable;
        nextPageTable += 0x1000;
        for (int i = 0; i < 0x1000; i += 8) {
            memory.write(table + i, 8, 0);
        }
        return table;
    }

    /** A 32-bit page directory that identity-maps the first 16 MiB with 4 KiB pages (P, RW, US). */
    public int identityDirectory32() {
        int directory = allocateTable();
        for (int table = 0; table < 4; table++) {
            int pt = allocateTable();
            memory.write(directory + 4L * table, 4, pt | 0x7);
            for (int i = 0; i < 1024; i++) {
                memory.write(pt + 4L * i, 4, ((table << 22) + (i << 12)) | 0x7);
            }
        }
        return directory;
    }

    /** The address of the 32-bit PTE for {@code linear} under {@code directory}. */
    public long pte32(int directory, int linear) {
        long pde = memory.read(directory + 4L * (linear >>> 22), 4);
        return (pde & 0xffff_f000L) + 4L * ((linear >>> 12) & 1023);
    }

    /** Enables 32-bit paging with the directory. */
    public void enablePaging32(int directory) {
        cpu.setControlRegister(3, directory);
        cpu.setControlRegister(0, cpu.controlRegister(0) | 0x8000_0000);
    }

    /**
     * Enables PAE paging that identity-maps the low 16 MiB with 2 MiB pages (and EFER.NXE when asked);
     * returns the page directory of the first GiB.
     */
    public int enablePaePaging(boolean nx) {
        int pdpt = allocateTable();
        int directory = allocateTable();
        memory.write(pdpt, 8, directory | 0x1);
        for (int i = 0; i < 8; i++) {
            memory.write(directory + 8L * i, 8, (i << 21) | 0x87);
        }
        if (nx) {
            cpu.setMsr(0xc000_0080, 0x800);
        }
        cpu.setControlRegister(4, cpu.controlRegister(4) | 0x20);
        cpu.setControlRegister(3, pdpt);
        cpu.setControlRegister(0, cpu.controlRegister(0) | 0x8000_0000);
        return directory;
    }

    /** Asserts that the page model, the registry and the pool are consistent. */
    public void assertConsistent() {
        List<String> problems = new ArrayList<>();
        problems.addAll(memory.check());
        problems.addAll(registry.check());
        problems.addAll(pool.check());
        problems.addAll(cpu.check());
        assertEquals(List.of(), problems, "consistency");
    }

    public String describe() {
        return String.format("eip=%#x eax=%#x ecx=%#x edx=%#x ebx=%#x esp=%#x ebp=%#x esi=%#x edi=%#x eflags=%#x cpl=%d"
                + " cr2=%#x shutdown=%s", cpu.eip(), reg(Register.EAX), reg(Register.ECX), reg(Register.EDX),
                reg(Register.EBX), reg(Register.ESP), reg(Register.EBP), reg(Register.ESI), reg(Register.EDI),
                cpu.eflags(), cpu.cpl(), cpu.controlRegister(2), cpu.shutdownReason());
    }

    /** An interrupt controller fed by the test. */
    public static final class QueuedInterrupts implements InterruptController {
        private final ArrayDeque<Integer> pending = new ArrayDeque<>();
        private boolean nmi;

        /** Latches an NMI edge (several before the CPU takes one collapse into one). */
        public void raiseNmi() {
            nmi = true;
        }

        /** Whether an NMI is latched that the CPU has not taken. */
        public boolean nmiPending() {
            return nmi;
        }

        @Override
        public boolean takeNmi() {
            boolean taken = nmi;
            nmi = false;
            return taken;
        }

        public void raise(int vector) {
            pending.add(vector);
        }

        @Override
        public boolean hasInterrupt() {
            return !pending.isEmpty();
        }

        @Override
        public int acknowledge() {
            return pending.remove();
        }
    }
}
