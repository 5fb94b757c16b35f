package org.shadowbench.cpu.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.shadowbench.cpu.tests.Eflags.CF;
import static org.shadowbench.cpu.tests.Eflags.OF;
import static org.shadowbench.cpu.tests.Eflags.ZF;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shadowbench.cpu.Register;

/** Shifts, rotates, SHLD/SHRD and the bit instructions, including counts of 0 and of the width or more. */
class ShiftAndBitTest {
    private final CpuFixture f = new CpuFixture();

    @AfterEach
    void consistent() {
        f.assertConsistent();
    }

    /**
     * Runs {@code code} with EAX, ECX (the count) and the carry given, then checks EAX and the flags in
     * {@code mask}.
     */
    private void check(String code, int eax, int cl, boolean carryIn, int expected, String flags, String mask) {
        f.set(Register.EAX, eax);
        f.set(Register.ECX, cl);
        f.exec((carryIn ? "f9 " : "f8 ") + code);
        assertEquals(expected, f.reg(Register.EAX), () -> String.format("result of %s: %s", code, f.describe()));
        int m = Eflags.parse(mask);
        assertEquals(Eflags.describe(Eflags.parse(flags)), Eflags.describe(f.cpu.eflags() & m), "flags of " + code);
    }

    @ParameterizedTest(name = "{0}: {1} by {2}")
    @CsvSource({
        // shl eax, cl
        "d3 e0, 0x80000001, 1, false, 2, CF OF, CF OF ZF SF",
        "d3 e0, 0x40000000, 1, false, 0x80000000, OF SF, CF OF ZF SF",
        "d3 e0, 1, 31, false, 0x80000000, SF, CF ZF SF",
        // count 32 masks to 0: nothing changes, flags included (CF stays set)
        "d3 e0, 0x12345678, 32, true, 0x12345678, CF, CF OF ZF SF",
        "d3 e0, 0x12345678, 0, true, 0x12345678, CF, CF OF ZF SF",
        // shr eax, cl: OF is the original sign
        "d3 e8, 0x80000001, 1, false, 0x40000000, CF OF, CF OF ZF SF",
        "d3 e8, 0x80000000, 31, false, 1, '', CF ZF SF",
        // sar eax, cl
        "d3 f8, 0x80000000, 31, false, 0xffffffff, SF, CF OF ZF SF",
        "d3 f8, 0xfffffffe, 1, false, 0xffffffff, SF, CF OF ZF SF",
        // shl al, cl with count 9 >= width: the result is zero
        "d2 e0, 0xff, 9, false, 0x00, ZF, CF ZF SF",
        // rol eax, cl / ror eax, cl change only CF and OF
        "d3 c0, 0x80000001, 1, false, 3, CF OF, CF OF",
        "d3 c8, 0x80000001, 1, false, 0xc0000000, CF, CF OF",
        // rol al, cl by 8: a whole turn, CF = low bit of the result (OF, undefined, follows the one-bit rule)
        "d2 c0, 0x81, 8, false, 0x81, CF, CF OF",
        // rcl eax, cl with CF in; rcr eax, cl
        "d3 d0, 0x80000000, 1, true, 1, CF OF, CF OF",
        "d3 d8, 1, 1, true, 0x80000000, CF OF, CF OF",
        // rcl al, 9 is a whole turn through carry: nothing changes
        "d2 d0, 0x5a, 9, true, 0x5a, CF, CF",
        // rcr ax, cl by 17 masks then takes modulo 17 -> 0
        "66 d3 d8, 0x1234, 17, false, 0x1234, '', CF",
    })
    void shiftsAndRotates(String code, long eax, int cl, boolean carry, long expected, String flags, String mask) {
        check(code, (int) eax, cl, carry, (int) expected, flags, mask);
    }

