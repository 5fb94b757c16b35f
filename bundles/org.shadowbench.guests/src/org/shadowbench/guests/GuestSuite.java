package org.shadowbench.guests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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

    private static final int SECTION_SYMBOL_TABLE = 2;
    private static final int SYMBOL_SIZE = 16;

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

    /**
     * The value of a symbol in a bundled guest's symbol table (a function's or a variable's
     * address), so that tests and tools follow the guest when it is rebuilt.
     *
     * @throws IllegalArgumentException when there is no such guest, or no such symbol in it
     */
    public static int symbol(String guest, String name) {
        byte[] image = image(guest);
        try {
            return symbol(image, name);
        } catch (IndexOutOfBoundsException | BufferUnderflowException e) {
            throw new IllegalArgumentException("the bundled guest '" + guest + "' has a malformed symbol table", e);
        }
    }

    private static int symbol(byte[] image, String name) {
        ByteBuffer elf = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int sectionTable = elf.getInt(0x20);
        int headerSize = elf.getShort(0x2e) & 0xffff;
        int sections = elf.getShort(0x30) & 0xffff;
        for (int i = 0; i < sections; i++) {
            int header = sectionTable + i * headerSize;
            if (elf.getInt(header + 4) != SECTION_SYMBOL_TABLE) {
                continue;
            }
            int first = elf.getInt(header + 16);
            int end = first + elf.getInt(header + 20);
            // The symbol table's names are in the string table its sh_link names.
            int names = elf.getInt(sectionTable + elf.getInt(header + 24) * headerSize + 16);
            for (int symbol = first; symbol < end; symbol += SYMBOL_SIZE) {
                int start = names + elf.getInt(symbol);
                int stop = start;
                while (image[stop] != 0) {
                    stop++;
                }
                if (name.equals(new String(image, start, stop - start, StandardCharsets.US_ASCII))) {
                    return elf.getInt(symbol + 4);
                }
            }
        }
        throw new IllegalArgumentException("no symbol '" + name + "' in the bundled guest");
    }
}
