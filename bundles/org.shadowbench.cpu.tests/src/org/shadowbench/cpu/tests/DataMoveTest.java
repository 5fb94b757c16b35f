package org.shadowbench.cpu.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.shadowbench.cpu.tests.Eflags.CF;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.SegmentRegister;

/** MOV and friends, conversions, SETcc/CMOVcc, the stack instructions and segment register loads. */
class DataMoveTest {
    private final CpuFixture f = new CpuFixture();

    @AfterEach
    void consistent() {
        f.assertConsistent();
    }

    @Test
    void movForms() {
        // mov eax, 0x12345678 ; mov [DATA], eax ; mov bl, [DATA+1] ; mov cx, [DATA+2] ; mov byte [DATA+8], 0x99
        f.exec("b8 78 56 34 12 a3 00 00 04 00 8a 1d 01 00 04 00 66 8b 0d 02 00 04 00 c6 05 08 00 04 00 99");
        assertEquals(0x12345678L, f.read(CpuFixture.DATA, 4));
        assertEquals(0x56, f.reg(Register.EBX) & 0xff);
        assertEquals(0x1234, f.reg(Register.ECX) & 0xffff);
        assertEquals(0x99, f.read(CpuFixture.DATA + 8, 1));
        // mov ah, 0x77 leaves AL
        f.exec("b4 77");
        assertEquals(0x12347778, f.reg(Register.EAX));
    }

    @Test
    void addressingModes() {
        f.memory.write(CpuFixture.DATA + 0x10 + 3 * 4 + 8, 4, 0xcafe);
        f.set(Register.ESI, CpuFixture.DATA + 0x10);
        f.set(Register.EDI, 3);
        // mov eax, [esi + edi*4 + 8]
        f.exec("8b 44 be 08");
        assertEquals(0xcafe, f.reg(Register.EAX));
        // lea ebx, [esi + edi*8 - 4]; lea with a 16-bit address size wraps: lea cx, [bx+si] (67 66 8d 08)
        f.exec("8d 5c fe fc");
        assertEquals(CpuFixture.DATA + 0x10 + 24 - 4, f.reg(Register.EBX));
        f.set(Register.EBX, 0xffff);
        f.set(Register.ESI, 2);
        f.exec("67 66 8d 08");
        assertEquals(1, f.reg(Register.ECX) & 0xffff);
    }

    @Test
    void leaWithRegisterOperandIsInvalid() {
        f.run("8d c0 f4");
        f.assertInHandler(Cpu.UD);
    }

    @Test
    void extensions() {
        f.set(Register.EBX, 0x80f0);
        // movzx eax, bl ; movsx ecx, bl ; movzx edx, bx ; movsx esi, bx
        f.exec("0f b6 c3 0f be cb 0f b7 d3 0f bf f3");
        assertEquals(0xf0, f.reg(Register.EAX));
        assertEquals(0xfffffff0, f.reg(Register.ECX));
        assertEquals(0x80f0, f.reg(Register.EDX));
        assertEquals(0xffff80f0, f.reg(Register.ESI));
    }

    @Test
    void conversions() {
        f.set(Register.EAX, 0x1234_8080);
        // cbw ; cwde ; cdq
        f.exec("66 98");
        assertEquals(0x1234_ff80, f.reg(Register.EAX));
        f.exec("98 99");
        assertEquals(0xffffff80, f.reg(Register.EAX));
        assertEquals(-1, f.reg(Register.EDX));
        // mov eax, 5 ; cwd (16-bit)
        f.exec("b8 05 00 00 00 66 99");
        assertEquals(0xffff0000, f.reg(Register.EDX));
    }

    @Test
    void exchanges() {
        f.set(Register.EAX, 1);
        f.set(Register.EBX, 2);
        f.memory.write(CpuFixture.DATA, 4, 3);
        // xchg eax, ebx (93) ; xchg [DATA], eax (87 05) ; bswap eax
        f.exec("93 87 05 00 00 04 00 0f c8");
        assertEquals(1, f.reg(Register.EBX));
        assertEquals(2, f.read(CpuFixture.DATA, 4));
        assertEquals(0x03000000, f.reg(Register.EAX));
    }

