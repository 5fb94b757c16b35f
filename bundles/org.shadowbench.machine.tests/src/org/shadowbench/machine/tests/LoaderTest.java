package org.shadowbench.machine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.SegmentRegister;
import org.shadowbench.devices.serial.Uart16550;
import org.shadowbench.machine.GuestLoadException;
import org.shadowbench.machine.LoadedGuest;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.machine.MultibootModule;

/** The multiboot and flat loaders: what lands where, the information structure, and every refusal. */
class LoaderTest {
    private final Machine machine = new Machine(MachineConfiguration.defaults().withRam(16L << 20));

    private static byte[] filled(int size, int value) {
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private long read(long address, int size) {
        return machine.memory().read(address, size);
    }

    private String string(long address) {
        StringBuilder text = new StringBuilder();
        for (long a = address; read(a, 1) != 0; a++) {
            text.append((char) read(a, 1));
        }
        return text.toString();
    }

    @Test
    void elfSegmentsLoadAtTheirAddressesWithBssZeroed() throws GuestLoadException {
        machine.memory().write(0x200010, 4, 0xffffffffL);
        byte[] image = new ElfBuilder().segment(0x100000, filled(64, 0x90), 64).segment(0x200000, filled(16, 0x41), 0x20)
                .entry(0x100010).build();
        LoadedGuest guest = machine.loadMultiboot(image, "kernel quiet", List.of());
        assertEquals("multiboot ELF", guest.format());
        assertEquals(0x100010, guest.entry());
        assertEquals(0x90909090L, read(0x100020, 4));
        assertEquals(0x41414141L, read(0x20000c, 4));
        assertEquals(0, read(0x200010, 4), "bss zeroed");
        assertEquals(0x100010, machine.cpu().eip());
        assertEquals(Machine.MULTIBOOT_MAGIC, machine.cpu().register(Register.EAX));
        assertEquals(guest.infoAddress(), machine.cpu().register(Register.EBX) & 0xffffffffL);
        assertEquals(1, machine.cpu().controlRegister(0) & 0x80000001, "protected mode, paging off");
    }

    @Test
    void multibootInformationDescribesMemoryCommandLineAndModules() throws GuestLoadException {
        byte[] image = new ElfBuilder().segment(0x100000, filled(64, 0x90), 64).build();
        byte[] module = "module payload".getBytes(StandardCharsets.US_ASCII);
        LoadedGuest guest = machine.loadMultiboot(image, "kernel --verbose", List.of(new MultibootModule(module, "initrd")));
        long info = guest.infoAddress();
        long flags = read(info, 4);
        assertEquals(0x24d, flags, "memory, command line, modules, memory map, loader name");
        assertEquals(639, read(info + 4, 4), "KiB below the extended BIOS data area");
        assertEquals(15 * 1024, read(info + 8, 4), "KiB above 1 MiB");
        assertEquals("kernel --verbose", string(read(info + 16, 4)));
        assertEquals(1, read(info + 20, 4));
        long modules = read(info + 24, 4);
        long start = read(modules, 4);
        assertEquals(0x101000, start, "page-aligned after the kernel");
        assertEquals(start + module.length, read(modules + 4, 4));
        assertEquals("initrd", string(read(modules + 8, 4)));
        assertEquals("module payload", new String(bytes(start, module.length), StandardCharsets.US_ASCII));
        assertEquals("Shadowbench", string(read(info + 64, 4)));
        long mapLength = read(info + 44, 4);
        long map = read(info + 48, 4);
        boolean extendedRamAvailable = false;
        boolean ebdaReserved = false;
        boolean lowRamAvailable = false;
        for (long entry = map; entry < map + mapLength; entry += read(entry, 4) + 4) {
            long first = read(entry + 4, 8);
            long length = read(entry + 12, 8);
            long type = read(entry + 20, 4);
            extendedRamAvailable |= first == 0x100000 && type == 1 && length == 15L << 20;
            lowRamAvailable |= first == 0 && type == 1 && length == 0x9fc00;
            ebdaReserved |= first == 0x9fc00 && type == 2 && length == 0x400;
        }
        assertTrue(extendedRamAvailable, "the memory map lists RAM above 1 MiB as available");
        assertTrue(lowRamAvailable && ebdaReserved, "conventional RAM up to the EBDA, which is reserved");
    }

    @Test
    void theFirmwareLeavesTheBiosDataAreaAndAFlatGdtAsQemuAndGrubDo() throws GuestLoadException {
        machine.attach(new Uart16550("com1", Uart16550.COM1, InputStream.nullInputStream(), OutputStream.nullOutputStream()));
        byte[] image = new ElfBuilder().segment(0x100000, filled(64, 0x90), 64).build();
        machine.loadMultiboot(image, "kernel", List.of());
        assertEquals(0x3f8, read(0x400, 2), "COM1 in the BDA's port table");
        assertEquals(0, read(0x402, 2), "no COM2");
        assertEquals(1 << 9, read(0x410, 2) & 0x0e00, "equipment word: one serial port");
        assertEquals(639, read(0x413, 2), "base memory in KiB");
        assertEquals(0x9fc0, read(0x40e, 2), "EBDA segment");
        assertEquals(1, read(0x9fc00, 1), "the EBDA's size in KiB");
        assertEquals(0x03, machine.io().read(Uart16550.COM1 + 3, 1), "COM1 programmed 8N1, DLAB off");
        Cpu cpu = machine.cpu();
        assertEquals(0x08, cpu.segmentSelector(SegmentRegister.CS));
        for (SegmentRegister data : new SegmentRegister[] { SegmentRegister.DS, SegmentRegister.ES, SegmentRegister.SS }) {
            assertEquals(0x10, cpu.segmentSelector(data));
            assertEquals(-1, cpu.segmentLimit(data), "flat 4 GiB");
        }
        // The GDT is in the BIOS ROM, where the guest cannot change it, and its selectors stay loadable.
        machine.memory().write(0xf0808, 8, 0);
        cpu.loadSegment(SegmentRegister.DS, 0x10);
        cpu.loadSegment(SegmentRegister.CS, 0x08);
        assertEquals(0x00cf9b000000ffffL, read(0xf0808, 8), "flat code, accessed bit set so loading never writes it");
    }

    @Test
    void aKernelLoadedOverTheBiosDataAreaKeepsItsBytes() throws GuestLoadException {
        byte[] image = new ElfBuilder().segment(0x400, filled(0x200, 0x90), 0x200).segment(0x100000, filled(16, 0x90), 16)
                .entry(0x100000).build();
        machine.loadMultiboot(image, "kernel", List.of());
        assertEquals(0x90909090L, read(0x410, 4), "the loader's bytes win over the firmware's");
    }

    private byte[] bytes(long address, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) read(address + i, 1);
        }
        return out;
    }

    @Test
    void aoutKludgeLoadsByTheHeaderAddresses() throws GuestLoadException {
        ByteBuffer image = ByteBuffer.allocate(0x40).order(ByteOrder.LITTLE_ENDIAN);
        int flags = 0x10003;
        image.putInt(0x1badb002).putInt(flags).putInt(-(0x1badb002 + flags));
        image.putInt(0x300000).putInt(0x300000).putInt(0x300040).putInt(0x300100).putInt(0x300020);
        image.put(0x20, (byte) 0xf4);
        LoadedGuest guest = machine.loadMultiboot(image.array(), "", List.of());
        assertEquals("multiboot a.out kludge", guest.format());
        assertEquals(0x300020, guest.entry());
        assertEquals(0xf4, read(0x300020, 1));
        assertEquals(0x100, guest.segments().get(0).memoryBytes());
    }

    @Test
    void flatBinaryLoadsAtItsAddress() throws GuestLoadException {
        LoadedGuest guest = machine.loadFlat(new byte[] { (byte) 0xeb, (byte) 0xfe }, 0x8000);
        assertEquals(0xfeeb, read(0x8000, 2));
        assertEquals(0x8000, machine.cpu().eip());
        assertEquals("flat binary", guest.format());
    }

    private void refused(byte[] image, String expected) {
        long before = read(0x100000, 8);
        GuestLoadException e = assertThrows(GuestLoadException.class, () -> machine.loadMultiboot(image, "", List.of()));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(before, read(0x100000, 8), "memory unchanged");
    }

    @Test
    void refusals() {
        byte[] code = filled(64, 0x90);
        refused(filled(100, 0), "not a multiboot image");
        refused(new ElfBuilder().segment(0x100000, code, 64).badChecksum().build(), "wrong checksum");
        refused(new ElfBuilder().segment(0x100000, code, 64).multibootFlags(0x7).build(), "graphics mode");
        refused(new ElfBuilder().segment(0x100000, code, 64).multibootFlags(0x11).build(), "does not know");
        refused(new ElfBuilder().segment(0x100000, code, 64).elfClass(2).build(), "64-bit");
        refused(new ElfBuilder().segment(0x100000, code, 64).machine(62).build(), "wrong machine: ELF machine 62 (x86-64)");
        refused(new ElfBuilder().segment(0x100000, code, 64).type(1).build(), "not an executable");
        refused(new ElfBuilder().segment(0x100000, code, 64).truncate(120).build(), "beyond the end of the file");
        refused(new ElfBuilder().segment(0x100000, code, 64).segment(0x2000000, code, 64).build(), "lies outside RAM");
        refused(new ElfBuilder().segment(0x100000, code, 0x2000).segment(0x101000, code, 64).build(), "overlaps");
        refused(new ElfBuilder().segment(0x100000, code, 64).entry(0x500000).build(), "entry point");
        refused(new ElfBuilder().segment(0xa0000, code, 64).entry(0xa0000).build(), "lies outside RAM");
    }
}
