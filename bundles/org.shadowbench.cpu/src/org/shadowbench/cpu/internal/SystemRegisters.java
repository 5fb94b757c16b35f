package org.shadowbench.cpu.internal;

import org.shadowbench.cpu.Cpu;
import org.shadowbench.memory.PgmException;
import org.shadowbench.pool.ShadowPagePool;

/**
 * Control registers, model-specific registers and CPUID, with the architectural side effects of
 * writing them. Paging changes invalidate the way VirtualBox does for shadow paging: a CR3 load
 * drops the shadow directory entries (the shadow tables stay cached and monitored in the pool) and
 * the non-global TLB entries; a change of CR0.PG/WP/PE or CR4.PSE/PAE/PGE changes the paging mode,
 * so everything is dropped. The page holding the guest's top-level table is monitored through the
 * pool's root, as PGM monitors CR3.
 */
final class SystemRegisters {
    static final int MSR_TSC = 0x10;
    static final int MSR_APIC_BASE = 0x1b;
    /** IA32_APIC_BASE after reset: registers at 0xfee00000, globally enabled, bootstrap processor. */
    static final long APIC_BASE_RESET = 0xfee0_0900L;
    private static final long APIC_BASE_ADDRESS = 0x0000_000f_ffff_f000L;
    private static final long APIC_GLOBAL_ENABLE = 0x800;
    /** CPUID.1 EDX bit 9: an on-chip APIC. */
    private static final int FEATURE_APIC = 1 << 9;
    static final int MSR_EFER = 0xc000_0080;

    /**
     * CPUID vendor string, in EBX, EDX, ECX order. Software picks its code paths by vendor (kvm-unit-tests
     * reads AMD's performance-counter MSRs on anything that is not Intel), so the core says what it is
     * modelled on: an Intel processor.
     */
    static final String VENDOR = "GenuineIntel";
    /**
     * CPUID.1 EAX: family 6, model 13, stepping 8, the Pentium M "Dothan", the 32-bit Intel family-6 part
     * that brought the execute-disable bit. The feature flags below stay those the core implements (no
     * x87, MMX or SSE), as a hypervisor masks CPUID for its guests.
     */
    static final int SIGNATURE = 0x0000_06d8;
    /** The highest basic leaf. */
    private static final int MAX_BASIC_LEAF = 1;
    /** The highest extended leaf: the feature flags and the brand string. */
    private static final int MAX_EXTENDED_LEAF = 0x8000_0004;
    /** CPUID 0x80000002-4: the brand string, 48 bytes, NUL-padded. */
    static final String BRAND = "Shadowbench virtual CPU (Pentium M class)";
    /** IA32_PLATFORM_ID: reads as zero (no platform bits), writes #GP. */
    static final int MSR_PLATFORM_ID = 0x17;
    /** IA32_BIOS_SIGN_ID: the microcode revision, in the high half after a CPUID; zero here (none loaded). */
    static final int MSR_BIOS_SIGN_ID = 0x8b;
    /** CPUID.1 EDX: DE, PSE, TSC, MSR, PAE, CX8, PGE, CMOV, FXSR. */
    static final int FEATURES_EDX = (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 8) | (1 << 13)
            | (1 << 15) | (1 << 24);
    /** CPUID.80000001 EDX: NX. */
    static final int EXTENDED_FEATURES_EDX = 1 << 20;

    private static final int CR0_DEFINED = CpuCore.CR0_PE | CpuCore.CR0_MP | CpuCore.CR0_EM | CpuCore.CR0_TS
            | CpuCore.CR0_ET | CpuCore.CR0_NE | CpuCore.CR0_WP | CpuCore.CR0_AM | CpuCore.CR0_NW | CpuCore.CR0_CD
            | CpuCore.CR0_PG;
    /** Reserved bits of a present PAE PDPTE: 1-2, 5-8 and addresses beyond 36 bits. */
    private static final long PDPTE_RESERVED = 0xffff_fff0_0000_01e6L;

    private final CpuCore cpu;

    SystemRegisters(CpuCore cpu) {
        this.cpu = cpu;
    }

    void writeCr0(int requested) {
        int value = (requested & CR0_DEFINED) | CpuCore.CR0_ET;
        if ((value & CpuCore.CR0_PG) != 0 && (value & CpuCore.CR0_PE) == 0) {
            throw cpu.fault(Cpu.GP, 0);
        }
        if ((value & CpuCore.CR0_NW) != 0 && (value & CpuCore.CR0_CD) == 0) {
            throw cpu.fault(Cpu.GP, 0);
        }
        if ((value & CpuCore.CR0_PE) == 0 && (cpu.cr0 & CpuCore.CR0_PE) != 0) {
            throw new Shutdown("the guest left protected mode: real mode is not supported");
        }
        boolean enablingPaging = (value & CpuCore.CR0_PG) != 0 && (cpu.cr0 & CpuCore.CR0_PG) == 0;
        if (enablingPaging && (cpu.cr4 & CpuCore.CR4_PAE) != 0) {
            loadPdptes(cpu.cr3);
        }
        int changed = cpu.cr0 ^ value;
        cpu.cr0 = value;
        if ((changed & (CpuCore.CR0_PG | CpuCore.CR0_WP | CpuCore.CR0_PE)) != 0) {
            pagingModeChanged();
        }
    }

