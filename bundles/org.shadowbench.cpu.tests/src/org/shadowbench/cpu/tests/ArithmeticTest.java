package org.shadowbench.cpu.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.shadowbench.cpu.tests.Eflags.AF;
import static org.shadowbench.cpu.tests.Eflags.CF;
import static org.shadowbench.cpu.tests.Eflags.OF;
import static org.shadowbench.cpu.tests.Eflags.PF;
import static org.shadowbench.cpu.tests.Eflags.SF;
import static org.shadowbench.cpu.tests.Eflags.ZF;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.Register;

/**
 * ALU, INC/DEC/NEG, multiplication, division and decimal adjustment: results and the six
 * arithmetic flags, each expected value worked out from the SDM's definitions.
 */
class ArithmeticTest {
    private final CpuFixture f = new CpuFixture();

    @AfterEach
    void consistent() {
        f.assertConsistent();
    }

    /** Runs {@code code} with EAX and EBX set, then checks EAX and the arithmetic flags. */
    private void check(String code, int eax, int ebx, int expectedEax, int expectedFlags) {
        f.set(Register.EAX, eax);
        f.set(Register.EBX, ebx);
        f.exec(code);
        assertEquals(expectedEax, f.reg(Register.EAX), () -> String.format("result of %s: %s", code, f.describe()));
        assertEquals(Eflags.describe(expectedFlags), Eflags.describe(f.cpu.eflags() & Eflags.ARITH), "flags of " + code);
    }

    @ParameterizedTest(name = "{0}: {1} op {2}")
    @CsvSource({
        // add eax, ebx
        "01 d8, 0x7fffffff, 1, 0x80000000, OF SF AF PF",
        "01 d8, 0xffffffff, 1, 0, CF ZF AF PF",
        "01 d8, 1, 1, 2, ''",
        "01 d8, 0x0000000f, 0x00000001, 0x10, AF",
        // sub eax, ebx
        "29 d8, 0, 1, 0xffffffff, CF SF AF PF",
        "29 d8, 0x80000000, 1, 0x7fffffff, OF AF PF",
        "29 d8, 5, 5, 0, ZF PF",
        // add al, bl / add ax, bx: the upper bits are kept
        "00 d8, 0x12345680, 0x80, 0x12345600, CF OF ZF PF",
        "66 01 d8, 0x1234ffff, 1, 0x12340000, CF ZF AF PF",
        // stc; adc eax, ebx and stc; sbb eax, ebx
        "f9 11 d8, 0xffffffff, 0, 0, CF ZF AF PF",
        "f9 19 d8, 0, 0, 0xffffffff, CF SF AF PF",
        "f9 19 d8, 0x80000000, 0, 0x7fffffff, OF AF PF",
        // and, or, xor clear CF and OF
        "f9 21 d8, 0xf0f0f0f0, 0x0ff00ff0, 0x00f000f0, PF",
        "09 d8, 0x80000000, 1, 0x80000001, SF",
        "31 c0, 0x12345678, 0, 0, ZF PF",
        // cmp eax, ebx leaves EAX
        "39 d8, 3, 5, 3, CF SF AF",
        // stc; inc eax keeps CF; clc; dec eax
        "f9 40, 0x7fffffff, 0, 0x80000000, CF OF SF AF PF",
        "f8 48, 0, 0, 0xffffffff, SF AF PF",
        // neg eax
        "f7 d8, 0, 0, 0, ZF PF",
        "f7 d8, 0x80000000, 0, 0x80000000, CF OF SF PF",
        "f7 d8, 5, 0, 0xfffffffb, CF SF AF",
        // add eax, imm8 sign-extended (83 /0); sub eax, imm32 (2d)
        "83 c0 ff, 1, 0, 0, CF ZF AF PF",
        "2d 01 00 00 00, 0, 0, 0xffffffff, CF SF AF PF",
        // test eax, ebx
        "85 d8, 0x80000000, 0x80000000, 0x80000000, SF PF",
    })
    void aluOperations(String code, long eax, long ebx, long expected, String flags) {
        check(code, (int) eax, (int) ebx, (int) expected, Eflags.parse(flags));
    }

    @Test
    void aluOnMemoryOperand() {
        f.memory.write(CpuFixture.DATA, 4, 0xfffffffeL);
        // add dword [DATA], 3 ; adc byte [DATA+4], 0
        f.exec("83 05 00 00 04 00 03 80 15 04 00 04 00 00");
        assertEquals(1, f.read(CpuFixture.DATA, 4));
        assertEquals(1, f.read(CpuFixture.DATA + 4, 1), "the carry of the first add reached the second");
    }

