package org.shadowbench.memory;

/**
 * Host memory as 4 KiB frames addressed by host frame number; the host address of a frame (the
 * reference's HCPhys) is the frame number shifted left by {@link #FRAME_SHIFT}.
 *
 * <p>Frame {@link #ZERO_FRAME} is all zeros and never written. Other frames are handed out on
 * demand, zeroed, and reference counted so that shared pages can point at one frame. Frames are
 * held in large primitive arrays, never one object per frame. Not thread-safe: the emulation
 * thread owns it.
 */
public interface HostFrameStore {
    /** log2 of the frame size. */
    int FRAME_SHIFT = 12;
    /** Bytes per frame. */
    int FRAME_SIZE = 1 << FRAME_SHIFT;
    /** The shared zero frame. */
    int ZERO_FRAME = 0;

    /**
     * Hands out a zeroed frame with a reference count of one.
     *
     * @throws PgmException {@link PgmStatus#VERR_NO_MEMORY} when the frame limit is reached
     */
    int allocate(FrameUse use);

    /** Adds a reference to an allocated frame (a page starts sharing it). */
    void retain(int frame);

    /** Drops a reference; the frame returns to the free list when none is left. */
    void release(int frame);

    /** References held on the frame; 0 for a free frame. */
    int referenceCount(int frame);

    /** Who the frame belongs to. */
    FrameUse use(int frame);

    /** Frames currently handed out, the zero frame included. */
    int framesInUse();

    /** The most frames that were in use at once. */
    int peakFramesInUse();

    /** Frame numbers ever handed out are below this bound. */
    int frameBound();

    /** The configured maximum of frames in use. */
    int frameLimit();

    /** Reads 1, 2, 4 or 8 bytes (little-endian) at an offset inside a frame; must not cross the frame. */
    long read(int frame, int offset, int size);

    /** Writes 1, 2, 4 or 8 bytes (little-endian) at an offset inside a frame; never the zero frame. */
    void write(int frame, int offset, int size, long value);

    /** Copies bytes out of a frame. */
    void readBytes(int frame, int offset, byte[] dst, int dstOffset, int length);

    /** Copies bytes into a frame (never the zero frame). */
    void writeBytes(int frame, int offset, byte[] src, int srcOffset, int length);

    /** Copies a whole frame onto another. */
    void copyFrame(int from, int to);

    /** Whether every byte of the frame is zero. */
    boolean isZeroFilled(int frame);

    /**
     * The array holding the frame, for hot paths that cache it (the CPU's TLB). The frame's bytes
     * start at {@link #backingOffset(int)} in it. The array of a frame never changes.
     */
    byte[] backing(int frame);

    /** Offset of the frame's first byte in {@link #backing(int)}. */
    int backingOffset(int frame);

    /** The host address of a frame. */
    static long hostAddress(int frame) {
        return (long) frame << FRAME_SHIFT;
    }
}
