package org.shadowbench.cli.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shadowbench.cli.Main;

/** {@code --disk} and {@code --snapshot}: a guest writing a sector through the IDE controller, and every bad disk as exit code 2. */
class DiskOptionTest {
    /**
     * A flat guest: WRITE SECTORS of one sector at LBA 2 of the primary master, 256 words of 0xabcd by
     * OUT DX, AX, then the status register to the debug-exit port (0x50 gives exit code 0xa1).
     */
    private static final byte[] WRITER = {
            0x66, (byte) 0xba, (byte) 0xf2, 0x01, (byte) 0xb0, 0x01, (byte) 0xee, // sector count 1
            0x66, (byte) 0xba, (byte) 0xf3, 0x01, (byte) 0xb0, 0x02, (byte) 0xee, // LBA 2
            0x66, (byte) 0xba, (byte) 0xf4, 0x01, 0x30, (byte) 0xc0, (byte) 0xee,
            0x66, (byte) 0xba, (byte) 0xf5, 0x01, (byte) 0xee,
            0x66, (byte) 0xba, (byte) 0xf6, 0x01, (byte) 0xb0, (byte) 0xe0, (byte) 0xee, // master, LBA
            0x66, (byte) 0xba, (byte) 0xf7, 0x01, (byte) 0xb0, 0x30, (byte) 0xee, // WRITE SECTORS
            0x66, (byte) 0xba, (byte) 0xf0, 0x01, (byte) 0xb9, 0x00, 0x01, 0x00, 0x00, 0x66, (byte) 0xb8, (byte) 0xcd,
            (byte) 0xab, 0x66, (byte) 0xef, (byte) 0xe2, (byte) 0xfc, // mov ecx, 256; mov ax, 0xabcd; out dx, ax; loop
            0x66, (byte) 0xba, (byte) 0xf7, 0x01, (byte) 0xec, (byte) 0xe6, (byte) 0xf4 }; // in al, dx; out 0xf4, al
    private static final int EXIT_READY = (0x50 << 1) | 1;

    @TempDir
    Path directory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path file(String name, byte[] contents) throws IOException {
        return Files.write(directory.resolve(name), contents);
    }

    private int run(String... options) throws IOException {
        Path guest = file("writer.bin", WRITER);
        String[] args = new String[4 + options.length];
        args[0] = "run";
        args[1] = guest.toString();
        args[2] = "--load-address";
        args[3] = "0x8000";
        System.arraycopy(options, 0, args, 4, options.length);
        return main.run(args);
    }

    private static byte[] written() {
        byte[] sector = new byte[512];
        for (int i = 0; i < 512; i += 2) {
            sector[i] = (byte) 0xcd;
            sector[i + 1] = (byte) 0xab;
        }
        return sector;
    }

    @Test
    void theGuestsWritesReachTheImage() throws IOException {
        Path disk = file("disk.img", new byte[512 * 8]);
        assertEquals(EXIT_READY, run("--disk", disk + ",index=0"), err());
        assertTrue(err().contains("IDE primary master: " + disk + " (8 sectors)"), err());
        byte[] image = Files.readAllBytes(disk);
        assertArrayEquals(written(), Arrays.copyOfRange(image, 1024, 1536));
        assertArrayEquals(new byte[1024], Arrays.copyOfRange(image, 0, 1024), "sectors 0 and 1 untouched");
    }

    @Test
    void aSnapshotLeavesTheImageAlone() throws IOException {
        Path disk = file("disk.img", new byte[512 * 8]);
        assertEquals(EXIT_READY, run("--disk", disk.toString(), "--snapshot"), err());
        assertTrue(err().contains("(8 sectors, snapshot)"), err());
        assertArrayEquals(new byte[512 * 8], Files.readAllBytes(disk));
    }

    @Test
    void withoutADiskTheWriteIsRefusedByAnAbsentDrive() throws IOException {
        // no drive answers: the status reads ERR (0x01) after the command, exit code (1 << 1) | 1
        assertEquals(3, run("--quiet"), err());
    }

    private void assertRefused(String expected, String... options) throws IOException {
        err.reset();
        assertEquals(2, run(options), err());
        String message = err();
        assertTrue(message.contains(expected), message);
        assertEquals(1, message.lines().count(), "one line: " + message);
        assertFalse(message.contains("Exception"), message);
    }

    @Test
    void badDisksAreOneLineAndExitCodeTwo() throws IOException {
        Path good = file("good.img", new byte[512]);
        assertRefused("no such file", "--disk", directory.resolve("missing.img").toString());
        assertRefused("is a directory", "--disk", directory.toString());
        assertRefused("is empty", "--disk", file("empty.img", new byte[0]).toString());
        assertRefused("is 700 bytes, not a whole number of 512-byte sectors", "--disk", file("odd.img", new byte[700]).toString());
        assertRefused("--disk: index must be 0 to 3", "--disk", good + ",index=4");
        assertRefused("--disk: index must be 0 to 3", "--disk", good + ",index=x");
        assertRefused("--disk: unknown setting 'format=raw'", "--disk", good + ",format=raw");
        assertRefused("--disk: index 1 is given to two disks", "--disk", good + ",index=1", "--disk", good + ",index=1");
        assertRefused("--disk: at most 4 disks", "--disk", good.toString(), "--disk", good.toString(), "--disk",
                good.toString(), "--disk", good.toString(), "--disk", good.toString());
        assertRefused("--disk needs a value", "--disk");
        assertRefused("is in use by another machine", "--disk", good + ",index=0", "--disk", good + ",index=2");
        Path readOnly = file("ro.img", new byte[512]);
        if (readOnly.toFile().setWritable(false, false) && !Files.isWritable(readOnly)) {
            assertRefused("is read-only (add --snapshot", "--disk", readOnly.toString());
            err.reset();
            assertEquals(EXIT_READY, run("--disk", readOnly.toString(), "--snapshot", "--quiet"), err());
        }
    }
}