    @ParameterizedTest(name = "{0}: {1} * {2}")
    @CsvSource({
        // mul ebx: EDX:EAX, CF = OF = high half nonzero
        "f7 e3, 0x80000000, 4, 0, 2, CF OF ZF PF",
        "f7 e3, 3, 5, 15, 0, PF",
        // imul ebx
        "f7 eb, -2, 3, -6, -1, SF PF",
        "f7 eb, 0x40000000, 4, 0, 1, CF OF ZF PF",
    })
    void multiply(String code, long eax, long ebx, long expectedEax, long expectedEdx, String flags) {
        f.set(Register.EDX, 0x55);
        check(code, (int) eax, (int) ebx, (int) expectedEax, Eflags.parse(flags));
        assertEquals((int) expectedEdx, f.reg(Register.EDX));
    }

    @Test
    void multiplyByteAndWord() {
        // mov al, 0x80 ; mov bl, 2 ; mul bl  -> AX = 0x100
        f.exec("b0 80 b3 02 f6 e3");
        assertEquals(0x100, f.reg(Register.EAX) & 0xffff);
        assertEquals(CF | OF, f.cpu.eflags() & (CF | OF));
        // mov ax, 0xffff ; mov bx, 0xffff ; imul bx -> DX:AX = 1, no overflow
        f.exec("66 b8 ff ff 66 bb ff ff 66 f7 eb");
        assertEquals(1, f.reg(Register.EAX) & 0xffff);
        assertEquals(0, f.reg(Register.EDX) & 0xffff);
        assertEquals(0, f.cpu.eflags() & (CF | OF));
    }

    @Test
    void imulTwoAndThreeOperands() {
        f.set(Register.EBX, 0x40000000);
        // imul eax, ebx, 3 (6b c3 03): overflows
        f.exec("6b c3 03");
        assertEquals(0xc0000000, f.reg(Register.EAX));
        assertEquals(CF | OF, f.cpu.eflags() & (CF | OF));
        // imul ecx, ebx (0f af cb) with ecx = -1
        f.set(Register.ECX, -1);
        f.exec("0f af cb");
        assertEquals(-0x40000000, f.reg(Register.ECX));
        assertEquals(0, f.cpu.eflags() & (CF | OF));
        // imul ax, bx, 0x100 (66 69 c3 00 01) with bx = 0x100: 0x10000 truncates to 0
        f.set(Register.EBX, 0x100);
        f.exec("66 69 c3 00 01");
        assertEquals(0, f.reg(Register.EAX) & 0xffff);
        assertEquals(CF | OF, f.cpu.eflags() & (CF | OF));
    }

    @Test
    void divideUnsignedAndSigned() {
        f.set(Register.EDX, 0);
        f.set(Register.EAX, 100);
        f.set(Register.EBX, 7);
        f.exec("f7 f3");
        assertEquals(14, f.reg(Register.EAX));
        assertEquals(2, f.reg(Register.EDX));
        f.set(Register.EDX, -1);
        f.set(Register.EAX, -7);
        f.set(Register.EBX, 2);
        f.exec("f7 fb");
        assertEquals(-3, f.reg(Register.EAX));
        assertEquals(-1, f.reg(Register.EDX), "the remainder has the dividend's sign");
        // div bl: AX = 0x00ff / 0x10
        f.exec("66 b8 ff 00 b3 10 f6 f3");
        assertEquals(0x0f0f, f.reg(Register.EAX) & 0xffff);
    }

    private void assertDivideError(String code) {
        int esp = f.reg(Register.ESP);
        f.run(code + " f4");
        f.assertInHandler(Cpu.DE);
        assertEquals(CpuFixture.CODE, f.stack(0), "#DE is a fault: the saved EIP is the DIV's");
        assertEquals(esp - 12, f.reg(Register.ESP), "no error code");
    }

    @Test
    void divideByZeroFaults() {
        f.set(Register.EBX, 0);
        f.set(Register.EAX, 1234);
        assertDivideError("f7 f3");
        assertEquals(1234, f.reg(Register.EAX), "the destination is untouched");
    }

    @Test
    void quotientOverflowFaults() {
        f.set(Register.EDX, 1);
        f.set(Register.EAX, 0);
        f.set(Register.EBX, 1);
        assertDivideError("f7 f3");
    }

    @Test
    void signedDivisionOfMinimumByMinusOneFaults() {
        f.set(Register.EDX, -1);
        f.set(Register.EAX, 0x80000000);
        f.set(Register.EBX, -1);
        assertDivideError("f7 fb");
    }

    @Test
    void byteDivisionOverflowFaults() {
        f.set(Register.EAX, 0x1234);
        f.set(Register.EBX, 0x10);
        assertDivideError("f6 f3");
    }

