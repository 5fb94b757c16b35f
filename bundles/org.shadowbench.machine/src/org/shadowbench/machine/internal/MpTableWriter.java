package org.shadowbench.machine.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.shadowbench.machine.InterruptBus;
import org.shadowbench.machine.IoApicPort;
import org.shadowbench.machine.LocalApicPort;
import org.shadowbench.machine.PcMemoryLayout;
import org.shadowbench.memory.PhysicalMemory;

/**
 * Writes the Intel MultiProcessor Specification 1.4 tables a kernel looks for to find its APICs:
 * the floating pointer structure in the BIOS area, where the specification's search finds it, and
 * the configuration table right after it, describing one processor (the connected local APIC), one
 * ISA bus, the connected I/O APIC with one entry per ISA interrupt, and the local interrupts
 * (LINT0 ExtINT from the 8259, LINT1 NMI). The tables live in the system BIOS ROM, written as
 * firmware would (through the host frames), so the guest cannot overwrite them.
 */
final class MpTableWriter {
    /** Where the floating pointer goes: the start of the BIOS segment that the search covers. */
    static final long FLOATING_POINTER = 0xf0000L;
    private static final long CONFIGURATION = FLOATING_POINTER + 16;
    private static final int SPEC_REVISION = 4;
    private static final int ENTRY_PROCESSOR = 0;
    private static final int ENTRY_BUS = 1;
    private static final int ENTRY_IO_APIC = 2;
    private static final int ENTRY_IO_INTERRUPT = 3;
    private static final int ENTRY_LOCAL_INTERRUPT = 4;
    private static final int INTERRUPT_INT = 0;
    private static final int INTERRUPT_NMI = 1;
    private static final int INTERRUPT_EXTINT = 3;
    private static final int ISA_BUS = 0;
    /** The 8259 cascade: no device interrupt on ISA line 2. */
    private static final int CASCADE = 2;

    private final PhysicalMemory memory;

    MpTableWriter(PhysicalMemory memory) {
        this.memory = memory;
    }

    /**
     * Writes the tables for the APICs connected to {@code bus}; without a local APIC there is nothing
     * to describe and nothing is written.
     *
     * @param signature the processor's CPUID signature, {@code features} its CPUID.1 EDX
     */
    void write(InterruptBus bus, int signature, int features) {
        LocalApicPort localApic = bus.localApic();
        if (localApic == null) {
            return;
        }
        IoApicPort ioApic = bus.ioApic();
        ByteBuffer table = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        table.position(44);
        int entries = 0;
        table.put((byte) ENTRY_PROCESSOR).put((byte) localApic.id()).put((byte) 0x14).put((byte) 0x3); // enabled, BSP
        table.putInt(signature).putInt(features).putLong(0);
        entries++;
        table.put((byte) ENTRY_BUS).put((byte) ISA_BUS).put("ISA   ".getBytes(StandardCharsets.US_ASCII));
        entries++;
        if (ioApic != null) {
            table.put((byte) ENTRY_IO_APIC).put((byte) ioApic.id()).put((byte) ioApic.version()).put((byte) 1);
            table.putInt((int) ioApic.address());
            entries++;
            for (int line = 0; line < InterruptBus.LINES; line++) {
                if (line != CASCADE) {
                    interrupt(table, ENTRY_IO_INTERRUPT, INTERRUPT_INT, line, ioApic.id(), InterruptBus.ioApicPin(line));
                    entries++;
                }
            }
        }
        interrupt(table, ENTRY_LOCAL_INTERRUPT, INTERRUPT_EXTINT, 0, 0xff, 0);
        interrupt(table, ENTRY_LOCAL_INTERRUPT, INTERRUPT_NMI, 0, 0xff, 1);
        entries += 2;
        int length = table.position();
        table.put(0, "PCMP".getBytes(StandardCharsets.US_ASCII));
        table.putShort(4, (short) length);
        table.put(6, (byte) SPEC_REVISION);
        table.put(8, "SHADOWBN".getBytes(StandardCharsets.US_ASCII));
        table.put(16, "SHADOWBENCH ".getBytes(StandardCharsets.US_ASCII));
        table.putShort(34, (short) entries);
        table.putInt(36, (int) PcMemoryLayout.LOCAL_APIC);
        table.put(7, checksum(table.array(), 0, length));

        ByteBuffer pointer = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        pointer.put("_MP_".getBytes(StandardCharsets.US_ASCII));
        pointer.putInt((int) CONFIGURATION);
        pointer.put((byte) 1).put((byte) SPEC_REVISION);
        // Feature byte 1 = 0: the configuration table is present; byte 2 bit 7 = 0: virtual wire mode.
        pointer.put(10, checksum(pointer.array(), 0, 16));

        PcFirmware.writeRom(memory, FLOATING_POINTER, pointer.array(), 16);
        PcFirmware.writeRom(memory, CONFIGURATION, table.array(), length);
    }

    private static void interrupt(ByteBuffer table, int entryType, int interruptType, int sourceIrq, int destination,
            int destinationInput) {
        // Flags 0: polarity and trigger mode conform to the bus (ISA: active high, edge).
        table.put((byte) entryType).put((byte) interruptType).putShort((short) 0).put((byte) ISA_BUS).put((byte) sourceIrq)
                .put((byte) destination).put((byte) destinationInput);
    }

    /** The byte that makes the sum of {@code length} bytes zero (the slot itself must be zero). */
    private static byte checksum(byte[] bytes, int from, int length) {
        int sum = 0;
        for (int i = from; i < from + length; i++) {
            sum += bytes[i];
        }
        return (byte) -sum;
    }
}
