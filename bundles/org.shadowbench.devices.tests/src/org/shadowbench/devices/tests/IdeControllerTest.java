package org.shadowbench.devices.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shadowbench.cpu.IoPortBus;
import org.shadowbench.devices.ide.DiskImage;
import org.shadowbench.devices.ide.DiskImageException;
import org.shadowbench.devices.ide.IdeController;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;

/**
 * The IDE controller at the port level, as xv6's driver and a careful one use it: IDENTIFY, drive
 * detection, LBA28 and CHS reads and writes through a copy of an image file, READ/WRITE MULTIPLE,
 * errors as status bits, nIEN and SRST, snapshots, and the images that must be refused.
 */
class IdeControllerTest {
    private static final int SECTORS = 2048;

    @TempDir
    Path directory;

    private final Machine machine = new Machine(MachineConfiguration.defaults().withRam(16L << 20));
    private final IdeController ide = new IdeController();
    private final IoPortBus io = machine.io();
    private final List<DiskImage> opened = new ArrayList<>();

    IdeControllerTest() {
        machine.attach(ide);
    }

    @AfterEach
    void close() throws IOException {
        machine.close();
        for (DiskImage disk : opened) {
            disk.close();
        }
    }

    /** An image whose every sector starts with its number and is filled with its low byte. */
    private Path image(String name, int sectors) throws IOException {
        byte[] bytes = new byte[sectors * 512];
        for (int s = 0; s < sectors; s++) {
            java.util.Arrays.fill(bytes, s * 512, (s + 1) * 512, (byte) s);
            ByteBuffer.wrap(bytes, s * 512, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(s);
        }
        Path file = directory.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private DiskImage open(Path file, boolean snapshot) throws DiskImageException {
        DiskImage disk = DiskImage.open(file, snapshot);
        opened.add(disk);
        return disk;
    }

    private int status() {
        return io.read(0x1f7, 1);
    }

    private void lba28(int drive, long lba, int count) {
        io.write(0x1f2, 1, count);
        io.write(0x1f3, 1, (int) lba);
        io.write(0x1f4, 1, (int) (lba >> 8));
        io.write(0x1f5, 1, (int) (lba >> 16));
        io.write(0x1f6, 1, 0xe0 | (drive << 4) | (int) ((lba >> 24) & 0x0f));
    }

    /** insl of one sector, as xv6 reads it. */
    private byte[] readSector() {
        ByteBuffer data = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 128; i++) {
            data.putInt(io.read(0x1f0, 4));
        }
        return data.array();
    }

    /** outsl of one sector. */
    private void writeSector(byte[] sector) {
        ByteBuffer data = ByteBuffer.wrap(sector).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 128; i++) {
            io.write(0x1f0, 4, data.getInt());
        }
    }

    private static byte[] filled(int value) {
        byte[] sector = new byte[512];
        java.util.Arrays.fill(sector, (byte) value);
        return sector;
    }