    @Test
    void decimalAdjustAfterAddition() {
        // mov al, 0x79 ; mov bl, 0x35 ; add al, bl ; daa  ->  0x14 with CF (79 + 35 = 114)
        f.exec("b0 79 b3 35 00 d8 27");
        assertEquals(0x14, f.reg(Register.EAX) & 0xff);
        assertEquals(Eflags.describe(CF | AF | PF), Eflags.describe(f.cpu.eflags() & Eflags.ARITH));
        // mov al, 0x35 ; mov bl, 0x47 ; sub al, bl ; das  ->  0x88 with CF (35 - 47 = -12 -> 88 borrow)
        f.exec("b0 35 b3 47 28 d8 2f");
        assertEquals(0x88, f.reg(Register.EAX) & 0xff);
        assertEquals(CF, f.cpu.eflags() & CF);
    }

    @Test
    void asciiAdjustments() {
        // mov ax, 0x0009 ; add al, 5 ; aaa -> AX = 0x0104, CF and AF
        f.exec("66 b8 09 00 04 05 37");
        assertEquals(0x0104, f.reg(Register.EAX) & 0xffff);
        assertEquals(CF | AF, f.cpu.eflags() & (CF | AF));
        // mov ax, 0x0102 ; sub al, 5 ; aas -> AL = (0xfd - 6) & 0xf = 7, AH = 1 - 1
        f.exec("66 b8 02 01 2c 05 3f");
        assertEquals(0x0007, f.reg(Register.EAX) & 0xffff);
        assertEquals(CF | AF, f.cpu.eflags() & (CF | AF));
        // mov ah, 0x10 ; sahf (AF) ; mov ax, 0x0203 ; aas: AX - 6 borrows from AH, which then drops again
        f.exec("b4 10 9e 66 b8 03 02 3f");
        assertEquals(0x000d, f.reg(Register.EAX) & 0xffff);
        // mov al, 63 ; aam  -> AH = 6, AL = 3 ; aad -> AL = 63, AH = 0
        f.exec("b0 3f d4 0a");
        assertEquals(0x0603, f.reg(Register.EAX) & 0xffff);
        f.exec("d5 0a");
        assertEquals(0x003f, f.reg(Register.EAX) & 0xffff);
        assertEquals(PF | 0, f.cpu.eflags() & (PF | ZF | SF), "0x3f has six bits set");
    }

    @Test
    void aamByZeroFaults() {
        f.run("d4 00 f4");
        f.assertInHandler(Cpu.DE);
    }

    @Test
    void xaddAndCmpxchg() {
        f.memory.write(CpuFixture.DATA, 4, 10);
        f.set(Register.EBX, 5);
        // xadd [DATA], ebx
        f.exec("0f c1 1d 00 00 04 00");
        assertEquals(15, f.read(CpuFixture.DATA, 4));
        assertEquals(10, f.reg(Register.EBX));
        // cmpxchg [DATA], ecx with EAX = 15: equal, stores ECX
        f.set(Register.EAX, 15);
        f.set(Register.ECX, 99);
        f.exec("0f b1 0d 00 00 04 00");
        assertEquals(99, f.read(CpuFixture.DATA, 4));
        assertEquals(ZF, f.cpu.eflags() & ZF);
        // again: not equal, EAX gets the memory value
        f.exec("0f b1 0d 00 00 04 00");
        assertEquals(99, f.reg(Register.EAX));
        assertEquals(0, f.cpu.eflags() & ZF);
    }

    @Test
    void cmpxchg8b() {
        f.memory.write(CpuFixture.DATA, 8, 0x1111_2222_3333_4444L);
        f.set(Register.EDX, 0x11112222);
        f.set(Register.EAX, 0x33334444);
        f.set(Register.ECX, 0x55556666);
        f.set(Register.EBX, 0x77778888);
        // lock cmpxchg8b [DATA]
        f.exec("f0 0f c7 0d 00 00 04 00");
        assertEquals(0x5555_6666_7777_8888L, f.read(CpuFixture.DATA, 8));
        assertEquals(ZF, f.cpu.eflags() & ZF);
        f.exec("0f c7 0d 00 00 04 00");
        assertEquals(0x55556666, f.reg(Register.EDX));
        assertEquals(0x77778888, f.reg(Register.EAX));
        assertEquals(0, f.cpu.eflags() & ZF);
    }

    @Test
    void cmpxchg8bWithRegisterOperandIsInvalid() {
        f.run("0f c7 c8 f4");
        f.assertInHandler(Cpu.UD);
    }

    @Test
    void lockOnNonMemoryDestinationIsInvalid() {
        // lock add eax, ebx
        f.run("f0 01 d8 f4");
        f.assertInHandler(Cpu.UD);
    }
}
