package org.shadowbench.machine.tests;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds small ELF32 images for loader tests: program headers for the segments given, a multiboot
 * header at the start of the first segment's bytes, and any header field deliberately wrong.
 */
public final class ElfBuilder {
    private record Segment(long address, byte[] bytes, long memorySize) {
    }

    private final List<Segment> segments = new ArrayList<>();
    private long entry = 0x100000;
    private int elfClass = 1;
    private int machine = 3;
    private int type = 2;
    private int multibootFlags = 0x3;
    private boolean multibootHeader = true;
    private boolean badChecksum;
    private int truncateTo = -1;

    public ElfBuilder segment(long address, byte[] bytes, long memorySize) {
        segments.add(new Segment(address, bytes.clone(), memorySize));
        return this;
    }

    public ElfBuilder entry(long value) {
        entry = value;
        return this;
    }

    public ElfBuilder elfClass(int value) {
        elfClass = value;
        return this;
    }

    public ElfBuilder machine(int value) {
        machine = value;
        return this;
    }

    public ElfBuilder type(int value) {
        type = value;
        return this;
    }

    public ElfBuilder multibootFlags(int value) {
        multibootFlags = value;
        return this;
    }

    public ElfBuilder withoutMultibootHeader() {
        multibootHeader = false;
        return this;
    }

    public ElfBuilder badChecksum() {
        badChecksum = true;
        return this;
    }

    /** Cuts the file after {@code bytes} bytes. */
    public ElfBuilder truncate(int bytes) {
        truncateTo = bytes;
        return this;
    }

    /** A 12-byte multiboot header with the given flags (no address fields). */
    public static byte[] multibootHeader(int flags, boolean correct) {
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0x1badb002).putInt(flags).putInt(-(0x1badb002 + flags) + (correct ? 0 : 1));
        return header.array();
    }

    public byte[] build() {
        int headers = 52 + 32 * segments.size();
        int dataStart = (headers + 15) & ~15;
        int size = dataStart;
        for (Segment s : segments) {
            size += s.bytes().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] { 0x7f, 'E', 'L', 'F', (byte) elfClass, 1, 1, 0 });
        out.putShort(16, (short) type).putShort(18, (short) machine).putInt(20, 1).putInt(24, (int) entry);
        out.putInt(28, 52).putShort(40, (short) 52).putShort(42, (short) 32).putShort(44, (short) segments.size());
        int offset = dataStart;
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            int header = 52 + 32 * i;
            out.putInt(header, 1).putInt(header + 4, offset).putInt(header + 8, (int) s.address())
                    .putInt(header + 12, (int) s.address()).putInt(header + 16, s.bytes().length)
                    .putInt(header + 20, (int) s.memorySize()).putInt(header + 24, 7).putInt(header + 28, 0x1000);
            byte[] bytes = s.bytes();
            if (i == 0 && multibootHeader) {
                byte[] mb = multibootHeader(multibootFlags, !badChecksum);
                bytes = bytes.clone();
                System.arraycopy(mb, 0, bytes, 0, Math.min(mb.length, bytes.length));
            }
            out.put(offset, bytes);
            offset += bytes.length;
        }
        byte[] image = out.array();
        if (truncateTo >= 0) {
            byte[] cut = new byte[truncateTo];
            System.arraycopy(image, 0, cut, 0, truncateTo);
            return cut;
        }
        return image;
    }
}
