package org.shadowbench.cpu.internal;

import org.shadowbench.cpu.Cpu;

/**
 * FXSAVE/FXRSTOR, LDMXCSR/STMXCSR, the fences and the 128-bit SSE/SSE2 moves (MOVUPS, MOVUPD,
 * MOVAPS, MOVAPD, MOVDQU, MOVDQA), enabled by CR4.OSFXSR. There is no x87 unit: x87 opcodes raise
 * #NM when CR0.EM or CR0.TS asks for it and #UD otherwise; the x87 part of an FXSAVE image is kept
 * byte for byte so that an OS saving and restoring it round-trips.
 */
final class SseOps {
    /** MXCSR bits that may be set (DAZ included). */
    static final int MXCSR_MASK = 0xffff;

    private final CpuCore cpu;
    /** XMM registers read by FXRSTOR, installed only once the whole image has been read. */
    private final long[] restored = new long[16];

    SseOps(CpuCore cpu) {
        this.cpu = cpu;
        // FINIT state: control word 0x37f, everything else zero (the abridged tag word says all empty).
        cpu.x87Area[0] = 0x7f;
        cpu.x87Area[1] = 0x03;
    }

    /** The checks of any SSE instruction. */
    private void requireSse() {
        if ((cpu.cr0 & CpuCore.CR0_EM) != 0 || (cpu.cr4 & CpuCore.CR4_OSFXSR) == 0) {
            throw cpu.undefined();
        }
        if ((cpu.cr0 & CpuCore.CR0_TS) != 0) {
            throw cpu.fault(Cpu.NM, GuestFault.NO_ERROR_CODE);
        }
    }

    /** D8-DF: no FPU here. */
    void x87() {
        if ((cpu.cr0 & (CpuCore.CR0_EM | CpuCore.CR0_TS)) != 0) {
            throw cpu.fault(Cpu.NM, GuestFault.NO_ERROR_CODE);
        }
        throw cpu.undefined();
    }

    /** WAIT/FWAIT. */
    void fwait() {
        if ((cpu.cr0 & (CpuCore.CR0_MP | CpuCore.CR0_TS)) == (CpuCore.CR0_MP | CpuCore.CR0_TS)) {
            throw cpu.fault(Cpu.NM, GuestFault.NO_ERROR_CODE);
        }
    }

    /** 0F AE: FXSAVE, FXRSTOR, LDMXCSR, STMXCSR and, in register form, the fences. */
    void group15(Insn i) {
        if (!i.isMemory()) {
            if (i.reg >= 5 && i.mandatoryPrefix == 0) {
                return; // LFENCE, MFENCE, SFENCE: accesses are already ordered here.
            }
            throw cpu.undefined();
        }
        switch (i.reg) {
            case 0 -> fxsave(i);
            case 1 -> fxrstor(i);
            case 2 -> {
                requireSse();
                int value = cpu.read32(i.segment, cpu.effectiveAddress(i));
                if ((value & ~MXCSR_MASK) != 0) {
                    throw cpu.fault(Cpu.GP, 0);
                }
                cpu.mxcsr = value;
            }
            case 3 -> {
                requireSse();
                cpu.write(i.segment, cpu.effectiveAddress(i), 4, cpu.mxcsr);
            }
            default -> throw cpu.undefined();
        }
    }

    private int alignedArea(Insn i, boolean write) {
        if ((cpu.cr0 & (CpuCore.CR0_EM | CpuCore.CR0_TS)) != 0) {
            throw cpu.fault(Cpu.NM, GuestFault.NO_ERROR_CODE);
        }
        int offset = cpu.effectiveAddress(i);
        int address = cpu.linear(i.segment, offset, 512, write);
        if ((address & 15) != 0) {
            throw cpu.fault(Cpu.GP, 0);
        }
        return address;
    }

    private void fxsave(Insn i) {
        int address = alignedArea(i, true);
        cpu.mmu.probeWrite(address, 512);
        Mmu mmu = cpu.mmu;
        byte[] x87 = cpu.x87Area;
        for (int at = 0; at < 160; at += 8) {
            long value = at == 24 ? (cpu.mxcsr & 0xffff_ffffL) | ((long) MXCSR_MASK << 32) : readLong(x87, at);
            mmu.write64(address + at, value);
        }
        for (int register = 0; register < 8; register++) {
            mmu.write64(address + 160 + 16 * register, cpu.xmm[2 * register]);
            mmu.write64(address + 168 + 16 * register, cpu.xmm[2 * register + 1]);
        }
    }

    private void fxrstor(Insn i) {
        int address = alignedArea(i, false);
        Mmu mmu = cpu.mmu;
        int newMxcsr = mmu.read32(address + 24);
        if ((newMxcsr & ~MXCSR_MASK) != 0) {
            throw cpu.fault(Cpu.GP, 0);
        }
        long[] registers = restored;
        for (int register = 0; register < 16; register++) {
            registers[register] = mmu.read64(address + 160 + 8 * register);
        }
        byte[] x87 = cpu.x87Area;
        for (int at = 0; at < 160; at += 8) {
            if (at != 24) {
                writeLong(x87, at, mmu.read64(address + at));
            }
        }
        System.arraycopy(registers, 0, cpu.xmm, 0, 16);
        cpu.mxcsr = newMxcsr;
    }

    private static long readLong(byte[] bytes, int at) {
        return (long) Mmu.LONG.get(bytes, at);
    }

    private static void writeLong(byte[] bytes, int at, long value) {
        Mmu.LONG.set(bytes, at, value);
    }

    /**
     * 0F 10/11 (MOVUPS/MOVUPD), 0F 28/29 (MOVAPS/MOVAPD) and 0F 6F/7F (MOVDQA with 66, MOVDQU with F3).
     * Scalar forms (MOVSS/MOVSD) and MMX forms are not implemented and raise #UD.
     */
    void move(Insn i) {
        int op = i.opcode & 0xff;
        boolean aligned;
        if (op == 0x6f || op == 0x7f) {
            if (i.mandatoryPrefix != 0x66 && i.mandatoryPrefix != 0xf3) {
                throw cpu.undefined();
            }
            aligned = i.mandatoryPrefix == 0x66;
        } else {
            if (i.mandatoryPrefix == 0xf2 || i.mandatoryPrefix == 0xf3) {
                throw cpu.undefined();
            }
            aligned = op == 0x28 || op == 0x29;
        }
        requireSse();
        boolean store = op == 0x11 || op == 0x29 || op == 0x7f;
        int register = i.reg;
        if (!i.isMemory()) {
            int from = store ? register : i.rm;
            int to = store ? i.rm : register;
            cpu.xmm[2 * to] = cpu.xmm[2 * from];
            cpu.xmm[2 * to + 1] = cpu.xmm[2 * from + 1];
            return;
        }
        int address = cpu.linear(i.segment, cpu.effectiveAddress(i), 16, store);
        if (aligned && (address & 15) != 0) {
            throw cpu.fault(Cpu.GP, 0);
        }
        if (store) {
            cpu.mmu.probeWrite(address, 16);
            cpu.mmu.write64(address, cpu.xmm[2 * register]);
            cpu.mmu.write64(address + 8, cpu.xmm[2 * register + 1]);
        } else {
            long low = cpu.mmu.read64(address);
            long high = cpu.mmu.read64(address + 8);
            cpu.xmm[2 * register] = low;
            cpu.xmm[2 * register + 1] = high;
        }
    }
}
