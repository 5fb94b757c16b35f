package org.shadowbench.machine.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.shadowbench.machine.GuestLoadException;
import org.shadowbench.machine.LoadedGuest;
import org.shadowbench.machine.LoadedGuest.Segment;
import org.shadowbench.machine.MultibootModule;
import org.shadowbench.machine.PcMemoryLayout;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.RangeKind;

/**
 * Loads guests: flat binaries at an address, and multiboot (version 1) kernels as GRUB legacy does: an ELF32 x86 executable whose program
 * headers say where to load, or any image whose multiboot header carries the load addresses (the
 * "a.out kludge", flag 16). Modules go page-aligned after the kernel; the multiboot information
 * (memory sizes, memory map, command line, modules, loader name) goes in conventional memory. Every
 * check is made before the first byte is written, so a refused image leaves memory as it was.
 */
public final class GuestLoader {
    /** The header's magic number. */
    public static final int HEADER_MAGIC = 0x1bad_b002;
    /** EAX at the kernel's entry. */
    public static final int BOOT_MAGIC = 0x2bad_b002;
    /** The header must lie within the first 8 KiB, 4-byte aligned. */
    static final int SEARCH_LIMIT = 8192;

    private static final int FLAG_PAGE_ALIGN = 1;
    private static final int FLAG_MEMORY_INFO = 1 << 1;
    private static final int FLAG_VIDEO_MODE = 1 << 2;
    private static final int FLAG_ADDRESSES = 1 << 16;
    private static final int KNOWN_REQUIREMENTS = FLAG_PAGE_ALIGN | FLAG_MEMORY_INFO | FLAG_VIDEO_MODE;

    private static final int INFO_MEMORY = 1;
    private static final int INFO_CMDLINE = 1 << 2;
    private static final int INFO_MODULES = 1 << 3;
    private static final int INFO_MEMORY_MAP = 1 << 6;
    private static final int INFO_LOADER_NAME = 1 << 9;
    private static final int INFO_SIZE = 88;
    /** Where the information structure goes when the kernel leaves low memory free. */
    static final long LOW_INFO_AREA = 0x9000;
    /** Conventional memory a kernel may use: up to the extended BIOS data area. */
    private static final long CONVENTIONAL_END = PcMemoryLayout.EBDA;
    private static final String LOADER_NAME = "Shadowbench";

    private final PhysicalMemory memory;

    public GuestLoader(PhysicalMemory memory) {
        this.memory = memory;
    }

