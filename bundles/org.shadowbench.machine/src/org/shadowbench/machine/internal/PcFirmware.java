package org.shadowbench.machine.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.IoPortBus;
import org.shadowbench.cpu.SegmentRegister;
import org.shadowbench.machine.InterruptBus;
import org.shadowbench.machine.LoadedGuest;
import org.shadowbench.machine.PcMemoryLayout;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;

/**
 * What a PC's BIOS and a multiboot loader (GRUB, QEMU's {@code -kernel}) leave behind for a kernel:
 * the BIOS data area and extended BIOS data area, the serial ports found and programmed, the MP
 * tables, and a flat GDT that the CPU is left running on. Real kernels read these: xv6 finds the MP
 * table through the BDA's EBDA segment and base memory size, small kernels print on COM1 without
 * programming it, and kernels that take an interrupt before loading their own GDT need the loader's
 * selectors to stay loadable.
 *
 * <p>The BDA and EBDA live in RAM (the guest may overwrite them, as on a PC); the GDT and MP tables
 * live in the system BIOS ROM, written through its host frames as firmware programs its own image.
 */
final class PcFirmware {
    /** Where the BIOS data area starts. */
    static final long BDA = 0x400;
    private static final int BDA_SIZE = 0x100;
    /** The EBDA: the last KiB of conventional memory, as SeaBIOS places it. */
    static final long EBDA = PcMemoryLayout.EBDA;
    /** The loader's GDT in the BIOS ROM, after the MP tables (which take at most 1 KiB from 0xf0000). */
    static final long GDT = 0xf0800L;
    /** The loader's flat 32-bit ring-0 code selector, GRUB's and QEMU's. */
    static final int CODE_SELECTOR = 0x08;
    /** The loader's flat data selector. */
    static final int DATA_SELECTOR = 0x10;
    /** Flat 4 GiB descriptors, with the accessed bit already set so loading them never writes the ROM. */
    private static final long FLAT_CODE = 0x00cf_9b00_0000_ffffL;
    private static final long FLAT_DATA = 0x00cf_9300_0000_ffffL;
    private static final int GDT_LIMIT = 3 * 8 - 1;
    /** The real-mode interrupt vector table the BIOS leaves in IDTR. */
    private static final int IVT_LIMIT = 0x3ff;

    /** The serial ports a BIOS probes, in BDA order (COM1 to COM4). */
    private static final int[] SERIAL_PORTS = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
    /** 115200 baud: the UART clock of 1.8432 MHz divided by 16. */
    private static final int DIVISOR_115200 = 1;
    private static final int LCR_DLAB = 0x80;
    private static final int LCR_8N1 = 0x03;
    private static final int MCR_DTR_RTS = 0x03;
    private static final int SCRATCH_PROBE = 0x5a;
    /** The CRT controller's index port of a colour adapter. */
    private static final int CRTC_COLOUR = 0x3d4;

    private final PhysicalMemory memory;
    private final IoPortBus io;

    PcFirmware(PhysicalMemory memory, IoPortBus io) {
        this.memory = memory;
        this.io = io;
    }

    /**
     * Runs the firmware's part of a boot: programs the serial ports it finds, fills the BDA and EBDA,
     * writes the GDT and, when a local APIC is connected, the MP tables. Devices must be attached first,
     * as the BIOS finds what is plugged in. The data areas are left alone where the guest was loaded.
     */
    void initialize(InterruptBus interrupts, int cpuSignature, int cpuFeatures, LoadedGuest guest) {
        int[] serialBases = programSerialPorts();
        if (!guest.occupies(BDA, BDA + BDA_SIZE) && !guest.occupies(EBDA, PcMemoryLayout.CONVENTIONAL_END)) {
            writeDataAreas(serialBases);
        }
        writeGdt();
        new MpTableWriter(memory).write(interrupts, cpuSignature, cpuFeatures);
    }

