package org.shadowbench.cpu.internal;

import org.shadowbench.pool.FaultingInstruction;

/**
 * The string instructions MOVS, CMPS, STOS, LODS, SCAS, INS and OUTS, with REP/REPE/REPNE. Each
 * iteration commits its register updates, so a fault part-way leaves ECX, ESI and EDI where the
 * processor would and the instruction resumes when restarted. A long REP runs in chunks of
 * {@link CpuCore#REP_CHUNK} iterations, restarting itself between them so interrupts get in.
 */
final class StringOps {
    static final int MOVS = 0;
    static final int CMPS = 1;
    static final int STOS = 2;
    static final int LODS = 3;
    static final int SCAS = 4;
    static final int INS = 5;
    static final int OUTS = 6;

    private final CpuCore cpu;
    private final Arithmetic arithmetic;

    StringOps(CpuCore cpu, Arithmetic arithmetic) {
        this.cpu = cpu;
        this.arithmetic = arithmetic;
    }

    void execute(Insn i, int operation, int size) {
        if (operation == INS || operation == OUTS) {
            cpu.system.checkIoPermission(cpu.gpr[CpuCore.EDX] & 0xffff, size);
            cpu.codeWritten();
        }
        int[] r = cpu.gpr;
        boolean wide = i.addressSize == 4;
        int delta = (cpu.flags.other & Flags.DF) != 0 ? -size : size;
        int source = i.segmentOverride != Insn.NO_SEGMENT ? i.segmentOverride : CpuCore.DS;
        if (i.rep == 0) {
            once(i, operation, size, source, wide, delta);
            return;
        }
        for (int n = 0; n < CpuCore.REP_CHUNK; n++) {
            // ECX is an unsigned count: a guest may ask for up to 2^32 - 1 iterations, which as a Java int
            // would be negative and turn the bulk path's element count (and array lengths) negative.
            long count = wide ? r[CpuCore.ECX] & 0xffff_ffffL : r[CpuCore.ECX] & 0xffff;
            if (count == 0) {
                return;
            }
            if (delta > 0 && wide && (operation == MOVS || operation == STOS) && cpu.fastPathEnabled) {
                int done = bulk(operation, size, source, (int) Math.min(count, CpuCore.REP_CHUNK - n));
                if (done > 0) {
                    r[CpuCore.ECX] -= done;
                    n += done - 1;
                    continue;
                }
            }
            once(i, operation, size, source, wide, delta);
            if (wide) {
                r[CpuCore.ECX]--;
            } else {
                r[CpuCore.ECX] = (r[CpuCore.ECX] & 0xffff_0000) | ((r[CpuCore.ECX] - 1) & 0xffff);
            }
            if (operation == STOS) {
                FaultingInstruction completed = cpu.completedByPool();
                if (completed != null) {
                    // The pool wrote the rest of this REP STOSD into the page tables it monitors.
                    r[CpuCore.ECX] = (int) completed.ecx();
                    r[CpuCore.EDI] = (int) completed.edi();
                    return;
                }
            }
            if (operation == CMPS || operation == SCAS) {
                boolean zero = cpu.flags.zf();
                if ((i.rep == Insn.REP && !zero) || (i.rep == Insn.REPNE && zero)) {
                    return;
                }
            }
        }
        if ((wide ? r[CpuCore.ECX] : r[CpuCore.ECX] & 0xffff) != 0) {
            cpu.restartInstruction();
        }
    }

