package org.shadowbench.devices.ide;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

import org.shadowbench.devices.ide.DiskImageException.Reason;

/**
 * A raw disk image: a file of 512-byte sectors behind an IDE drive. Opened for writing, guest writes
 * go straight to the file (write-through); opened as a snapshot, the file is only read and written
 * sectors are kept in memory, so the file stays as it was.
 *
 * <p>{@link #open} checks everything before the guest can touch a byte and locks the file (exclusively
 * when writing, shared for a snapshot), so two machines cannot write one image at once. In-memory
 * images ({@link #inMemory}) serve tests and views. Sector reads and writes run on the emulation thread.
 */
public final class DiskImage implements Closeable {
    /** Bytes per sector. */
    public static final int SECTOR_SIZE = 512;
    /** The most sectors 28-bit LBA addresses reach (128 GiB). */
    public static final long MAX_SECTORS = 1L << 28;

    private final String name;
    private final FileChannel channel;
    private final FileLock lock;
    private final byte[] memory;
    private final boolean snapshot;
    private final long sectors;
    private final Map<Long, byte[]> overlay = new HashMap<>();
    private boolean closed;

    private DiskImage(String name, FileChannel channel, FileLock lock, byte[] memory, boolean snapshot, long sectors) {
        this.name = name;
        this.channel = channel;
        this.lock = lock;
        this.memory = memory;
        this.snapshot = snapshot;
        this.sectors = sectors;
    }

