package org.shadowbench.memory.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.shadowbench.memory.FrameUse;
import org.shadowbench.memory.HostFrameStore;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.internal.FrameStore;

class FrameStoreTest {

    @Test
    void zeroFrameExistsFromTheStart() {
        FrameStore store = new FrameStore(8);
        assertEquals(1, store.framesInUse());
        assertEquals(FrameUse.ZERO, store.use(HostFrameStore.ZERO_FRAME));
        assertTrue(store.isZeroFilled(HostFrameStore.ZERO_FRAME));
        assertEquals(0, store.read(HostFrameStore.ZERO_FRAME, 4088, 8));
    }

    @Test
    void zeroFrameIsNeverWrittenNorReferenceCounted() {
        FrameStore store = new FrameStore(8);
        assertEquals(PgmStatus.VERR_INVALID_PARAMETER,
                assertThrows(PgmException.class, () -> store.write(0, 0, 4, 1)).status());
        assertThrows(PgmException.class, () -> store.writeBytes(0, 0, new byte[1], 0, 1));
        assertThrows(PgmException.class, () -> store.copyFrame(1, 0));
        assertThrows(PgmException.class, () -> store.retain(0));
        assertThrows(PgmException.class, () -> store.release(0));
        assertTrue(store.isZeroFilled(0));
    }

    @Test
    void valuesAreLittleEndianAtEverySize() {
        FrameStore store = new FrameStore(8);
        int frame = store.allocate(FrameUse.GUEST);
        store.write(frame, 0, 8, 0x1122334455667788L);
        assertEquals(0x88, store.read(frame, 0, 1));
        assertEquals(0x7788, store.read(frame, 0, 2));
        assertEquals(0x55667788L, store.read(frame, 0, 4));
        assertEquals(0x1122334455667788L, store.read(frame, 0, 8));
        assertEquals(0x77, store.read(frame, 1, 1));
        store.write(frame, 4093, 2, 0xabcd);
        assertEquals(0xabcd, store.read(frame, 4093, 2));
        store.write(frame, 100, 4, 0xffff_fffeL);
        assertEquals(0xffff_fffeL, store.read(frame, 100, 4), "32-bit reads are zero-extended");
        store.write(frame, 200, 1, -1);
        assertEquals(0xff, store.read(frame, 200, 1));
    }

    @Test
    void accessesInsideTheFrameOnly() {
        FrameStore store = new FrameStore(8);
        int frame = store.allocate(FrameUse.GUEST);
        assertThrows(PgmException.class, () -> store.read(frame, 4093, 4));
        assertThrows(PgmException.class, () -> store.write(frame, 4095, 2, 0));
        assertThrows(PgmException.class, () -> store.read(frame, -1, 1));
        assertThrows(PgmException.class, () -> store.read(frame, 0, 3));
        assertThrows(PgmException.class, () -> store.readBytes(frame, 4000, new byte[200], 0, 200));
    }

    @Test
    void framesAreReusedZeroedAndCounted() {
        FrameStore store = new FrameStore(8);
        int a = store.allocate(FrameUse.GUEST);
        store.write(a, 8, 8, -1L);
        assertFalse(store.isZeroFilled(a));
        store.retain(a);
        assertEquals(2, store.referenceCount(a));
        store.release(a);
        assertEquals(FrameUse.GUEST, store.use(a));
        store.release(a);
        assertEquals(FrameUse.FREE, store.use(a));
        assertEquals(0, store.referenceCount(a));
        assertThrows(PgmException.class, () -> store.release(a), "double free");
        int b = store.allocate(FrameUse.POOL);
        assertEquals(a, b, "freed frames are handed out again");
        assertTrue(store.isZeroFilled(b), "reused frames are zeroed");
        assertEquals(FrameUse.POOL, store.use(b));
        assertEquals(2, store.peakFramesInUse());
    }

    @Test
    void limitIsEnforcedWithNoMemory() {
        FrameStore store = new FrameStore(3);
        store.allocate(FrameUse.GUEST);
        int last = store.allocate(FrameUse.GUEST);
        PgmException error = assertThrows(PgmException.class, () -> store.allocate(FrameUse.GUEST));
        assertEquals(PgmStatus.VERR_NO_MEMORY, error.status());
        assertTrue(error.getMessage().contains("3 frames"));
        store.release(last);
        assertEquals(last, store.allocate(FrameUse.GUEST));
    }

    @Test
    void growsAcrossChunksAndExposesBacking() {
        FrameStore store = new FrameStore(1 << 12);
        int previous = -1;
        for (int i = 0; i < 600; i++) {
            int frame = store.allocate(FrameUse.GUEST);
            store.write(frame, 0, 4, frame);
            assertNotEquals(previous, frame);
            previous = frame;
        }
        for (int frame = 1; frame <= 600; frame++) {
            assertEquals(frame, store.read(frame, 0, 4));
            byte[] backing = store.backing(frame);
            assertEquals((byte) frame, backing[store.backingOffset(frame)]);
        }
        assertSame(store.backing(1), store.backing(255), "frames of one chunk share an array");
        assertEquals(601, store.frameBound());
    }

    @Test
    void framesHandedOutButNeverTouchedTakeNoHostMemory() {
        // 4 GiB of frames: with an array made per chunk as frames are handed out this cannot fit the
        // test JVM's 2 GiB heap; only the frames touched below get one.
        int count = 1 << 20;
        FrameStore store = new FrameStore(count + 1);
        int first = -1;
        int last = -1;
        for (int i = 0; i < count; i++) {
            last = store.allocate(FrameUse.MMIO2);
            if (first < 0) {
                first = last;
            }
        }
        assertEquals(count + 1, store.framesInUse());
        int touched = last - 1; // the last frame of a chunk; last starts the next one
        store.write(touched, 0xff8, 8, 0x1122334455667788L);
        assertEquals(0x1122334455667788L, store.read(touched, 0xff8, 8));
        assertTrue(store.isZeroFilled(first), "an untouched frame reads as zeros");
        assertTrue(store.isZeroFilled(last), "so does the first frame of the chunk after the touched one");
        assertEquals(0, store.read(touched - 1, 0xff8, 8), "a neighbour of a touched frame is zero too");
        assertSame(store.backing(touched), store.backing(touched - 1), "the array made for a chunk serves all its frames");
        store.release(first);
        int again = store.allocate(FrameUse.GUEST);
        assertEquals(first, again);
        assertTrue(store.isZeroFilled(again), "a frame freed before it was ever touched comes back zeroed");
    }

    @Test
    void copyAndBulkTransfers() {
        FrameStore store = new FrameStore(8);
        int a = store.allocate(FrameUse.GUEST);
        int b = store.allocate(FrameUse.GUEST);
        byte[] data = new byte[HostFrameStore.FRAME_SIZE];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        store.writeBytes(a, 0, data, 0, data.length);
        store.copyFrame(a, b);
        byte[] back = new byte[data.length];
        store.readBytes(b, 0, back, 0, back.length);
        assertArrayEquals(data, back);
        assertEquals(0x100000000L, HostFrameStore.hostAddress(0x100000));
    }

    @Test
    void allocationUsesAreValidated() {
        FrameStore store = new FrameStore(8);
        assertThrows(PgmException.class, () -> store.allocate(FrameUse.FREE));
        assertThrows(PgmException.class, () -> store.allocate(FrameUse.ZERO));
    }
}