    /**
     * Runs up to {@code limit} forward iterations of REP MOVS or REP STOS with 32-bit addresses at
     * once, as far as every element stays within the current source and destination pages, both
     * segments need no checks and the TLB grants the accesses directly (so monitored page tables,
     * frames holding code and MMIO, which the TLB never maps for direct writes, still go element by
     * element). Overlapping copies within one frame go element by element too. Returns the number of
     * iterations done (0 if none could be), with ESI and EDI advanced; the caller counts ECX down.
     *
     * @param limit at least 1: the iterations still due in this chunk, never more than ECX as unsigned
     */
    private int bulk(int operation, int size, int source, int limit) {
        int[] r = cpu.gpr;
        if ((cpu.segUnchecked[CpuCore.ES] & CpuCore.UNCHECKED_WRITE) == 0) {
            return 0;
        }
        Mmu mmu = cpu.mmu;
        int destination = cpu.segBase[CpuCore.ES] + r[CpuCore.EDI];
        int elements = Math.min(limit, (0x1000 - (destination & 0xfff)) / size);
        byte[] to = mmu.directBacking(destination, true);
        if (to == null || elements == 0) {
            return 0;
        }
        int at = mmu.directOffset;
        if (operation == STOS) {
            int value = r[CpuCore.EAX];
            switch (size) {
                case 1 -> java.util.Arrays.fill(to, at, at + elements, (byte) value);
                case 2 -> {
                    for (int k = 0; k < elements; k++) {
                        Mmu.SHORT.set(to, at + 2 * k, (short) value);
                    }
                }
                default -> {
                    for (int k = 0; k < elements; k++) {
                        Mmu.INT.set(to, at + 4 * k, value);
                    }
                }
            }
            r[CpuCore.EDI] += elements * size;
            return elements;
        }
        if ((cpu.segUnchecked[source] & CpuCore.UNCHECKED_READ) == 0) {
            return 0;
        }
        int from = cpu.segBase[source] + r[CpuCore.ESI];
        elements = Math.min(elements, (0x1000 - (from & 0xfff)) / size);
        byte[] fromBacking = mmu.directBacking(from, false);
        if (fromBacking == null || elements == 0) {
            return 0;
        }
        int fromAt = mmu.directOffset;
        int bytes = elements * size;
        if (fromBacking == to && fromAt < at + bytes && at < fromAt + bytes) {
            return 0;
        }
        System.arraycopy(fromBacking, fromAt, to, at, bytes);
        r[CpuCore.ESI] += bytes;
        r[CpuCore.EDI] += bytes;
        return elements;
    }

    private static int offset(int value, boolean wide) {
        return wide ? value : value & 0xffff;
    }

    private void advance(int register, boolean wide, int delta) {
        int[] r = cpu.gpr;
        r[register] = wide ? r[register] + delta : (r[register] & 0xffff_0000) | ((r[register] + delta) & 0xffff);
    }

    private void once(Insn i, int operation, int size, int source, boolean wide, int delta) {
        int[] r = cpu.gpr;
        switch (operation) {
            case MOVS -> {
                int value = cpu.read(source, offset(r[CpuCore.ESI], wide), size);
                cpu.write(CpuCore.ES, offset(r[CpuCore.EDI], wide), size, value);
                advance(CpuCore.ESI, wide, delta);
                advance(CpuCore.EDI, wide, delta);
            }
            case CMPS -> {
                int first = cpu.read(source, offset(r[CpuCore.ESI], wide), size);
                int second = cpu.read(CpuCore.ES, offset(r[CpuCore.EDI], wide), size);
                arithmetic.alu(Arithmetic.CMP, size, first, second);
                advance(CpuCore.ESI, wide, delta);
                advance(CpuCore.EDI, wide, delta);
            }
            case STOS -> {
                cpu.write(CpuCore.ES, offset(r[CpuCore.EDI], wide), size, cpu.reg(CpuCore.EAX, size));
                if (cpu.completedByPool() == null) {
                    advance(CpuCore.EDI, wide, delta);
                }
            }
            case LODS -> {
                cpu.setReg(CpuCore.EAX, size, cpu.read(source, offset(r[CpuCore.ESI], wide), size));
                advance(CpuCore.ESI, wide, delta);
            }
            case SCAS -> {
                int value = cpu.read(CpuCore.ES, offset(r[CpuCore.EDI], wide), size);
                arithmetic.alu(Arithmetic.CMP, size, cpu.reg(CpuCore.EAX, size), value);
                advance(CpuCore.EDI, wide, delta);
            }
            case INS -> {
                int address = cpu.linear(CpuCore.ES, offset(r[CpuCore.EDI], wide), size, true);
                cpu.mmu.probeWrite(address, size);
                cpu.writeLinear(address, size, cpu.io.read(r[CpuCore.EDX] & 0xffff, size));
                advance(CpuCore.EDI, wide, delta);
            }
            default -> {
                cpu.io.write(r[CpuCore.EDX] & 0xffff, size, cpu.read(source, offset(r[CpuCore.ESI], wide), size));
                advance(CpuCore.ESI, wide, delta);
            }
        }
    }
}