    @Test
    void shiftByOneAndImmediateForms() {
        // shl dword [DATA], 1 (d1 25 ..) and sar byte [DATA+4], 3 (c0 3d .. 03)
        f.memory.write(CpuFixture.DATA, 4, 0x40000000);
        f.memory.write(CpuFixture.DATA + 4, 1, 0x80);
        f.exec("d1 25 00 00 04 00 c0 3d 04 00 04 00 03");
        assertEquals(0x80000000L, f.read(CpuFixture.DATA, 4));
        assertEquals(0xf0, f.read(CpuFixture.DATA + 4, 1));
    }

    @Test
    void doublePrecisionShifts() {
        f.set(Register.EAX, 0x12345678);
        f.set(Register.EBX, 0x9abcdef0);
        // shld eax, ebx, 8
        f.exec("0f a4 d8 08");
        assertEquals(0x3456789a, f.reg(Register.EAX));
        assertEquals(0, f.cpu.eflags() & CF, "the last bit out of EAX was bit 24 of 0x12345678 (0)");
        // shrd eax, ebx, cl with cl = 4
        f.set(Register.ECX, 4);
        f.exec("0f ad d8");
        assertEquals(0x03456789, f.reg(Register.EAX));
        assertEquals(CF, f.cpu.eflags() & CF, "bit 3 of 0x3456789a");
        // shld with count 0 changes nothing
        f.exec("f9 0f a4 d8 00");
        assertEquals(0x03456789, f.reg(Register.EAX));
        assertEquals(CF, f.cpu.eflags() & CF);
        // 16-bit shld ax, bx, 4
        f.set(Register.EAX, 0x1234);
        f.set(Register.EBX, 0xabcd);
        f.exec("66 0f a4 d8 04");
        assertEquals(0x234a, f.reg(Register.EAX) & 0xffff);
        assertEquals(0, f.cpu.eflags() & OF, "the sign did not change");
    }

    @Test
    void bitTests() {
        f.set(Register.EAX, 0b1010);
        f.set(Register.EBX, 33);
        // bt eax, ebx: register offsets wrap modulo 32 -> bit 1
        f.exec("0f a3 d8");
        assertEquals(CF, f.cpu.eflags() & CF);
        // bts eax, 2 ; btr eax, 3 ; btc eax, 0
        f.exec("0f ba e8 02 0f ba f0 03 0f ba f8 00");
        assertEquals(0b0111, f.reg(Register.EAX));
        assertEquals(0, f.cpu.eflags() & CF, "bit 0 was clear before BTC");
    }

    @Test
    void bitStringReachesBeyondTheOperand() {
        // bts [DATA], ebx with ebx = 35: sets bit 3 of the dword at DATA+4
        f.set(Register.EBX, 35);
        f.exec("0f ab 1d 00 00 04 00");
        assertEquals(0x8, f.read(CpuFixture.DATA + 4, 4));
        assertEquals(0, f.read(CpuFixture.DATA, 4));
        // btr [DATA+8], ebx with ebx = -1: bit 31 of the dword at DATA+4
        f.memory.write(CpuFixture.DATA + 4, 4, 0x80000008L);
        f.set(Register.EBX, -1);
        f.exec("0f b3 1d 08 00 04 00");
        assertEquals(0x8, f.read(CpuFixture.DATA + 4, 4));
        assertEquals(CF, f.cpu.eflags() & CF);
    }

    @Test
    void bitScans() {
        f.set(Register.EBX, 0x00f0_0100);
        f.set(Register.EAX, 77);
        // bsf eax, ebx ; bsr ecx, ebx
        f.exec("0f bc c3 0f bd cb");
        assertEquals(8, f.reg(Register.EAX));
        assertEquals(23, f.reg(Register.ECX));
        assertEquals(0, f.cpu.eflags() & ZF);
        // bsf eax, edx with edx = 0: ZF set, EAX unchanged
        f.set(Register.EDX, 0);
        f.exec("0f bc c2");
        assertEquals(ZF, f.cpu.eflags() & ZF);
        assertEquals(8, f.reg(Register.EAX));
    }
}
