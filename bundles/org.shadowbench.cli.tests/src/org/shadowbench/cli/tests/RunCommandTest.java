package org.shadowbench.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shadowbench.cli.Main;
import org.shadowbench.guests.GuestSuite;
import org.shadowbench.machine.tests.ElfBuilder;

/** {@code shadowbench run}: a real guest end to end, and every kind of bad input as one line with exit code 2. */
class RunCommandTest {
    @TempDir
    Path directory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    private Path file(String name, byte[] contents) throws IOException {
        Path path = directory.resolve(name);
        Files.write(path, contents);
        return path;
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runsABundledGuestToItsEnd() throws IOException {
        Path guest = file("paging.elf", GuestSuite.image("paging"));
        int code = main.run("run", guest.toString(), "--ram", "32M", "--info", "pool-roots,handlers,events", "--trace", "faults",
                "--walk", "0xb8000");
        String serial = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err());
        assertTrue(serial.contains("paging: ") && serial.contains(" 0 failed"), serial);
        String report = err();
        assertTrue(report.contains("paging.elf exited with code 0"), report);
        assertTrue(report.contains("MIPS"), report);
        assertTrue(report.contains("[fault] vector 14 error 0x2"), "faults traced: " + report);
        assertTrue(report.contains("--- info pool-roots") && report.contains("--- info handlers"), report);
        assertTrue(report.matches("(?s).*--- info events\\n.*  shadow-sync +[1-9].*  device-arrived +13\\n.*  last 24 of .*"),
                "event totals and the last events: " + report);
        assertTrue(report.contains("--- walk 0xb8000\nlinear 0x000b8000, guest paging PAE\n"), report);
        assertTrue(report.contains("aliased to device memory"), "the VGA text page is an MMIO2 alias: " + report);
        assertTrue(report.contains("consistency: page model, handler registry, pool and CPU caches all clean"), report);
    }

    @Test
    void limitsEndTheRunWithTheirOwnExitCodes() throws IOException {
        Path guest = file("paging.elf", GuestSuite.image("paging"));
        assertEquals(8, main.run("run", guest.toString(), "--max-instructions", "1000", "--quiet"));
        assertTrue(err().contains("stopped at the instruction limit"), err());
    }

    @Test
    void guestFailureCodeComesThroughTheDebugExitPort() throws IOException {
        // mov al, 5 ; out 0xf4, al  -> (5 << 1) | 1
        Path guest = file("exit.bin", new byte[] { (byte) 0xb0, 5, (byte) 0xe6, (byte) 0xf4 });
        assertEquals(11, main.run("run", guest.toString(), "--load-address", "0x8000", "--quiet"));
    }

    @Test
    void theGeneralExecutorAloneRunsTheInstructionGuest() throws IOException {
        Path guest = file("instructions.elf", GuestSuite.image("instructions"));
        assertEquals(0, main.run("run", guest.toString(), "--ram", "16M", "--no-fast-path"), err());
        assertTrue(err().contains("fast path off"), err());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains(" 0 failed"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void consistencyCheckedAfterEveryTrap() throws IOException {
        Path guest = file("exceptions.elf", GuestSuite.image("exceptions"));
        assertEquals(0, main.run("run", guest.toString(), "--ram", "16M", "--check-traps"));
        assertTrue(err().contains("clean after every trap"), err());
    }

    private void badInput(String expected, String... args) {
        out.reset();
        err.reset();
        assertEquals(Main.EXIT_USAGE, main.run(args));
        String message = err();
        assertTrue(message.startsWith("shadowbench: "), message);
        assertTrue(message.contains(expected), message);
        assertEquals(1, message.strip().lines().count(), "one line: " + message);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badGuestFiles() throws IOException {
        byte[] code = new byte[64];
        badInput("no such file", "run", directory.resolve("missing.elf").toString());
        badInput("is a directory", "run", directory.toString());
        badInput("not a multiboot image", "run", file("random.bin", new byte[300]).toString());
        badInput("not an ELF file", "run",
                file("header-only.bin", ElfBuilder.multibootHeader(0x3, true)).toString());
        badInput("64-bit", "run", file("x64.elf", new ElfBuilder().segment(0x100000, code, 64).elfClass(2).build()).toString());
        badInput("wrong machine", "run",
                file("arm.elf", new ElfBuilder().segment(0x100000, code, 64).machine(40).build()).toString());
        badInput("lies outside RAM", "run",
                file("big.elf", new ElfBuilder().segment(0x100000, code, 3 << 20).build()).toString(), "--ram", "2M");
        badInput("overlaps", "run", file("overlap.elf",
                new ElfBuilder().segment(0x100000, code, 0x2000).segment(0x101000, code, 64).build()).toString());
        badInput("graphics mode", "run",
                file("video.elf", new ElfBuilder().segment(0x100000, code, 64).multibootFlags(0x7).build()).toString());
        badInput("cannot read module", "run", file("ok.elf", new ElfBuilder().segment(0x100000, code, 64).build()).toString(),
                "--module", directory.resolve("absent").toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "run                                   | no guest given",
        "run a.elf b.elf                       | only one guest",
        "run a.elf --trace everything          | --trace: unknown choice 'everything' (one of handlers, pool, faults)",
        "run a.elf --info registers            | --info: unknown choice 'registers'",
        "run a.elf --timeout -1                | --timeout: must be a positive number of seconds",
        "run a.elf --timeout soon              | --timeout: not a number of seconds",
        "run a.elf --max-instructions 0        | --max-instructions: must be positive",
        "run a.elf --load-address 0x1xyz       | --load-address: not an address",
        "run a.elf --ram 1M                    | RAM size",
        "run a.elf --colour blue               | run: unknown option '--colour'",
        "run a.elf --ram                       | --ram needs a value" })
    void badOptions(String commandLine, String expected) {
        badInput(expected, commandLine.trim().split(" +"));
    }

    @Test
    void ctrlAXQuitsAsInQemuAndCtrlATwiceSendsOneCtrlA() throws IOException {
        // mov dx, 0x3fd ; poll: in al, dx ; test al, 1 ; jz poll ; mov dx, 0x3f8 ; in al, dx ; out dx, al ; jmp start
        Path echo = file("echo.bin", java.util.HexFormat.of().parseHex("66bafd03" + "ec" + "a801" + "74fb" + "66baf803" + "ec"
                + "ee" + "ebef"));
        // Typed in two bursts, the escape only once the guest has echoed the first: as a person types,
        // and without racing the guest, which may not have read every byte when Ctrl-A x stops it.
        java.io.PipedOutputStream keyboard = new java.io.PipedOutputStream();
        java.io.PipedInputStream typed = new java.io.PipedInputStream(keyboard);
        Thread typist = new Thread(() -> {
            try {
                keyboard.write(new byte[] { 'a', 'b', 1, 1, 'c' });
                keyboard.flush();
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
                while (!out.toString(StandardCharsets.ISO_8859_1).equals("ab\u0001c") && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                keyboard.write(new byte[] { 1, 'x', 'd' });
                keyboard.flush();
            } catch (IOException | InterruptedException e) {
                // The run has ended and closed the pipe; the assertions below report what happened.
            }
        });
        typist.setDaemon(true);
        typist.start();
        Main interactive = new Main(typed, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        int code = interactive.run("run", echo.toString(), "--load-address", "0x8000", "--timeout", "60");
        assertEquals(0, code, err());
        assertEquals("ab\u0001c", out.toString(StandardCharsets.ISO_8859_1), "echoed up to the escape, nothing after it");
        assertTrue(err().contains("echo.bin was quit from the console (Ctrl-A x)"), err());
    }
}