    @Test
    void conditionalMovesAndSets() {
        f.set(Register.EAX, 1);
        f.set(Register.EBX, 2);
        f.set(Register.ECX, 100);
        // cmp eax, ebx ; cmovl ecx, ebx ; setl dl ; setg dh ; cmovg ecx, eax
        f.exec("39 d8 0f 4c cb 0f 9c c2 0f 9f c6 0f 4f c8");
        assertEquals(2, f.reg(Register.ECX));
        assertEquals(0x0001, f.reg(Register.EDX) & 0xffff);
        // unsigned: cmp eax, -1 ; setb [DATA] ; seta [DATA+1]
        f.exec("83 f8 ff 0f 92 05 00 00 04 00 0f 97 05 01 00 04 00");
        assertEquals(1, f.read(CpuFixture.DATA, 1));
        assertEquals(0, f.read(CpuFixture.DATA + 1, 1));
    }

    @Test
    void lahfAndSahf() {
        // stc ; lahf -> AH = CF | bit 1 | PF/ZF/SF/AF as set
        f.exec("31 c0 f9 9f");
        assertEquals(0x47, (f.reg(Register.EAX) >>> 8) & 0xff, "ZF PF from xor, CF from stc, bit 1 always set");
        // mov ah, 0x81 ; sahf -> SF and CF
        f.exec("b4 81 9e");
        assertEquals(Eflags.SF | CF, f.cpu.eflags() & Eflags.ARITH);
    }

    @Test
    void xlat() {
        f.load(CpuFixture.DATA, "10 20 30 40");
        f.set(Register.EBX, CpuFixture.DATA);
        f.set(Register.EAX, 2);
        f.exec("d7");
        assertEquals(0x30, f.reg(Register.EAX));
    }

    @Test
    void pushAndPop() {
        int esp = f.reg(Register.ESP);
        f.set(Register.EAX, 0x11);
        // push eax ; push 0x22 ; push -1 (6a ff) ; pop ebx ; pop ecx ; pop edx ; push esp ; pop esi
        f.exec("50 68 22 00 00 00 6a ff 5b 59 5a 54 5e");
        assertEquals(-1, f.reg(Register.EBX));
        assertEquals(0x22, f.reg(Register.ECX));
        assertEquals(0x11, f.reg(Register.EDX));
        assertEquals(esp, f.reg(Register.ESI), "PUSH ESP pushes the value before the push");
        assertEquals(esp, f.reg(Register.ESP));
        // 16-bit push/pop move ESP by two
        f.exec("66 50 66 5b");
        assertEquals(esp, f.reg(Register.ESP));
    }

    @Test
    void popIntoMemoryAddressedThroughEsp() {
        // push 0x1234 ; pop dword [esp] -> the address uses ESP after the pop: writes above the old top
        int esp = f.reg(Register.ESP);
        f.exec("68 34 12 00 00 8f 04 24");
        assertEquals(esp, f.reg(Register.ESP));
        assertEquals(0x1234, (int) f.read(esp, 4));
    }

    @Test
    void pushAllAndPopAll() {
        for (Register r : Register.values()) {
            if (r != Register.ESP) {
                f.set(r, 0x100 + r.ordinal());
            }
        }
        int esp = f.reg(Register.ESP);
        // pusha ; zero everything but ESP ; popa
        f.exec("60 31 c0 31 c9 31 d2 31 db 31 ed 31 f6 31 ff 61");
        for (Register r : Register.values()) {
            assertEquals(r == Register.ESP ? esp : 0x100 + r.ordinal(), f.reg(r), r.name());
        }
        assertEquals(esp, (int) f.read(esp - 20, 4), "the ESP image pushed is the original ESP");
    }

    @Test
    void pushfAndPopf() {
        // stc ; std ; pushf ; pop eax ; push 0 ; popf
        f.exec("f9 fd 9c 58 6a 00 9d");
        assertEquals(CF | Eflags.DF | 0x2, f.reg(Register.EAX) & (CF | Eflags.DF | 0x2));
        assertEquals(0x2, f.cpu.eflags() & 0xfff, "POPF cleared the flags; bit 1 stays set");
    }

