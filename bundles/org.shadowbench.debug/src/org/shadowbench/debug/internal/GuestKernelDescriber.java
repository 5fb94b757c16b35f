package org.shadowbench.debug.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.eclipse.core.runtime.QualifiedName;
import org.eclipse.core.runtime.content.IContentDescriber;
import org.eclipse.core.runtime.content.IContentDescription;

/**
 * The content describer of the "Shadowbench Guest" content type: a file is a guest the launch type
 * can boot when it is an ELF file of 32-bit little-endian x86 code with a multiboot (version 1) header
 * in its first 8 KiB, as the multiboot loader requires. Only the first bytes are read, and only an ELF
 * file's first 8 KiB, so asking about any other file stays cheap.
 */
public final class GuestKernelDescriber implements IContentDescriber {
    /** Where the multiboot specification says a loader looks for the header. */
    static final int MULTIBOOT_SEARCH = 8192;
    private static final int MULTIBOOT_MAGIC = 0x1bad_b002;
    private static final int ELF_HEADER = 52;
    private static final int ELFCLASS32 = 1;
    private static final int ELFDATA2LSB = 1;
    private static final int EM_386 = 3;

    @Override
    public int describe(InputStream contents, IContentDescription description) throws IOException {
        return isGuestKernel(contents) ? VALID : INVALID;
    }

    @Override
    public QualifiedName[] getSupportedOptions() {
        return new QualifiedName[0];
    }

    /** Whether the stream starts as a multiboot ELF32 x86 kernel; reads at most 8 KiB of it. */
    static boolean isGuestKernel(InputStream contents) throws IOException {
        byte[] header = contents.readNBytes(ELF_HEADER);
        if (header.length < ELF_HEADER || header[0] != 0x7f || header[1] != 'E' || header[2] != 'L' || header[3] != 'F'
                || header[4] != ELFCLASS32 || header[5] != ELFDATA2LSB) {
            return false;
        }
        ByteBuffer elf = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        if ((elf.getShort(18) & 0xffff) != EM_386) {
            return false;
        }
        byte[] rest = contents.readNBytes(MULTIBOOT_SEARCH - ELF_HEADER);
        ByteBuffer start = ByteBuffer.allocate(ELF_HEADER + rest.length).order(ByteOrder.LITTLE_ENDIAN);
        start.put(header).put(rest);
        // The header (magic, flags, checksum) is 32-bit aligned and lies wholly within the 8 KiB.
        for (int at = 0; at + 12 <= start.capacity(); at += 4) {
            if (start.getInt(at) == MULTIBOOT_MAGIC && MULTIBOOT_MAGIC + start.getInt(at + 4) + start.getInt(at + 8) == 0) {
                return true;
            }
        }
        return false;
    }
}