    @Test
    void identifyDeviceDescribesTheDisk() throws Exception {
        ide.insert(0, open(image("disk.img", SECTORS), false));
        io.write(0x3f6, 1, 0);
        io.write(0x1f6, 1, 0xa0);
        io.write(0x1f7, 1, 0xec);
        assertTrue(machine.interrupts().level(IdeController.PRIMARY_IRQ), "IRQ 14 with the data");
        assertEquals(0x58, io.read(0x3f6, 1), "alternate status: ready, seek complete, data request");
        assertTrue(machine.interrupts().level(IdeController.PRIMARY_IRQ), "the alternate status leaves the interrupt");
        assertEquals(0x58, status());
        assertFalse(machine.interrupts().level(IdeController.PRIMARY_IRQ), "the status register clears it");
        int[] words = new int[256];
        int sum = 0;
        for (int i = 0; i < 256; i++) {
            words[i] = io.read(0x1f0, 2);
            sum += (words[i] & 0xff) + (words[i] >> 8);
        }
        assertEquals(0x50, status(), "transfer done");
        assertEquals(0x0040, words[0], "fixed disk");
        assertEquals(SECTORS, words[60] | (words[61] << 16), "LBA28 capacity");
        assertEquals(0x0200, words[49] & 0x0200, "LBA supported");
        assertEquals(0x8010, words[47], "up to 16 sectors per READ/WRITE MULTIPLE block");
        assertEquals(0x0110, words[59], "multiple mode on with 16 sectors, as QEMU leaves it");
        assertEquals(0, sum & 0xff, "integrity word checksum");
        assertEquals(0xa5, words[255] & 0xff);
        StringBuilder model = new StringBuilder();
        for (int w = 27; w < 47; w++) {
            model.append((char) (words[w] >> 8)).append((char) (words[w] & 0xff));
        }
        assertEquals("SHADOWBENCH HARDDISK", model.toString().trim());
        assertEquals(16, words[3]);
        assertEquals(63, words[6]);
        assertEquals(2, words[1], "2048 sectors / (16 * 63) cylinders");
    }

    @Test
    void xv6FindsTheSlaveOnlyWhenItIsThere() throws Exception {
        ide.insert(0, DiskImage.inMemory("master", new byte[512 * 4]));
        io.write(0x1f6, 1, 0xe0 | (1 << 4));
        assertEquals(0, status(), "absent slave reads 0");
        io.write(0x1f6, 1, 0xe0);
        assertEquals(0x50, status());
        ide.insert(1, DiskImage.inMemory("slave", new byte[512 * 4]));
        io.write(0x1f6, 1, 0xe0 | (1 << 4));
        assertNotEquals(0, status(), "present slave");
        assertEquals(0, io.read(0x177, 1), "a channel without drives reads 0");
    }

    @Test
    void anAbsentDeviceZeroBesideADeviceOneReadsIdleAsUnderQemu() throws Exception {
        // qemu-system-i386 -kernel kernel -drive file=fs.img,index=1: xv6's ideinit waits for DRDY with device 0 selected.
        ide.insert(1, DiskImage.inMemory("slave", new byte[512 * 4]));
        io.write(0x1f6, 1, 0xe0);
        assertEquals(IdeController.DRDY | IdeController.DSC, status(), "device 1 answers for the absent device 0");
        io.write(0x1f7, 1, 0xec); // IDENTIFY to nobody
        assertEquals(IdeController.DRDY | IdeController.ERR, status(), "refused");
        assertEquals(0x04, io.read(0x1f1, 1), "ABRT");
        io.write(0x1f6, 1, 0xe0 | (1 << 4));
        assertEquals(IdeController.DRDY | IdeController.DSC, status(), "device 1 itself");
        io.write(0x1f6, 1, 0xe0);
        assertEquals(IdeController.DRDY | IdeController.DSC, status(), "selecting device 0 again clears the refusal");
    }

