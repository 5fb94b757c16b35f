package org.shadowbench.memory.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.shadowbench.memory.FrameUse;
import org.shadowbench.memory.HostFrameStore;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;

/**
 * Host frames in 1 MiB byte arrays of 256 frames each, with per-frame use and reference count in
 * primitive arrays. Freed frames go on a stack and are zeroed when handed out again; fresh chunk
 * memory is zero already. A chunk's array is made when one of its frames is first read, written or
 * asked for its backing, not when the frame is handed out: frames a device allocates up front and the
 * guest never touches (most of a VGA's 8 MiB of VRAM) cost no host memory and no time.
 */
public final class FrameStore implements HostFrameStore {
    static final int CHUNK_SHIFT = 8;
    static final int FRAMES_PER_CHUNK = 1 << CHUNK_SHIFT;
    static final int CHUNK_MASK = FRAMES_PER_CHUNK - 1;
    private static final int CHUNK_BYTES = FRAMES_PER_CHUNK << FRAME_SHIFT;

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte[] ZEROS = new byte[FRAME_SIZE];

    private final int limit;
    private byte[][] chunks = new byte[4][];
    private byte[] uses = new byte[FRAMES_PER_CHUNK];
    private int[] refs = new int[FRAMES_PER_CHUNK];
    private int[] freeStack = new int[64];
    private int freeCount;
    /** Frames below this were handed out at least once. */
    private int bound;
    private int inUse;
    private int peak;

    /** A store that may hand out up to {@code limit} frames at once, the zero frame included. */
    public FrameStore(int limit) {
        this.limit = limit;
        int zero = allocate(FrameUse.ZERO);
        assert zero == ZERO_FRAME;
    }

