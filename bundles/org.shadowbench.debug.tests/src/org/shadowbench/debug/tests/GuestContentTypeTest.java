package org.shadowbench.debug.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.eclipse.core.runtime.Platform;
import org.eclipse.core.runtime.content.IContentType;
import org.eclipse.core.runtime.content.IContentTypeManager;
import org.junit.jupiter.api.Test;
import org.shadowbench.guests.GuestSuite;

/**
 * The "Shadowbench Guest" content type recognises guests by content, through the platform's content
 * type manager: a multiboot ELF32 x86 kernel is one, whatever it is called; text, an ELF of another
 * machine or class, and an ELF without a multiboot header (or with a wrong checksum) are not.
 */
class GuestContentTypeTest {
    private static final String GUEST = "org.shadowbench.debug.guestKernel";
    private static final int MULTIBOOT_MAGIC = 0x1bad_b002;

    @Test
    void aMultibootElfIsAGuest() throws Exception {
        assertNotNull(Platform.getContentTypeManager().getContentType(GUEST), "the content type is declared");
        assertTrue(isGuest(GuestSuite.image("demo")), "the demo guest");
        assertTrue(isGuest(GuestSuite.image("echo")), "the echo guest");
    }

    @Test
    void textAndOtherElfFilesAreNotGuests() throws Exception {
        byte[] demo = GuestSuite.image("demo");
        assertFalse(isGuest("kernel: not a kernel, just text\n".getBytes(StandardCharsets.US_ASCII)), "text");
        assertFalse(isGuest(Arrays.copyOf(demo, 40)), "a truncated ELF header");

        byte[] elf64 = demo.clone();
        elf64[4] = 2; // ELFCLASS64
        assertFalse(isGuest(elf64), "a 64-bit ELF");

        byte[] arm = demo.clone();
        arm[18] = 40; // EM_ARM
        arm[19] = 0;
        assertFalse(isGuest(arm), "an ELF for another machine");

        int header = multibootHeader(demo);
        byte[] noHeader = demo.clone();
        noHeader[header] = 0;
        assertFalse(isGuest(noHeader), "no multiboot header");

        byte[] badChecksum = demo.clone();
        badChecksum[header + 8] ^= 1;
        assertFalse(isGuest(badChecksum), "a multiboot header with a wrong checksum");
    }

    /** The offset of the demo's multiboot header, so the negative cases change exactly it. */
    private static int multibootHeader(byte[] image) {
        ByteBuffer buffer = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at + 12 <= Math.min(image.length, 8192); at += 4) {
            if (buffer.getInt(at) == MULTIBOOT_MAGIC) {
                return at;
            }
        }
        throw new AssertionError("the demo guest has no multiboot header in its first 8 KiB");
    }

    private static boolean isGuest(byte[] contents) throws IOException {
        IContentTypeManager manager = Platform.getContentTypeManager();
        IContentType guest = manager.getContentType(GUEST);
        for (IContentType type : manager.findContentTypesFor(new ByteArrayInputStream(contents), null)) {
            if (type.isKindOf(guest)) {
                return true;
            }
        }
        return false;
    }
}
