package org.shadowbench.devices.ide;

/**
 * A disk image that cannot be used: missing, unreadable, empty, not a whole number of sectors, too
 * large for 28-bit addresses, read-only when writes should reach it, or in use by another writer.
 * Raised by {@link DiskImage#open} before anything is read from or written to the file; the message
 * is one line naming the file.
 */
public class DiskImageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why an image was refused. */
    public enum Reason {
        /** There is no such file. */
        MISSING,
        /** The path names a directory. */
        DIRECTORY,
        /** The file cannot be read (permissions or an I/O error). */
        UNREADABLE,
        /** The file is empty. */
        EMPTY,
        /** The size is not a whole number of 512-byte sectors. */
        NOT_WHOLE_SECTORS,
        /** More sectors than 28-bit addresses reach. */
        TOO_LARGE,
        /** The file cannot be written and was not opened as a snapshot. */
        READ_ONLY,
        /** Another machine holds a lock on the file that excludes this use. */
        IN_USE
    }

    private final Reason reason;

    /** An exception with its reason and a one-line message. */
    public DiskImageException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** An exception with its reason, a one-line message and the I/O error behind it. */
    public DiskImageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Why the image was refused. */
    public Reason reason() {
        return reason;
    }
}