    @Test
    void popfInRing3KeepsIoplAndInterruptFlag() {
        f.enterUserMode();
        f.cpu.setEflags(0x202);
        // push 0x3000 | 0xcd5 ; popf ; int 0x80
        f.run("68 d5 3c 00 00 9d cd 80");
        f.assertInHandler(0x80);
        int flags = f.stack(2);
        assertEquals(0x200, flags & 0x3200, "IOPL unchanged (0), IF unchanged (1) at CPL 3 with IOPL 0");
        assertEquals(0xcd5, flags & 0xcd5, "arithmetic flags and DF were loaded");
    }

    @Test
    void enterAndLeave() {
        int esp = f.reg(Register.ESP);
        f.set(Register.EBP, 0x1111);
        // enter 16, 0 ; mov eax, ebp ; leave
        f.exec("c8 10 00 00 89 e8 c9");
        assertEquals(esp - 4, f.reg(Register.EAX), "the frame pointer");
        assertEquals(0x1111, f.reg(Register.EBP));
        assertEquals(esp, f.reg(Register.ESP));
        // enter 8, 2: pushes EBP, one outer frame pointer copied from [EBP-4], and the new frame pointer
        f.set(Register.EBP, CpuFixture.DATA + 0x100);
        f.memory.write(CpuFixture.DATA + 0xfc, 4, 0xabcdef);
        f.exec("c8 08 00 02");
        int frame = esp - 4;
        assertEquals(frame, f.reg(Register.EBP));
        assertEquals(0xabcdef, (int) f.read(frame - 4, 4), "the outer frame pointer");
        assertEquals(frame, (int) f.read(frame - 8, 4), "the new frame pointer");
        assertEquals(frame - 8 - 8, f.reg(Register.ESP));
    }

    @Test
    void segmentLoadsCheckTheDescriptor() {
        // mov ax, SMALL_DATA ; mov es, ax ; mov byte [es:0xfff], 7 (26 c6 05 ff 0f 00 00 07)
        f.exec("66 b8 38 00 8e c0 26 c6 05 ff 0f 00 00 07");
        assertEquals(CpuFixture.DATA, f.cpu.segmentBase(SegmentRegister.ES));
        assertEquals(0xfff, f.cpu.segmentLimit(SegmentRegister.ES));
        assertEquals(7, f.read(CpuFixture.DATA + 0xfff, 1));
        assertEquals(0x93, (f.read(CpuFixture.GDT + 0x38 + 5, 1)), "the accessed bit was set");
    }

    @Test
    void movToCsIsInvalid() {
        f.run("8e c8 f4");
        f.assertInHandler(Cpu.UD);
    }

    @Test
    void loadingACodeSegmentIntoSsFaults() {
        // mov ax, KERNEL_CODE ; mov ss, ax -> #GP(0x08)
        f.run("66 b8 08 00 8e d0 f4");
        f.assertInHandler(Cpu.GP);
        assertEquals(0x08, f.stack(0));
    }

    @Test
    void nullSelectorLoadsButFaultsOnUse() {
        // xor eax, eax ; mov ds, ax ; mov eax, [0]
        f.run("31 c0 8e d8 a1 00 00 00 00 f4");
        f.assertInHandler(Cpu.GP);
        assertEquals(0, f.stack(0));
        assertEquals(CpuFixture.CODE + 4, f.stack(1), "the faulting MOV");
    }

    @Test
    void farPointerLoads() {
        f.memory.write(CpuFixture.DATA, 4, 0x1234);
        f.memory.write(CpuFixture.DATA + 4, 2, CpuFixture.SMALL_DATA);
        // lfs ebx, [DATA]
        f.exec("0f b4 1d 00 00 04 00");
        assertEquals(0x1234, f.reg(Register.EBX));
        assertEquals(CpuFixture.SMALL_DATA, f.cpu.segmentSelector(SegmentRegister.FS));
    }

    @Test
    void segmentPushAndPop() {
        // push ds ; pop gs ; mov ax, gs
        f.exec("1e 0f a9 66 8c e8");
        assertEquals(CpuFixture.KERNEL_DATA, f.reg(Register.EAX) & 0xffff);
        assertEquals(CpuFixture.KERNEL_DATA, f.cpu.segmentSelector(SegmentRegister.GS));
    }
}
