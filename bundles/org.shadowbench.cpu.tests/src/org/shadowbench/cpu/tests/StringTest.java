package org.shadowbench.cpu.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shadowbench.cpu.tests.Eflags.ZF;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.IoPortHandler;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.StopReason;

/** String instructions with and without REP, both directions, zero counts and early termination. */
class StringTest {
    private static final int SRC = CpuFixture.DATA;
    private static final int DST = CpuFixture.DATA + 0x1000;

    private final CpuFixture f = new CpuFixture();

    @AfterEach
    void consistent() {
        f.assertConsistent();
    }

    private void pointers(int esi, int edi, int ecx) {
        f.set(Register.ESI, esi);
        f.set(Register.EDI, edi);
        f.set(Register.ECX, ecx);
    }

    @Test
    void repMovsdCopiesForward() {
        f.load(SRC, "01 02 03 04 05 06 07 08 09 0a 0b 0c");
        pointers(SRC, DST, 3);
        f.exec("f3 a5");
        assertEquals(0x0c0b0a09_08070605L, f.read(DST + 4, 8));
        assertEquals(0x04030201L, f.read(DST, 4));
        assertEquals(0, f.reg(Register.ECX));
        assertEquals(SRC + 12, f.reg(Register.ESI));
        assertEquals(DST + 12, f.reg(Register.EDI));
    }

    @Test
    void repMovsbBackwardWithDirectionFlag() {
        f.load(SRC, "61 62 63 64");
        pointers(SRC + 3, DST + 3, 4);
        // std ; rep movsb ; cld
        f.exec("fd f3 a4 fc");
        assertEquals(0x64636261L, f.read(DST, 4));
        assertEquals(SRC - 1, f.reg(Register.ESI));
        assertEquals(DST - 1, f.reg(Register.EDI));
    }

    @Test
    void repWithZeroCountDoesNothing() {
        f.memory.write(DST, 4, 0x5555);
        pointers(SRC, DST, 0);
        f.set(Register.EAX, 0x7777);
        f.exec("f3 ab");
        assertEquals(0x5555, f.read(DST, 4));
        assertEquals(DST, f.reg(Register.EDI));
    }

    @Test
    void stosAndLods() {
        pointers(DST, DST, 4);
        f.set(Register.EAX, 0xabcd);
        // rep stosw ; lodsd
        f.exec("66 f3 ab ad");
        assertEquals(0xabcdabcdL, f.read(DST, 4));
        assertEquals(0xabcdabcdL, f.read(DST + 4, 4));
        assertEquals(0xabcdabcd, f.reg(Register.EAX));
        assertEquals(DST + 4, f.reg(Register.ESI));
    }

    @Test
    void repeCmpsbStopsAtTheFirstDifference() {
        f.load(SRC, "41 42 43 44 45");
        f.load(DST, "41 42 58 44 45");
        pointers(SRC, DST, 5);
        f.exec("f3 a6");
        assertEquals(2, f.reg(Register.ECX), "three comparisons made");
        assertEquals(SRC + 3, f.reg(Register.ESI));
        assertEquals(0, f.cpu.eflags() & ZF);
        assertEquals(Eflags.CF, f.cpu.eflags() & Eflags.CF, "0x43 < 0x58");
    }

    @Test
    void repneScasbFindsTheByte() {
        f.load(DST, "68 65 6c 6c 6f 00 78");
        pointers(0, DST, -1);
        f.set(Register.EAX, 0);
        // repne scasb: strlen
        f.exec("f2 ae");
        assertEquals(DST + 6, f.reg(Register.EDI));
        assertEquals(-1 - 6, f.reg(Register.ECX));
        assertEquals(ZF, f.cpu.eflags() & ZF);
    }