    void writeCr3(int value) {
        if ((cpu.cr0 & CpuCore.CR0_PG) != 0 && (cpu.cr4 & CpuCore.CR4_PAE) != 0) {
            loadPdptes(value);
        }
        cpu.cr3 = value;
        cpu.mmu.shadow.resetRoots();
        cpu.mmu.flushTlb(cpu.globalPagesEnabled());
        monitorTopLevelTable();
    }

    void writeCr4(int value) {
        if ((value & ~CpuCore.CR4_SUPPORTED) != 0) {
            throw cpu.fault(Cpu.GP, 0);
        }
        if ((cpu.cr0 & CpuCore.CR0_PG) != 0 && (value & CpuCore.CR4_PAE) != 0 && (cpu.cr4 & CpuCore.CR4_PAE) == 0) {
            loadPdptes(cpu.cr3);
        }
        int changed = cpu.cr4 ^ value;
        cpu.cr4 = value;
        if ((changed & (CpuCore.CR4_PSE | CpuCore.CR4_PAE | CpuCore.CR4_PGE)) != 0) {
            pagingModeChanged();
        }
    }

    private void pagingModeChanged() {
        cpu.mmu.shadow.resetRoots();
        cpu.mmu.flushTlb(false);
        monitorTopLevelTable();
    }

    /** Loads the four PAE page-directory pointers, as the processor caches them on a CR3 load. */
    private void loadPdptes(int cr3) {
        long table = cr3 & 0xffff_ffe0L;
        long[] loaded = new long[4];
        for (int i = 0; i < 4; i++) {
            long entry = cpu.memory.read(table + 8L * i, 8);
            if ((entry & 1) != 0 && (entry & PDPTE_RESERVED) != 0) {
                throw cpu.fault(Cpu.GP, 0);
            }
            loaded[i] = entry;
        }
        System.arraycopy(loaded, 0, cpu.mmu.pdpte, 0, 4);
    }

    private void monitorTopLevelTable() {
        ShadowPagePool pool = cpu.pool;
        if (!cpu.pagingEnabled()) {
            pool.unmonitorCr3(ShadowPagePool.ROOT_32BIT_PD);
            pool.unmonitorCr3(ShadowPagePool.ROOT_PAE_PD);
            return;
        }
        int root = cpu.paePaging() ? ShadowPagePool.ROOT_PAE_PD : ShadowPagePool.ROOT_32BIT_PD;
        pool.unmonitorCr3(root == ShadowPagePool.ROOT_PAE_PD ? ShadowPagePool.ROOT_32BIT_PD : ShadowPagePool.ROOT_PAE_PD);
        try {
            pool.monitorCr3(root, cpu.cr3 & 0xffff_f000L);
        } catch (PgmException e) {
            // CR3 points where no handler can sit (no RAM, or a device's page): the guest cannot change
            // its top-level table through ordinary writes there, so it stays unmonitored.
        }
    }

    // ================================================================== I/O permission

    /**
     * IN, OUT, INS and OUTS above IOPL consult the TSS I/O permission bitmap: every bit of the ports
     * accessed must be clear, and a bitmap beyond the TSS limit denies access (#GP(0)).
     */
    void checkIoPermission(int port, int size) {
        int iopl = (cpu.flags.other & Flags.IOPL) >>> 12;
        if (cpu.cpl <= iopl) {
            return;
        }
        int type = cpu.trAttr & 0xf;
        if (Segments.isNull(cpu.trSelector) || (type != Segments.SYSTEM_TSS_AVAILABLE && type != Segments.SYSTEM_TSS_BUSY)
                || Integer.compareUnsigned(0x67, cpu.trLimit) > 0) {
            throw cpu.fault(Cpu.GP, 0);
        }
        int bitmap = cpu.readSystem(cpu.trBase + 0x66, 2);
        int at = bitmap + (port >>> 3);
        if (Integer.compareUnsigned(at + 1, cpu.trLimit) > 0) {
            throw cpu.fault(Cpu.GP, 0);
        }
        int bits = cpu.readSystem(cpu.trBase + at, 2);
        int wanted = ((1 << size) - 1) << (port & 7);
        if ((bits & wanted) != 0) {
            throw cpu.fault(Cpu.GP, 0);
        }
    }