    /** The offset of a valid-looking multiboot header, or -1. */
    public static int findHeader(byte[] image) {
        ByteBuffer buffer = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at + 12 <= Math.min(image.length, SEARCH_LIMIT); at += 4) {
            if (buffer.getInt(at) == HEADER_MAGIC) {
                return at;
            }
        }
        return -1;
    }

    /** A piece to copy: bytes of the image (or of a module) to a guest address, then zeroes. */
    private record Piece(long address, byte[] source, int offset, int fileBytes, long memoryBytes, String what) {
        long end() {
            return address + memoryBytes;
        }
    }

    /**
     * Loads the kernel and its modules and writes the multiboot information.
     *
     * @throws GuestLoadException with a one-line reason when the image cannot be loaded here
     */
    public LoadedGuest loadMultiboot(byte[] image, String commandLine, List<MultibootModule> modules)
            throws GuestLoadException {
        int header = findHeader(image);
        if (header < 0) {
            throw new GuestLoadException("not a multiboot image: no multiboot header in the first 8 KiB");
        }
        ByteBuffer buffer = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int flags = buffer.getInt(header + 4);
        if (HEADER_MAGIC + flags + buffer.getInt(header + 8) != 0) {
            throw new GuestLoadException(String.format("multiboot header at offset %#x has a wrong checksum", header));
        }
        int unknown = flags & 0xffff & ~KNOWN_REQUIREMENTS;
        if (unknown != 0) {
            throw new GuestLoadException(String.format("multiboot header requires features %#x this loader does not know",
                    unknown));
        }
        if ((flags & FLAG_VIDEO_MODE) != 0) {
            throw new GuestLoadException("the kernel requires a graphics mode (multiboot flag 2), which this machine cannot set");
        }
        List<Piece> pieces = new ArrayList<>();
        long entry;
        String format;
        if ((flags & FLAG_ADDRESSES) != 0) {
            entry = addressHeader(image, buffer, header, pieces);
            format = "multiboot a.out kludge";
        } else {
            entry = ElfImage.parse(image).load((address, source, offset, fileBytes, memoryBytes, what) -> pieces
                    .add(new Piece(address, source, offset, fileBytes, memoryBytes, what)));
            format = "multiboot ELF";
        }
        if (pieces.isEmpty()) {
            throw new GuestLoadException("the kernel has nothing to load");
        }
        boolean entryInside = pieces.stream().anyMatch(p -> entry >= p.address() && entry < p.end());
        if (!entryInside) {
            throw new GuestLoadException(String.format("entry point %#x lies outside the loaded segments", entry));
        }
        long next = pageUp(pieces.stream().mapToLong(Piece::end).max().getAsLong());
        List<long[]> moduleRanges = new ArrayList<>();
        for (MultibootModule module : modules) {
            byte[] bytes = module.contents();
            pieces.add(new Piece(next, bytes, 0, bytes.length, bytes.length, "module " + module.commandLine()));
            moduleRanges.add(new long[] { next, next + bytes.length });
            next = pageUp(next + Math.max(1, bytes.length));
        }
        checkPlacement(pieces);
        // The information structure, its strings and tables: in low memory unless the kernel is there.
        byte[] info = information(commandLine, modules, moduleRanges, 0);
        long infoAddress = LOW_INFO_AREA;
        long infoEnd = infoAddress + info.length;
        boolean lowIsFree = infoEnd <= CONVENTIONAL_END
                && pieces.stream().noneMatch(p -> p.address() < infoEnd && p.end() > LOW_INFO_AREA);
        if (!lowIsFree) {
            infoAddress = next;
        }
        info = information(commandLine, modules, moduleRanges, infoAddress);
        Piece infoPiece = new Piece(infoAddress, info, 0, info.length, info.length, "multiboot information");
        checkInRam(infoPiece);
        for (Piece piece : pieces) {
            write(piece);
        }
        write(infoPiece);
        List<Segment> segments = new ArrayList<>();
        for (Piece p : pieces) {
            segments.add(new Segment(p.address(), p.fileBytes(), p.memoryBytes(), p.what()));
        }
        return new LoadedGuest(format, entry, segments, infoAddress);
    }

    /** Copies a flat binary to an address in RAM. */
    public LoadedGuest loadFlat(byte[] image, long address) throws GuestLoadException {
        if (image.length == 0) {
            throw new GuestLoadException("the binary is empty");
        }
        Piece piece = new Piece(address, image, 0, image.length, image.length, "binary");
        checkInRam(piece);
        write(piece);
        return new LoadedGuest("flat binary", address, List.of(new Segment(address, image.length, image.length, "binary")), 0);
    }

    /** The a.out kludge: the header's own addresses say what to load where. */
    private static long addressHeader(byte[] image, ByteBuffer buffer, int header, List<Piece> pieces)
            throws GuestLoadException {
        if (header + 32 > image.length) {
            throw new GuestLoadException("multiboot header with load addresses is truncated");
        }
        long headerAddress = buffer.getInt(header + 12) & 0xffff_ffffL;
        long loadAddress = buffer.getInt(header + 16) & 0xffff_ffffL;
        long loadEnd = buffer.getInt(header + 20) & 0xffff_ffffL;
        long bssEnd = buffer.getInt(header + 24) & 0xffff_ffffL;
        long entry = buffer.getInt(header + 28) & 0xffff_ffffL;
        if (loadAddress > headerAddress || headerAddress - loadAddress > header) {
            throw new GuestLoadException(String.format("multiboot load address %#x does not fit the header address %#x",
                    loadAddress, headerAddress));
        }
        long fileOffset = header - (headerAddress - loadAddress);
        long fileBytes = loadEnd == 0 ? image.length - fileOffset : loadEnd - loadAddress;
        if (loadEnd != 0 && loadEnd < loadAddress || fileOffset + fileBytes > image.length) {
            throw new GuestLoadException(String.format("multiboot load end %#x lies beyond the image", loadEnd));
        }
        long memoryBytes = bssEnd == 0 ? fileBytes : bssEnd - loadAddress;
        if (memoryBytes < fileBytes) {
            throw new GuestLoadException(String.format("multiboot bss end %#x lies before the load end", bssEnd));
        }
        pieces.add(new Piece(loadAddress, image, (int) fileOffset, (int) fileBytes, memoryBytes, "kernel image"));
        return entry;
    }

    private void checkPlacement(List<Piece> pieces) throws GuestLoadException {
        List<Piece> sorted = new ArrayList<>(pieces);
        sorted.sort(Comparator.comparingLong(Piece::address));
        for (int i = 0; i < sorted.size(); i++) {
            checkInRam(sorted.get(i));
            if (i > 0 && sorted.get(i).address() < sorted.get(i - 1).end()) {
                throw new GuestLoadException(String.format("%s at %#x overlaps %s, which ends at %#x", sorted.get(i).what(),
                        sorted.get(i).address(), sorted.get(i - 1).what(), sorted.get(i - 1).end()));
            }
        }
    }

    private void checkInRam(Piece piece) throws GuestLoadException {
        RamRange range = memory.rangeAt(piece.address());
        long last = piece.end() - 1;
        if (range == null || range.kind() != RangeKind.RAM || (piece.memoryBytes() > 0 && !range.contains(last))) {
            throw new GuestLoadException(String.format("%s [%#x, %#x) lies outside RAM (is the machine's RAM large enough?)",
                    piece.what(), piece.address(), piece.end()));
        }
    }

    private void write(Piece piece) {
        memory.write(piece.address(), piece.source(), piece.offset(), piece.fileBytes());
        long zeroes = piece.memoryBytes() - piece.fileBytes();
        byte[] zero = new byte[4096];
        for (long at = piece.address() + piece.fileBytes(); zeroes > 0;) {
            int chunk = (int) Math.min(zero.length, zeroes);
            memory.write(at, zero, 0, chunk);
            at += chunk;
            zeroes -= chunk;
        }
    }

    private static long pageUp(long address) {
        return (address + 0xfff) & ~0xfffL;
    }

    private static final int MAP_AVAILABLE = 1;
    private static final int MAP_RESERVED = 2;

    /**
     * The memory map as {start, length, type}: every range of the page model, RAM available and the
     * rest reserved, with the extended BIOS data area at the top of conventional RAM reserved too.
     */
    private List<long[]> memoryMap() {
        List<long[]> map = new ArrayList<>();
        for (RamRange range : memory.ranges()) {
            boolean ram = range.kind() == RangeKind.RAM;
            if (ram && range.contains(CONVENTIONAL_END) && range.first() < CONVENTIONAL_END) {
                map.add(new long[] { range.first(), CONVENTIONAL_END - range.first(), MAP_AVAILABLE });
                map.add(new long[] { CONVENTIONAL_END, range.first() + range.size() - CONVENTIONAL_END, MAP_RESERVED });
            } else {
                map.add(new long[] { range.first(), range.size(), ram ? MAP_AVAILABLE : MAP_RESERVED });
            }
        }
        return map;
    }

    /** The information structure followed by its command line, loader name, module list and memory map. */
    private byte[] information(String commandLine, List<MultibootModule> modules, List<long[]> moduleRanges, long base) {
        byte[] cmdline = (commandLine + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] loaderName = (LOADER_NAME + "\0").getBytes(StandardCharsets.US_ASCII);
        List<byte[]> moduleStrings = new ArrayList<>();
        for (MultibootModule module : modules) {
            moduleStrings.add((module.commandLine() + "\0").getBytes(StandardCharsets.UTF_8));
        }
        List<long[]> map = memoryMap();
        int size = INFO_SIZE + cmdline.length + loaderName.length + moduleStrings.stream().mapToInt(b -> b.length).sum();
        size = (size + 3) & ~3;
        int moduleTable = size;
        size += 16 * modules.size();
        int memoryMap = size;
        size += 24 * map.size();
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        int at = INFO_SIZE;
        out.put(at, cmdline);
        long cmdlineAddress = base + at;
        at += cmdline.length;
        out.put(at, loaderName);
        long loaderNameAddress = base + at;
        at += loaderName.length;
        for (int i = 0; i < modules.size(); i++) {
            byte[] string = moduleStrings.get(i);
            out.put(at, string);
            int entry = moduleTable + 16 * i;
            out.putInt(entry, (int) moduleRanges.get(i)[0]);
            out.putInt(entry + 4, (int) moduleRanges.get(i)[1]);
            out.putInt(entry + 8, (int) (base + at));
            at += string.length;
        }
        long conventional = 0;
        long extended = 0;
        for (int i = 0; i < map.size(); i++) {
            long[] area = map.get(i);
            int entry = memoryMap + 24 * i;
            out.putInt(entry, 20);
            out.putLong(entry + 4, area[0]);
            out.putLong(entry + 12, area[1]);
            out.putInt(entry + 20, (int) area[2]);
            if (area[2] == MAP_AVAILABLE && area[0] == 0) {
                conventional = area[1];
            } else if (area[2] == MAP_AVAILABLE && area[0] == PcMemoryLayout.EXTENDED_START) {
                extended = area[1];
            }
        }
        out.putInt(0, INFO_MEMORY | INFO_CMDLINE | INFO_MODULES | INFO_MEMORY_MAP | INFO_LOADER_NAME);
        out.putInt(4, (int) (conventional / 1024));
        out.putInt(8, (int) (extended / 1024));
        out.putInt(12, 0xffff_ffff);
        out.putInt(16, (int) cmdlineAddress);
        out.putInt(20, modules.size());
        out.putInt(24, (int) (base + moduleTable));
        out.putInt(44, 24 * map.size());
        out.putInt(48, (int) (base + memoryMap));
        out.putInt(64, (int) loaderNameAddress);
        return out.array();
    }
}