    @Test
    void addressSizeSixteenWrapsTheIndexRegisters() {
        f.load(0xffff, "5a");
        pointers(0x1_ffff, DST, 2);
        // a32 would read 0x1ffff; a16 reads SI = 0xffff then wraps SI to 0
        f.exec("67 f3 a4");
        assertEquals(0x5a, f.read(DST & 0xffff, 1), "destination DI wrapped to 16 bits too");
        assertEquals(0x1_0001, f.reg(Register.ESI), "only SI moved, wrapping within 16 bits");
        assertEquals(0, f.reg(Register.ECX) & 0xffff);
    }

    @Test
    void faultPartWayLeavesTheCountsWhereTheProcessorWould() {
        // DS limited to 0xfff bytes at DATA: the third dword read crosses the limit.
        f.exec("66 b8 38 00 8e d8");
        pointers(0xff6, DST, 5);
        f.run("f3 a5 f4");
        f.assertInHandler(Cpu.GP);
        assertEquals(3, f.reg(Register.ECX), "two dwords were copied");
        assertEquals(0xffe, f.reg(Register.ESI));
        assertEquals(CpuFixture.CODE, f.stack(1), "the REP MOVS restarts");
    }

    @Test
    void longRepRunsInChunksAndCompletes() {
        pointers(0, DST, 40_000);
        f.set(Register.EAX, 0x01010101);
        f.exec("f3 aa");
        assertEquals(0, f.reg(Register.ECX));
        assertEquals(0x01, f.read(DST + 39_999, 1));
        assertEquals(0, f.read(DST + 40_000, 1));
    }

    /**
     * DecoderFuzzTest at scale 10: ECX above 2^31 made the page-at-a-time copy compute a negative
     * length and throw out of the CPU. The REP runs its chunks and ECX counts down as unsigned.
     */
    @ParameterizedTest
    @ValueSource(strings = { "f3 a4", "f3 a5", "f3 aa", "f3 ab" })
    void repMovsAndStosWithCountAboveTwoToTheThirtyOneRunAsUnsigned(String code) {
        f.load(SRC, "11 22 33 44 55 66 77 88");
        int count = 0xfc6efd80;
        pointers(SRC, DST, count);
        f.set(Register.EAX, 0x5a5a5a5a);
        f.load(CpuFixture.CODE, code);
        f.cpu.setEip(CpuFixture.CODE);
        assertEquals(StopReason.INSTRUCTION_LIMIT, f.cpu.run(3));
        int done = f.reg(Register.EDI) - DST;
        assertTrue(done >= 0x1000, "at least a page was done, EDI " + Integer.toHexString(f.reg(Register.EDI)));
        int elementSize = code.endsWith("4") || code.endsWith("a") ? 1 : 4;
        assertEquals(count - done / elementSize, f.reg(Register.ECX), "ECX counted down by the elements done");
        assertEquals(CpuFixture.CODE, f.cpu.eip(), "the REP restarts");
        long expected = code.startsWith("f3 a") && (code.endsWith("4") || code.endsWith("5")) ? 0x8877665544332211L
                : 0x5a5a5a5a5a5a5a5aL;
        assertEquals(expected, f.read(DST, 8));
    }

    @Test
    void insAndOuts() {
        int[] written = new int[4];
        int[] count = { 0 };
        f.io.register(0x3f8, 1, new IoPortHandler() {
            private int next = 'a';

            @Override
            public int read(int port, int size) {
                return next++;
            }

            @Override
            public void write(int port, int size, int value) {
                written[count[0]++] = value;
            }
        });
        f.set(Register.EDX, 0x3f8);
        pointers(SRC, DST, 3);
        // rep insb
        f.exec("f3 6c");
        assertEquals(0x636261, f.read(DST, 4) & 0xffffff);
        f.load(SRC, "78 79 7a");
        f.set(Register.ECX, 3);
        // rep outsb
        f.exec("f3 6e");
        assertEquals(3, count[0]);
        assertEquals('x', written[0]);
        assertEquals('z', written[2]);
    }
}