    /**
     * Leaves the CPU in flat 32-bit protected mode on the firmware's GDT (CS 0x08, data 0x10) with the
     * BIOS's IDTR, as QEMU's multiboot loader and GRUB do.
     */
    static void enterLoaderState(Cpu cpu) {
        cpu.enterFlatProtectedMode();
        cpu.loadDescriptorTables((int) GDT, GDT_LIMIT, 0, IVT_LIMIT);
        cpu.loadSegment(SegmentRegister.CS, CODE_SELECTOR);
        for (SegmentRegister data : new SegmentRegister[] { SegmentRegister.DS, SegmentRegister.ES, SegmentRegister.FS,
                SegmentRegister.GS, SegmentRegister.SS }) {
            cpu.loadSegment(data, DATA_SELECTOR);
        }
    }

    /**
     * Finds the UARTs as a BIOS does (the scratch register keeps what is written to it) and programs
     * each for 115200 baud, 8 data bits, no parity, one stop bit, interrupts off.
     *
     * @return the base ports found, in COM order, with zeros after the last
     */
    private int[] programSerialPorts() {
        int found = 0;
        int[] bases = new int[SERIAL_PORTS.length];
        for (int base : SERIAL_PORTS) {
            if (io.handler(base) == null) {
                continue;
            }
            io.write(base + 7, 1, SCRATCH_PROBE);
            if (io.read(base + 7, 1) != SCRATCH_PROBE) {
                continue;
            }
            io.write(base + 3, 1, LCR_DLAB);
            io.write(base, 1, DIVISOR_115200 & 0xff);
            io.write(base + 1, 1, DIVISOR_115200 >>> 8);
            io.write(base + 3, 1, LCR_8N1);
            io.write(base + 1, 1, 0);
            io.write(base + 4, 1, MCR_DTR_RTS);
            io.write(base + 7, 1, 0);
            bases[found++] = base;
        }
        return bases;
    }

    /** The BDA fields kernels and boot code read, and the EBDA's size word. */
    private void writeDataAreas(int[] serialBases) {
        ByteBuffer bda = ByteBuffer.allocate(BDA_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int serialPorts = 0;
        for (int i = 0; i < serialBases.length; i++) {
            bda.putShort(2 * i, (short) serialBases[i]);
            serialPorts += serialBases[i] != 0 ? 1 : 0;
        }
        // 0x08-0x0d: no parallel ports.
        bda.putShort(0x0e, (short) (EBDA >>> 4));
        // Equipment word: the serial port count in bits 9-11; video bits 00 (EGA/VGA with its own BIOS); no
        // x87 (bit 1), as CPUID says; no floppy drives.
        bda.putShort(0x10, (short) (serialPorts << 9));
        bda.putShort(0x13, (short) (EBDA / 1024));
        if (io.handler(CRTC_COLOUR) != null) {
            bda.put(0x49, (byte) 0x03); // 80x25 colour text
            bda.putShort(0x4a, (short) 80);
            bda.putShort(0x4c, (short) 4096); // bytes of one page
            bda.putShort(0x63, (short) CRTC_COLOUR);
            bda.put(0x84, (byte) 24); // rows minus one
            bda.putShort(0x85, (short) 16); // character height
        }
        memory.write(BDA, bda.array(), 0, bda.capacity());
        long ebdaSize = PcMemoryLayout.CONVENTIONAL_END - EBDA;
        byte[] ebda = new byte[(int) ebdaSize];
        ebda[0] = (byte) (ebdaSize / 1024);
        memory.write(EBDA, ebda, 0, ebda.length);
    }

    private void writeGdt() {
        ByteBuffer gdt = ByteBuffer.allocate(GDT_LIMIT + 1).order(ByteOrder.LITTLE_ENDIAN);
        gdt.putLong(CODE_SELECTOR, FLAT_CODE);
        gdt.putLong(DATA_SELECTOR, FLAT_DATA);
        writeRom(memory, GDT, gdt.array(), gdt.capacity());
    }

    /** Writes into ROM through its host frames, as firmware programs its own image. */
    static void writeRom(PhysicalMemory memory, long address, byte[] bytes, int length) {
        RamRange range = memory.rangeAt(address);
        for (int done = 0; done < length; done++) {
            long at = address + done;
            int frame = range.hostFrame(range.pageIndex(at));
            memory.frames().write(frame, (int) (at & 0xfff), 1, bytes[done] & 0xff);
        }
    }
}