    /**
     * Opens an image file.
     *
     * @param file     a raw image: a non-empty whole number of 512-byte sectors, at most {@link #MAX_SECTORS}
     * @param snapshot keep the guest's writes in memory and leave the file untouched (it may then be read-only)
     * @throws DiskImageException when the file cannot serve as a disk; nothing was read or written
     */
    public static DiskImage open(Path file, boolean snapshot) throws DiskImageException {
        String name = "disk image " + file;
        if (!Files.exists(file)) {
            throw new DiskImageException(Reason.MISSING, name + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new DiskImageException(Reason.DIRECTORY, name + " is a directory, not a file");
        }
        if (!Files.isReadable(file)) {
            throw new DiskImageException(Reason.UNREADABLE, "cannot read " + name + ": permission denied");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new DiskImageException(Reason.UNREADABLE, "cannot read " + name + ": " + e.getMessage(), e);
        }
        if (size == 0) {
            throw new DiskImageException(Reason.EMPTY, name + " is empty");
        }
        if (size % SECTOR_SIZE != 0) {
            throw new DiskImageException(Reason.NOT_WHOLE_SECTORS, String.format("%s is %,d bytes, not a whole number of %d-byte sectors", name, size,
                    SECTOR_SIZE));
        }
        if (size / SECTOR_SIZE > MAX_SECTORS) {
            throw new DiskImageException(Reason.TOO_LARGE, name + " is larger than 128 GiB, the most that 28-bit sector addresses reach");
        }
        if (!snapshot && !Files.isWritable(file)) {
            throw new DiskImageException(Reason.READ_ONLY, name + " is read-only");
        }
        FileChannel channel;
        try {
            channel = snapshot ? FileChannel.open(file, StandardOpenOption.READ)
                    : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (AccessDeniedException e) {
            throw snapshot ? new DiskImageException(Reason.UNREADABLE, "cannot read " + name + ": permission denied", e)
                    : new DiskImageException(Reason.READ_ONLY, name + " is read-only", e);
        } catch (NoSuchFileException e) {
            throw new DiskImageException(Reason.MISSING, name + ": no such file", e);
        } catch (IOException e) {
            throw new DiskImageException(Reason.UNREADABLE, "cannot open " + name + ": " + e.getMessage(), e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock(0, Long.MAX_VALUE, snapshot);
        } catch (OverlappingFileLockException | IOException e) {
            lock = null;
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new DiskImageException(Reason.IN_USE, name + " is in use by another machine" + (snapshot ? " that writes to it" : ""));
        }
        return new DiskImage(file.toString(), channel, lock, null, snapshot, size / SECTOR_SIZE);
    }

    /**
     * An image held in memory (a copy of {@code contents}); its writes stay in memory.
     *
     * @throws DiskImageException when {@code contents} is empty or not a whole number of sectors
     */
    public static DiskImage inMemory(String name, byte[] contents) throws DiskImageException {
        if (contents.length == 0 || contents.length % SECTOR_SIZE != 0) {
            throw new DiskImageException(Reason.NOT_WHOLE_SECTORS, String.format("disk image %s is %,d bytes, not a non-empty whole number of %d-byte sectors",
                    name, contents.length, SECTOR_SIZE));
        }
        return new DiskImage(name, null, null, contents.clone(), false, contents.length / SECTOR_SIZE);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was written
        }
    }

    /** The file's path, or the in-memory image's name. */
    public String name() {
        return name;
    }

    /** Whether writes are kept in memory and the file left untouched. */
    public boolean snapshot() {
        return snapshot;
    }

    /** Capacity in sectors. */
    public long sectors() {
        return sectors;
    }

    /** Sectors written so far and kept in memory (snapshot images). */
    public int snapshotSectors() {
        return overlay.size();
    }

    /**
     * Reads {@code count} sectors from {@code sector} into {@code buffer} at {@code offset}.
     *
     * @throws IOException when the file fails or the image is closed
     * @throws IndexOutOfBoundsException when the sectors are not all on the disk
     */
    public void read(long sector, int count, byte[] buffer, int offset) throws IOException {
        check(sector, count);
        for (int i = 0; i < count; i++) {
            int at = offset + i * SECTOR_SIZE;
            byte[] written = overlay.get(sector + i);
            if (written != null) {
                System.arraycopy(written, 0, buffer, at, SECTOR_SIZE);
            } else if (memory != null) {
                System.arraycopy(memory, (int) ((sector + i) * SECTOR_SIZE), buffer, at, SECTOR_SIZE);
            } else {
                ByteBuffer target = ByteBuffer.wrap(buffer, at, SECTOR_SIZE);
                long position = (sector + i) * SECTOR_SIZE;
                while (target.hasRemaining()) {
                    if (channel.read(target, position + target.position() - at) < 0) {
                        throw new IOException(name + " ends early (shortened while in use?)");
                    }
                }
            }
        }
    }

    /**
     * Writes {@code count} sectors at {@code sector} from {@code buffer} at {@code offset}: to the file,
     * or to memory for snapshots and in-memory images.
     *
     * @throws IOException when the file fails or the image is closed
     * @throws IndexOutOfBoundsException when the sectors are not all on the disk
     */
    public void write(long sector, int count, byte[] buffer, int offset) throws IOException {
        check(sector, count);
        if (memory != null) {
            System.arraycopy(buffer, offset, memory, (int) (sector * SECTOR_SIZE), count * SECTOR_SIZE);
        } else if (snapshot) {
            for (int i = 0; i < count; i++) {
                byte[] copy = new byte[SECTOR_SIZE];
                System.arraycopy(buffer, offset + i * SECTOR_SIZE, copy, 0, SECTOR_SIZE);
                overlay.put(sector + i, copy);
            }
        } else {
            ByteBuffer source = ByteBuffer.wrap(buffer, offset, count * SECTOR_SIZE);
            long position = sector * SECTOR_SIZE;
            while (source.hasRemaining()) {
                channel.write(source, position + source.position() - offset);
            }
        }
    }

    /** Makes written sectors durable (FLUSH CACHE). */
    public void flush() throws IOException {
        if (closed) {
            throw new IOException(name + " is closed");
        }
        if (channel != null && !snapshot) {
            channel.force(false);
        }
    }

    private void check(long sector, int count) throws IOException {
        if (closed) {
            throw new IOException(name + " is closed");
        }
        if (sector < 0 || count < 0 || sector + count > sectors) {
            throw new IndexOutOfBoundsException(String.format("sectors %d+%d outside %s (%d sectors)", sector, count, name,
                    sectors));
        }
    }

    /** Releases the file (and its lock); snapshot writes are dropped. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        overlay.clear();
        if (channel != null) {
            try {
                if (lock != null && lock.isValid()) {
                    lock.release();
                }
            } finally {
                channel.close();
            }
        }
    }

    @Override
    public String toString() {
        return String.format("%s (%,d sectors%s)", name, sectors, snapshot ? ", snapshot" : "");
    }
}
