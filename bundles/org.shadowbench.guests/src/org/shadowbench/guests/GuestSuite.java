package org.shadowbench.guests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The bundled guests. Each is a multiboot ELF built from {@code guest-src/} by its {@code build.sh}
 * (gcc -m32 -ffreestanding, ld -m elf_i386); it prints {@code PASS name} or {@code FAIL name} lines
 * on COM1 and ends through the Bochs shutdown port on success (exit code 0) or the debug-exit port
 * with 1 on failure (exit code 3).
 */
public final class GuestSuite {
    /** The self-checking guests, in the order the suite runs them. */
    public static final List<String> SELF_CHECKING = List.of("instructions", "exceptions", "paging", "mmio", "timer", "platform");
    /**
     * The benchmark guests: {@code cpubench} (sieve, CRC-32, sorts; CPU-bound) and {@code demo}, which
     * with {@code processes=64 rounds=40} on its command line is the page-table-heavy fork benchmark.
     */
    public static final List<String> BENCHMARKS = List.of("cpubench", "demo");

    private GuestSuite() {
    }

    /** The ELF image of a bundled guest. */
    public static byte[] image(String name) {
        String resource = "/guests/" + name + ".elf";
        try (InputStream in = GuestSuite.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no bundled guest named '" + name + "'");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }
}
