package org.shadowbench.cli.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shadowbench.cli.Main;
import org.shadowbench.cli.Sizes;
import org.shadowbench.cli.UsageException;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void layoutPrintsTheMapAndAConsistentModel() {
        assertEquals(0, main.run("layout", "--ram", "256M", "--vram", "16M"));
        String text = out();
        assertTrue(text.contains("PC with 256 MiB of RAM and 16 MiB of video memory"), text);
        assertTrue(text.contains("0000000000100000 - 000000000fffffff"), text);
        assertTrue(text.contains("Extended RAM"), text);
        assertTrue(text.contains("VGA VRAM (vga)"), text);
        assertTrue(text.contains("Consistency check: clean"), text);
        assertEquals("", err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "                          | no command given",
        "frobnicate                | unknown command 'frobnicate'",
        "layout --ram              | --ram needs a value",
        "layout --ram lots         | --ram: not a size: 'lots'",
        "layout --ram 1M           | RAM size 1048576 bytes",
        "layout --ram 2T           | RAM size",
        "layout --vram 100         | video memory size 100 bytes",
        "layout --colour blue      | unknown option '--colour'" })
    void badInputIsOneLineAndExitCodeTwo(String commandLine, String expected) {
        String[] args = commandLine == null ? new String[0] : commandLine.trim().split(" +");
        assertEquals(Main.EXIT_USAGE, main.run(args));
        String message = err();
        assertTrue(message.startsWith("shadowbench: "), message);
        assertTrue(message.contains(expected), message);
        assertEquals(1, message.strip().lines().count(), "one line: " + message);
        assertEquals("", out());
    }

    @Test
    void helpPrintsUsage() {
        assertEquals(0, main.run("help"));
        assertTrue(out().contains("usage: shadowbench"));
    }

    @ParameterizedTest
    @CsvSource({ "4096,4096", "640K,655360", "128M,134217728", "4G,4294967296", "1T,1099511627776", "16MiB,16777216",
        "2gb,2147483648" })
    void sizesAreParsed(String text, long bytes) throws UsageException {
        assertEquals(bytes, Sizes.parse("--ram", text));
    }
}
