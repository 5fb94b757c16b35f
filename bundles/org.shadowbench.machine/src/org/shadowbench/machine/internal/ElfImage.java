package org.shadowbench.machine.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.shadowbench.machine.GuestLoadException;

/**
 * An ELF executable checked for this machine: 32-bit, little-endian, x86, an executable with
 * loadable segments that lie within the file. Segments are loaded at their physical addresses,
 * as multiboot loaders do.
 */
final class ElfImage {
    private static final int PT_LOAD = 1;
    private static final int ET_EXEC = 2;
    private static final int EM_386 = 3;

    private final byte[] image;
    private final ByteBuffer buffer;

    private ElfImage(byte[] image) {
        this.image = image;
        this.buffer = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Receives each loadable segment. */
    interface SegmentSink {
        void segment(long address, byte[] source, int offset, int fileBytes, long memoryBytes, String what);
    }

    static ElfImage parse(byte[] image) throws GuestLoadException {
        if (image.length < 52 || image[0] != 0x7f || image[1] != 'E' || image[2] != 'L' || image[3] != 'F') {
            throw new GuestLoadException("not an ELF file (a multiboot kernel without load addresses must be ELF)");
        }
        if (image[4] != 1) {
            throw new GuestLoadException(image[4] == 2 ? "a 64-bit ELF file: this machine runs 32-bit kernels only"
                    : "an ELF file of unknown class " + image[4]);
        }
        if (image[5] != 1) {
            throw new GuestLoadException("a big-endian ELF file: x86 kernels are little-endian");
        }
        ElfImage elf = new ElfImage(image);
        int machine = elf.buffer.getShort(18) & 0xffff;
        if (machine != EM_386) {
            throw new GuestLoadException(String.format("wrong machine: ELF machine %d (%s), not x86 (3)", machine,
                    machineName(machine)));
        }
        int type = elf.buffer.getShort(16) & 0xffff;
        if (type != ET_EXEC) {
            throw new GuestLoadException("not an executable: ELF type " + type + " (linked with -r or -shared?)");
        }
        return elf;
    }

    private static String machineName(int machine) {
        return switch (machine) {
            case 62 -> "x86-64";
            case 40 -> "ARM";
            case 183 -> "AArch64";
            case 243 -> "RISC-V";
            default -> "unknown";
        };
    }

    /** Hands each PT_LOAD segment to the sink and returns the entry point. */
    long load(SegmentSink sink) throws GuestLoadException {
        long programHeaders = buffer.getInt(28) & 0xffff_ffffL;
        int entrySize = buffer.getShort(42) & 0xffff;
        int count = buffer.getShort(44) & 0xffff;
        if (count == 0) {
            throw new GuestLoadException("the ELF file has no program headers");
        }
        if (entrySize < 32 || programHeaders + (long) entrySize * count > image.length) {
            throw new GuestLoadException("the ELF program header table lies outside the file (truncated?)");
        }
        int loaded = 0;
        for (int i = 0; i < count; i++) {
            int header = (int) (programHeaders + (long) entrySize * i);
            if (buffer.getInt(header) != PT_LOAD) {
                continue;
            }
            long offset = buffer.getInt(header + 4) & 0xffff_ffffL;
            long physical = buffer.getInt(header + 12) & 0xffff_ffffL;
            long fileBytes = buffer.getInt(header + 16) & 0xffff_ffffL;
            long memoryBytes = buffer.getInt(header + 20) & 0xffff_ffffL;
            if (offset + fileBytes > image.length) {
                throw new GuestLoadException(String.format("ELF segment %d lies beyond the end of the file (truncated?)", i));
            }
            if (memoryBytes < fileBytes) {
                throw new GuestLoadException(String.format("ELF segment %d is smaller in memory than in the file", i));
            }
            if (memoryBytes == 0) {
                continue;
            }
            loaded++;
            sink.segment(physical, image, (int) offset, (int) fileBytes, memoryBytes, "kernel segment " + loaded);
        }
        return buffer.getInt(24) & 0xffff_ffffL;
    }
}