    @Override
    public int allocate(FrameUse use) {
        if (use == FrameUse.FREE || (use == FrameUse.ZERO && bound != 0)) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "cannot allocate a frame for use " + use);
        }
        if (inUse >= limit) {
            throw new PgmException(PgmStatus.VERR_NO_MEMORY,
                    "host frame limit of " + limit + " frames (" + ((long) limit << FRAME_SHIFT >> 20) + " MiB) reached");
        }
        int frame;
        if (freeCount > 0) {
            frame = freeStack[--freeCount];
            byte[] chunk = chunks[frame >>> CHUNK_SHIFT];
            if (chunk != null) {
                int base = backingOffset(frame);
                Arrays.fill(chunk, base, base + FRAME_SIZE, (byte) 0);
            }
        } else {
            frame = bound++;
            ensureCapacity(frame);
        }
        uses[frame] = (byte) use.ordinal();
        refs[frame] = 1;
        if (++inUse > peak) {
            peak = inUse;
        }
        return frame;
    }

    private void ensureCapacity(int frame) {
        int chunk = frame >>> CHUNK_SHIFT;
        if (chunk >= chunks.length) {
            chunks = Arrays.copyOf(chunks, Math.max(chunk + 1, chunks.length * 2));
        }
        if (frame >= uses.length) {
            int length = Math.max(frame + 1, uses.length * 2);
            uses = Arrays.copyOf(uses, length);
            refs = Arrays.copyOf(refs, length);
        }
    }

    /** The array holding the frame's bytes, made on first use. */
    private byte[] chunk(int frame) {
        int index = frame >>> CHUNK_SHIFT;
        byte[] chunk = chunks[index];
        if (chunk == null) {
            chunk = new byte[CHUNK_BYTES];
            chunks[index] = chunk;
        }
        return chunk;
    }

    private void checkOwned(int frame, String operation) {
        if (frame <= ZERO_FRAME || frame >= bound || refs[frame] == 0) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    operation + " of host frame 0x" + Integer.toHexString(frame) + ", which is "
                            + (frame == ZERO_FRAME ? "the zero frame" : "not allocated"));
        }
    }

    @Override
    public void retain(int frame) {
        checkOwned(frame, "retain");
        refs[frame]++;
    }

    @Override
    public void release(int frame) {
        checkOwned(frame, "release");
        if (--refs[frame] == 0) {
            uses[frame] = (byte) FrameUse.FREE.ordinal();
            if (freeCount == freeStack.length) {
                freeStack = Arrays.copyOf(freeStack, freeCount * 2);
            }
            freeStack[freeCount++] = frame;
            inUse--;
        }
    }

    @Override
    public int referenceCount(int frame) {
        return frame >= 0 && frame < bound ? refs[frame] : 0;
    }

    @Override
    public FrameUse use(int frame) {
        return frame >= 0 && frame < bound ? FrameUse.fromCode(uses[frame]) : FrameUse.FREE;
    }

    @Override
    public int framesInUse() {
        return inUse;
    }

    @Override
    public int peakFramesInUse() {
        return peak;
    }

    @Override
    public int frameBound() {
        return bound;
    }

    @Override
    public int frameLimit() {
        return limit;
    }

    /** Frames on the free list, for the consistency checker. */
    int[] freeFrames() {
        return Arrays.copyOf(freeStack, freeCount);
    }

    @Override
    public long read(int frame, int offset, int size) {
        int at = backingOffset(frame) + checkOffset(offset, size);
        byte[] chunk = chunk(frame);
        return switch (size) {
            case 1 -> chunk[at] & 0xffL;
            case 2 -> (short) SHORT.get(chunk, at) & 0xffffL;
            case 4 -> (int) INT.get(chunk, at) & 0xffff_ffffL;
            default -> (long) LONG.get(chunk, at);
        };
    }

    @Override
    public void write(int frame, int offset, int size, long value) {
        checkWritable(frame);
        int at = backingOffset(frame) + checkOffset(offset, size);
        byte[] chunk = chunk(frame);
        switch (size) {
            case 1 -> chunk[at] = (byte) value;
            case 2 -> SHORT.set(chunk, at, (short) value);
            case 4 -> INT.set(chunk, at, (int) value);
            default -> LONG.set(chunk, at, value);
        }
    }

    private static int checkOffset(int offset, int size) {
        if ((size != 1 && size != 2 && size != 4 && size != 8) || offset < 0 || offset + size > FRAME_SIZE) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    "access of " + size + " bytes at frame offset 0x" + Integer.toHexString(offset));
        }
        return offset;
    }

    private void checkWritable(int frame) {
        if (frame <= ZERO_FRAME || frame >= bound) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    "write to host frame 0x" + Integer.toHexString(frame) + (frame == ZERO_FRAME ? " (the zero frame)" : ""));
        }
    }

    private static void checkSpan(int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > FRAME_SIZE) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    "span of " + length + " bytes at frame offset 0x" + Integer.toHexString(offset));
        }
    }

    @Override
    public void readBytes(int frame, int offset, byte[] dst, int dstOffset, int length) {
        checkSpan(offset, length);
        System.arraycopy(chunk(frame), backingOffset(frame) + offset, dst, dstOffset, length);
    }

    @Override
    public void writeBytes(int frame, int offset, byte[] src, int srcOffset, int length) {
        checkWritable(frame);
        checkSpan(offset, length);
        System.arraycopy(src, srcOffset, chunk(frame), backingOffset(frame) + offset, length);
    }

    @Override
    public void copyFrame(int from, int to) {
        checkWritable(to);
        System.arraycopy(chunk(from), backingOffset(from), chunk(to), backingOffset(to), FRAME_SIZE);
    }

    @Override
    public boolean isZeroFilled(int frame) {
        int base = backingOffset(frame);
        return Arrays.mismatch(chunk(frame), base, base + FRAME_SIZE, ZEROS, 0, FRAME_SIZE) < 0;
    }

    @Override
    public byte[] backing(int frame) {
        return chunk(frame);
    }

    @Override
    public int backingOffset(int frame) {
        return (frame & CHUNK_MASK) << FRAME_SHIFT;
    }
}