    @Test
    void writesReachTheFileAndReadBackWithLba28AsXv6DoesIt() throws Exception {
        Path file = image("fs.img", SECTORS);
        ide.insert(1, open(file, false));
        io.write(0x3f6, 1, 0);
        lba28(1, 1500, 1);
        io.write(0x1f7, 1, 0x30);
        assertEquals(0x58, io.read(0x3f6, 1), "data request for the first sector, no interrupt yet");
        assertFalse(machine.interrupts().level(14));
        writeSector(filled(0x5a));
        assertTrue(machine.interrupts().level(14), "interrupt when the sector is written");
        assertEquals(0x50, status());
        lba28(1, 1499, 3);
        io.write(0x1f7, 1, 0x20);
        assertTrue(machine.interrupts().level(14));
        assertEquals(0x58, status());
        assertEquals(1499, ByteBuffer.wrap(readSector()).order(ByteOrder.LITTLE_ENDIAN).getInt());
        assertEquals(0x58, status(), "next sector ready");
        assertArrayEquals(filled(0x5a), readSector());
        assertEquals(1501, ByteBuffer.wrap(readSector()).order(ByteOrder.LITTLE_ENDIAN).getInt());
        assertEquals(0x50, status());
        assertEquals(1502 & 0xff, io.read(0x1f3, 1), "the registers point after the last sector");
        assertEquals(0, io.read(0x1f2, 1));
        ide.disk(1).close();
        byte[] onDisk = Files.readAllBytes(file);
        assertArrayEquals(filled(0x5a), java.util.Arrays.copyOfRange(onDisk, 1500 * 512, 1501 * 512));
        assertEquals(1499, ByteBuffer.wrap(onDisk, 1499 * 512, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(),
                "the neighbours are untouched");
        assertEquals(1501, ByteBuffer.wrap(onDisk, 1501 * 512, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }

    @Test
    void chsAddressesAndInitializeDeviceParameters() throws Exception {
        ide.insert(0, open(image("chs.img", SECTORS), false));
        // cylinder 1, head 2, sector 3 with 16 heads and 63 sectors: (1 * 16 + 2) * 63 + 2 = 1136
        io.write(0x1f2, 1, 1);
        io.write(0x1f3, 1, 3);
        io.write(0x1f4, 1, 1);
        io.write(0x1f5, 1, 0);
        io.write(0x1f6, 1, 0xa0 | 2);
        io.write(0x1f7, 1, 0x20);
        assertEquals(1136, ByteBuffer.wrap(readSector()).order(ByteOrder.LITTLE_ENDIAN).getInt());
        assertEquals(4, io.read(0x1f3, 1), "next sector, CHS form");
        // a translation of 4 heads and 17 sectors: (1 * 4 + 2) * 17 + 2 = 104
        io.write(0x1f2, 1, 17);
        io.write(0x1f6, 1, 0xa0 | 3);
        io.write(0x1f7, 1, 0x91);
        assertEquals(0x50, status());
        io.write(0x1f2, 1, 1);
        io.write(0x1f3, 1, 3);
        io.write(0x1f4, 1, 1);
        io.write(0x1f6, 1, 0xa0 | 2);
        io.write(0x1f7, 1, 0x20);
        assertEquals(104, ByteBuffer.wrap(readSector()).order(ByteOrder.LITTLE_ENDIAN).getInt());
        io.write(0x1f3, 1, 0);
        io.write(0x1f7, 1, 0x20);
        assertEquals(0x51, status(), "sector 0 does not exist in CHS");
        assertEquals(IdeController.IDNF, io.read(0x1f1, 1));
    }

    @Test
    void readAndWriteMultipleMoveBlocks() throws Exception {
        ide.insert(0, DiskImage.inMemory("multi", new byte[512 * 64]));
        io.write(0x1f2, 1, 3);
        io.write(0x1f6, 1, 0xe0);
        io.write(0x1f7, 1, 0xc6);
        assertEquals(0x51, status(), "3 is not a power of two");
        assertEquals(IdeController.ABRT, io.read(0x1f1, 1));
        io.write(0x1f2, 1, 4);
        io.write(0x1f7, 1, 0xc6);
        assertEquals(0x50, status());
        lba28(0, 8, 6);
        io.write(0x1f7, 1, 0xc5);
        for (int s = 0; s < 6; s++) {
            if (s == 4) {
                assertTrue(machine.interrupts().level(14), "an interrupt asks for the second block");
            }
            assertEquals(0x58, status());
            writeSector(filled(0x10 + s));
        }
        assertEquals(0x50, status());
        lba28(0, 8, 6);
        io.write(0x1f7, 1, 0xc4);
        for (int s = 0; s < 6; s++) {
            assertArrayEquals(filled(0x10 + s), readSector(), "sector " + (8 + s));
            if (s == 3) {
                assertTrue(machine.interrupts().level(14), "an interrupt for the second block");
            }
        }
        assertEquals(0x50, status());
        io.write(0x1f2, 1, 0);
        io.write(0x1f7, 1, 0xc6);
        lba28(0, 0, 1);
        io.write(0x1f7, 1, 0xc4);
        assertEquals(0x51, status(), "READ MULTIPLE with multiple mode off is aborted");
    }

    @Test
    void guestMistakesAreErrorStatusesNotExceptions() throws Exception {
        ide.insert(0, DiskImage.inMemory("small", new byte[512 * 16]));
        lba28(0, 15, 2);
        io.write(0x1f7, 1, 0x20);
        assertEquals(0x58, status(), "sector 15 is the last one on the disk");
        readSector();
        assertEquals(0x51, status(), "the second sector is beyond the disk");
        assertEquals(IdeController.IDNF, io.read(0x1f1, 1));
        assertEquals(16, io.read(0x1f3, 1), "the registers name the first missing sector");
        lba28(0, 0x0fff_ffff, 1);
        io.write(0x1f7, 1, 0x30);
        assertEquals(0x51, status());
        writeSector(filled(1));
        assertEquals(0x51, status(), "data without a request is dropped");
        io.write(0x1f7, 1, 0x24);
        assertEquals(0x51, status(), "READ SECTORS EXT (48-bit) is aborted");
        assertEquals(IdeController.ABRT, io.read(0x1f1, 1));
        assertEquals(0, io.read(0x1f0, 2), "no data to read");
        lba28(1, 0, 1);
        io.write(0x1f7, 1, 0x20);
        assertEquals(IdeController.ERR, status(), "a command to the absent slave");
        assertEquals(IdeController.ABRT, io.read(0x1f1, 1));
        io.write(0x1f6, 1, 0xf0);
        assertEquals(0, status(), "selecting it again: absent");
        io.write(0x1f6, 1, 0xe0);
        io.write(0x1f7, 1, 0xe7);
        assertEquals(0x50, status(), "FLUSH CACHE");
    }

    @Test
    void nienMasksTheLineAndSrstResetsBothDrives() throws Exception {
        ide.insert(0, DiskImage.inMemory("a", new byte[512 * 4]));
        ide.insert(1, DiskImage.inMemory("b", new byte[512 * 4]));
        io.write(0x3f6, 1, 0x02);
        lba28(0, 0, 1);
        io.write(0x1f7, 1, 0x20);
        assertFalse(machine.interrupts().level(14), "nIEN set");
        io.write(0x3f6, 1, 0x00);
        assertTrue(machine.interrupts().level(14), "the pending request reaches the line once nIEN is clear");
        io.write(0x1f6, 1, 0xb0);
        io.write(0x3f6, 1, 0x04);
        assertEquals(0x80, io.read(0x3f6, 1), "busy during reset");
        assertFalse(machine.interrupts().level(14));
        io.write(0x3f6, 1, 0x00);
        assertEquals(0x50, status());
        assertEquals(0xa0, io.read(0x1f6, 1), "master selected after reset");
        assertEquals(1, io.read(0x1f2, 1), "signature");
        assertEquals(1, io.read(0x1f3, 1));
        assertEquals(0, io.read(0x1f4, 1));
        assertEquals(0, io.read(0x1f5, 1));
        assertEquals(1, io.read(0x1f1, 1), "diagnostic code: passed");
        assertEquals(0, io.read(0x1f0, 4), "the transfer ended with the reset");
    }

    @Test
    void secondaryChannelUsesIrq15() throws Exception {
        ide.insert(2, DiskImage.inMemory("c", new byte[512 * 4]));
        io.write(0x176, 1, 0xa0);
        io.write(0x177, 1, 0xec);
        assertTrue(machine.interrupts().level(IdeController.SECONDARY_IRQ));
        assertEquals(0x58, io.read(0x376, 1));
        assertFalse(machine.interrupts().level(IdeController.PRIMARY_IRQ));
        assertThrows(IllegalArgumentException.class, () -> ide.insert(2, DiskImage.inMemory("d", new byte[512])));
        assertThrows(IllegalArgumentException.class, () -> ide.insert(4, DiskImage.inMemory("d", new byte[512])));
    }

    @Test
    void aSnapshotLeavesTheFileUntouched() throws Exception {
        Path file = image("snap.img", SECTORS);
        byte[] before = Files.readAllBytes(file);
        FileTime modified = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(file, modified);
        DiskImage disk = open(file, true);
        assertTrue(disk.snapshot());
        ide.insert(0, disk);
        lba28(0, 7, 2);
        io.write(0x1f7, 1, 0x30);
        writeSector(filled(0x77));
        writeSector(filled(0x78));
        assertEquals(0x50, status());
        lba28(0, 7, 1);
        io.write(0x1f7, 1, 0x20);
        assertArrayEquals(filled(0x77), readSector(), "the guest reads its own writes");
        assertEquals(2, disk.snapshotSectors());
        disk.close();
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(modified, Files.getLastModifiedTime(file));
    }

    @Test
    void badImagesAreRefusedBeforeAnythingHappens() throws Exception {
        assertRefused(directory.resolve("missing.img"), false, "no such file");
        assertRefused(directory, false, "is a directory");
        assertRefused(Files.write(directory.resolve("empty.img"), new byte[0]), false, "is empty");
        Path odd = Files.write(directory.resolve("odd.img"), new byte[1000]);
        assertRefused(odd, true, "1,000 bytes, not a whole number of 512-byte sectors");
        assertArrayEquals(new byte[1000], Files.readAllBytes(odd), "untouched");
        Path writing = image("locked.img", 4);
        open(writing, false);
        assertRefused(writing, false, "in use by another machine");
        assertRefused(writing, true, "in use by another machine that writes to it");
        assertThrows(DiskImageException.class, () -> DiskImage.inMemory("x", new byte[100]));
    }

    @Test
    void aReadOnlyFileNeedsASnapshot() throws Exception {
        Path file = image("ro.img", 4);
        assertTrue(file.toFile().setWritable(false, false));
        assumeFalse(Files.isWritable(file), "running as a user who can write read-only files (root): nothing to check");
        assertRefused(file, false, "is read-only");
        DiskImage disk = open(file, true);
        assertEquals(4, disk.sectors());
    }

    private static void assertRefused(Path file, boolean snapshot, String expected) {
        DiskImageException e = assertThrows(DiskImageException.class, () -> DiskImage.open(file, snapshot));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(file.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    /** The folder of third-party guests beside the repository, or null. */
    static Path sharedGuests() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("bundles")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                Path guests = dir.resolveSibling("shared").resolve("guests");
                return Files.isDirectory(guests) ? guests : null;
            }
        }
        return null;
    }

    @Test
    void xv6FileSystemImageReadsItsSuperblock() throws Exception {
        Path guests = sharedGuests();
        assumeTrue(guests != null && Files.isRegularFile(guests.resolve("xv6/fs.img")),
                "../shared/guests/xv6/fs.img is absent (third-party guests are not part of the repository): skipped");
        Path copy = Files.copy(guests.resolve("xv6/fs.img"), directory.resolve("fs.img"));
        ide.insert(1, open(copy, false));
        lba28(1, 1, 1);
        io.write(0x1f7, 1, 0x20);
        ByteBuffer superblock = ByteBuffer.wrap(readSector()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(Files.size(copy) / 512, superblock.getInt(0), "xv6's superblock: the file system's size in blocks");
        assertTrue(superblock.getInt(8) > 0, "inodes");
        assertEquals(new String(Files.readAllBytes(copy), 512, 4, StandardCharsets.ISO_8859_1),
                new String(superblock.array(), 0, 4, StandardCharsets.ISO_8859_1));
    }
}