    // ================================================================== MSRs

    long readMsr(int index) {
        return switch (index) {
            case MSR_TSC -> cpu.instructions + cpu.tscOffset;
            case MSR_APIC_BASE -> cpu.apicBase;
            case MSR_EFER -> cpu.efer;
            case MSR_PLATFORM_ID, MSR_BIOS_SIGN_ID -> 0;
            default -> throw cpu.fault(Cpu.GP, 0);
        };
    }

    void writeMsr(int index, long value) {
        switch (index) {
            case MSR_TSC -> cpu.tscOffset = value - cpu.instructions;
            case MSR_APIC_BASE -> {
                // Bits 0-7 and 10 are reserved, and nothing beyond the 36-bit physical width; BSP stays set.
                if ((value & 0xffff_fff0_0000_04ffL) != 0) {
                    throw cpu.fault(Cpu.GP, 0);
                }
                if (cpu.apicBaseWritten != null && (value & APIC_BASE_ADDRESS) != (APIC_BASE_RESET & APIC_BASE_ADDRESS)) {
                    throw cpu.fault(Cpu.GP, 0); // the local APIC's registers cannot move
                }
                cpu.apicBase = value | 0x100;
                if (cpu.apicBaseWritten != null) {
                    cpu.apicBaseWritten.accept(cpu.apicBase);
                }
            }
            case MSR_EFER -> {
                // Only NXE exists here: no SYSCALL, no long mode.
                if ((value & ~CpuCore.EFER_NXE) != 0) {
                    throw cpu.fault(Cpu.GP, 0);
                }
                boolean changed = value != cpu.efer;
                cpu.efer = value;
                if (changed) {
                    pagingModeChanged();
                }
            }
            case MSR_BIOS_SIGN_ID -> {
                // Software writes zero before CPUID to read the revision back; no microcode is ever loaded.
            }
            default -> throw cpu.fault(Cpu.GP, 0);
        }
    }

    // ================================================================== CPUID

    /** Fills EAX, EBX, ECX, EDX for the leaf in EAX. */
    void cpuid() {
        int[] values = cpuid(cpu.gpr[CpuCore.EAX]);
        cpu.gpr[CpuCore.EAX] = values[0];
        cpu.gpr[CpuCore.EBX] = values[1];
        cpu.gpr[CpuCore.ECX] = values[2];
        cpu.gpr[CpuCore.EDX] = values[3];
    }

    /**
     * EAX, EBX, ECX and EDX of a leaf. As on Intel processors, a leaf above the highest basic or
     * extended leaf answers with the highest basic leaf's values.
     */
    int[] cpuid(int leaf) {
        if (Integer.compareUnsigned(leaf, MAX_EXTENDED_LEAF) > 0
                || (Integer.compareUnsigned(leaf, MAX_BASIC_LEAF) > 0 && Integer.compareUnsigned(leaf, 0x8000_0000) < 0)) {
            leaf = MAX_BASIC_LEAF;
        }
        int a = 0;
        int b = 0;
        int c = 0;
        int d = 0;
        switch (leaf) {
            case 0 -> {
                a = MAX_BASIC_LEAF;
                b = vendorWord(0);
                d = vendorWord(4);
                c = vendorWord(8);
            }
            case 1 -> {
                a = SIGNATURE;
                d = FEATURES_EDX;
                if (cpu.apicId >= 0) {
                    b = cpu.apicId << 24;
                    if ((cpu.apicBase & APIC_GLOBAL_ENABLE) != 0) {
                        d |= FEATURE_APIC;
                    }
                }
            }
            case 0x8000_0000 -> a = MAX_EXTENDED_LEAF;
            case 0x8000_0001 -> d = EXTENDED_FEATURES_EDX;
            case 0x8000_0002, 0x8000_0003, 0x8000_0004 -> {
                int at = 16 * (leaf - 0x8000_0002);
                a = brandWord(at);
                b = brandWord(at + 4);
                c = brandWord(at + 8);
                d = brandWord(at + 12);
            }
            default -> {
            }
        }
        return new int[] { a, b, c, d };
    }

    private static int vendorWord(int at) {
        return word(VENDOR, at);
    }

    private static int brandWord(int at) {
        return word(BRAND, at);
    }

    /** Four characters of a string from {@code at}, little-endian, NUL beyond its end. */
    private static int word(String text, int at) {
        int value = 0;
        for (int i = 3; i >= 0; i--) {
            value = (value << 8) | (at + i < text.length() ? text.charAt(at + i) & 0xff : 0);
        }
        return value;
    }
}
