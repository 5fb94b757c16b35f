package org.shadowbench.cpu.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.IoPortHandler;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.SegmentRegister;
import org.shadowbench.cpu.StopReason;

/**
 * System instructions: descriptor tables, control and debug registers, MSRs, CPUID, the time-stamp
 * counter, port I/O with IOPL and the TSS bitmap, and the FXSAVE/SSE state.
 */
class SystemTest {
    private final CpuFixture f = new CpuFixture();

    @AfterEach
    void consistent() {
        f.assertConsistent();
    }

    @Test
    void descriptorTableRegisters() {
        // sgdt [DATA] ; sidt [DATA+8] ; str ax ; sldt bx
        f.exec("0f 01 05 00 00 04 00 0f 01 0d 08 00 04 00 0f 00 c8 0f 00 c3");
        assertEquals(CpuFixture.GDT_LIMIT, f.read(CpuFixture.DATA, 2));
        assertEquals(CpuFixture.GDT, f.read(CpuFixture.DATA + 2, 4));
        assertEquals(256 * 8 - 1, f.read(CpuFixture.DATA + 8, 2));
        assertEquals(CpuFixture.IDT, f.read(CpuFixture.DATA + 10, 4));
        assertEquals(CpuFixture.TSS_SELECTOR, f.reg(Register.EAX));
        assertEquals(0, f.reg(Register.EBX));
        assertEquals(0x8b, f.read(CpuFixture.GDT + CpuFixture.TSS_SELECTOR + 5, 1), "LTR marked the TSS busy");
        // lidt [DATA+16] with a new table
        f.memory.write(CpuFixture.DATA + 16, 2, 0x7ff);
        f.memory.write(CpuFixture.DATA + 18, 4, 0x8000);
        f.exec("0f 01 1d 10 00 04 00 0f 01 0d 20 00 04 00");
        assertEquals(0x8000, f.read(CpuFixture.DATA + 0x22, 4));
    }

    @Test
    void localDescriptorTable() {
        // an LDT of two entries at DATA: a data segment with base 0x1234000 in entry 1
        f.writeDescriptor(0x68, CpuFixture.DATA, 15, 0x82, 0x0);
        long low = 0xffffL | (0x4000L << 16);
        long high = 0x23 | (0x92L << 8) | (0xcL << 20) | (0x01L << 24);
        f.memory.write(CpuFixture.DATA + 8, 4, low);
        f.memory.write(CpuFixture.DATA + 12, 4, high);
        // mov ax, 0x68 ; lldt ax ; mov ax, 0x0c (index 1, TI) ; mov fs, ax ; sldt bx
        f.exec("66 b8 68 00 0f 00 d0 66 b8 0c 00 8e e0 0f 00 c3");
        assertEquals(0x01234000, f.cpu.segmentBase(SegmentRegister.FS));
        assertEquals(0x68, f.reg(Register.EBX) & 0xffff);
    }

    @Test
    void lldtRefusesANonLdtDescriptor() {
        f.run("66 b8 10 00 0f 00 d0 f4");
        f.assertInHandler(Cpu.GP);
        assertEquals(0x10, f.stack(0));
    }

    @Test
    void controlRegisterMoves() {
        // mov eax, cr0 ; or eax, 0x20 (NE) ; mov cr0, eax ; mov ebx, cr0 ; mov ecx, cr4
        f.exec("0f 20 c0 83 c8 20 0f 22 c0 0f 20 c3 0f 20 e1");
        assertEquals(0x31, f.reg(Register.EBX) & 0x3f, "PE, ET and NE");
        assertEquals(0, f.reg(Register.ECX));
        // mov eax, 0x2000 (VMXE, unsupported) ; mov cr4, eax -> #GP(0)
        f.run("b8 00 20 00 00 0f 22 e0 f4");
        f.assertInHandler(Cpu.GP);
        // CR1 does not exist
        f.run("0f 20 c8 f4");
        f.assertInHandler(Cpu.UD);
    }

    @Test
    void privilegedInstructionsFaultInRingThree() {
        f.enterUserMode();
        for (String code : new String[] { "0f 20 c0", "0f 22 d8", "f4", "0f 01 15 00 00 04 00", "0f 06", "0f 32",
                "0f 21 f8", "0f 01 3d 00 00 00 00", "0f 09" }) {
            f.run(code + " cd 80");
            f.assertInHandler(Cpu.GP);
            assertEquals(0, f.stack(0), code);
            assertEquals(CpuFixture.USER_CODE, f.stack(2), code);
            f.enterUserMode();
        }
    }

    @Test
    void debugRegisters() {
        // mov eax, 0x12345678 ; mov dr0, eax ; mov ebx, dr0 ; mov ecx, dr7 ; mov edx, dr4 (alias of dr6)
        f.exec("b8 78 56 34 12 0f 23 c0 0f 21 c3 0f 21 f9 0f 21 e2");
        assertEquals(0x12345678, f.reg(Register.EBX));
        assertEquals(0x400, f.reg(Register.ECX));
        assertEquals(0xffff0ff0, f.reg(Register.EDX));
        // with CR4.DE, DR4 is invalid
        f.cpu.setControlRegister(4, 0x8);
        f.run("0f 21 e2 f4");
        f.assertInHandler(Cpu.UD);
    }

    @Test
    void cpuidDescribesTheProcessor() {
        f.set(Register.EAX, 0);
        f.exec("0f a2");
        byte[] vendor = new byte[12];
        int[] words = { f.reg(Register.EBX), f.reg(Register.EDX), f.reg(Register.ECX) };
        for (int i = 0; i < 12; i++) {
            vendor[i] = (byte) (words[i / 4] >>> (8 * (i % 4)));
        }
        assertEquals("GenuineIntel", new String(vendor, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(1, f.reg(Register.EAX));
        f.set(Register.EAX, 1);
        f.exec("0f a2");
        assertEquals(0x6d8, f.reg(Register.EAX), "family 6, model 13, stepping 8: Pentium M (Dothan)");
        int edx = f.reg(Register.EDX);
        assertEquals(0, edx & 1, "no FPU");
        assertTrue((edx & (1 << 6)) != 0 && (edx & (1 << 8)) != 0 && (edx & (1 << 24)) != 0, "PAE, CX8, FXSR");
        f.set(Register.EAX, 0x8000_0000);
        f.exec("0f a2");
        assertEquals(0x8000_0004, f.reg(Register.EAX), "extended leaves up to the brand string");
        f.set(Register.EAX, 0x8000_0001);
        f.exec("0f a2");
        assertEquals(1 << 20, f.reg(Register.EDX), "NX");
        StringBuilder brand = new StringBuilder();
        for (int leaf = 0x8000_0002; leaf <= 0x8000_0004; leaf++) {
            f.set(Register.EAX, leaf);
            f.exec("0f a2");
            for (Register r : new Register[] { Register.EAX, Register.EBX, Register.ECX, Register.EDX }) {
                for (int i = 0; i < 4; i++) {
                    brand.append((char) ((f.reg(r) >>> (8 * i)) & 0xff));
                }
            }
        }
        assertEquals("Shadowbench virtual CPU (Pentium M class)", brand.toString().replace("\0", ""));
    }

    @Test
    void cpuidAboveTheHighestLeafAnswersWithTheHighestBasicLeafAsIntelDoes() {
        f.set(Register.EAX, 1);
        f.exec("0f a2");
        int[] basic = { f.reg(Register.EAX), f.reg(Register.EBX), f.reg(Register.ECX), f.reg(Register.EDX) };
        for (int leaf : new int[] { 2, 0xa, 0x4000_0000, 0x8000_0005, 0xffff_ffff }) {
            f.set(Register.EAX, leaf);
            f.exec("0f a2");
            assertEquals(basic[0], f.reg(Register.EAX), () -> "leaf " + Integer.toHexString(leaf));
            assertEquals(basic[3], f.reg(Register.EDX), () -> "leaf " + Integer.toHexString(leaf));
        }
    }

    @Test
    void intelIdentificationMsrsReadAndTheRestFault() {
        assertEquals(0, f.cpu.msr(0x17), "IA32_PLATFORM_ID");
        f.cpu.setMsr(0x8b, 0);
        assertEquals(0, f.cpu.msr(0x8b), "IA32_BIOS_SIGN_ID: no microcode revision");
        // rdmsr of AMD's PERF_CTR0 (0xc0010004) faults on an Intel part
        f.set(Register.ECX, 0xc001_0004);
        f.run("0f 32 f4");
        f.assertInHandler(Cpu.GP);
    }

    @Test
    void timeStampCounterCountsInstructions() {
        // rdtsc ; mov ebx, eax ; nop ; nop ; rdtsc
        f.exec("0f 31 89 c3 90 90 0f 31");
        assertEquals(4, f.reg(Register.EAX) - f.reg(Register.EBX));
        f.cpu.setMsr(0x10, 1_000_000);
        f.exec("0f 31");
        assertEquals(1_000_000, f.reg(Register.EAX));
        // CR4.TSD makes RDTSC privileged
        f.cpu.setControlRegister(4, 0x4);
        f.enterUserMode();
        f.run("0f 31 cd 80");
        f.assertInHandler(Cpu.GP);
    }

    @Test
    void modelSpecificRegisters() {
        // mov ecx, EFER ; rdmsr ; or eax, NXE ; wrmsr ; rdmsr
        f.exec("b9 80 00 00 c0 0f 32 0d 00 08 00 00 0f 30 0f 32");
        assertEquals(0x800, f.reg(Register.EAX));
        assertEquals(0x800, f.cpu.msr(0xc000_0080));
        // setting LME (no long mode here) faults
        f.run("b9 80 00 00 c0 b8 00 01 00 00 31 d2 0f 30 f4");
        f.assertInHandler(Cpu.GP);
        // an unknown MSR faults
        f.run("b9 34 12 00 00 0f 32 f4");
        f.assertInHandler(Cpu.GP);
        assertThrows(IllegalArgumentException.class, () -> f.cpu.msr(0x1234));
        assertEquals(0xfee0_0900L, f.cpu.msr(0x1b));
    }

    @Test
    void portIoAndThePermissionBitmap() {
        int[] last = new int[2];
        f.io.register(0x80, 4, new IoPortHandler() {
            @Override
            public int read(int port, int size) {
                return 0x12345678;
            }

            @Override
            public void write(int port, int size, int value) {
                last[0] = port;
                last[1] = value;
            }
        });
        // in al, 0x80 ; mov dx, 0x81 ; out dx, ax ; in eax, dx
        f.exec("e4 80 66 ba 81 00 66 ef ed");
        assertEquals(0x81, last[0]);
        assertEquals(0x0078, last[1], "AX after IN AL left the rest of EAX");
        assertEquals(0x12345678, f.reg(Register.EAX));
        // unclaimed ports read all ones
        f.exec("e4 10");
        assertEquals(0xff, f.reg(Register.EAX) & 0xff);
        // ring 3 with IOPL 0: the TSS bitmap decides; port 0x81 denied, 0x80 allowed
        f.memory.write(CpuFixture.TSS + 0x68 + 0x10, 1, 0x02);
        f.enterUserMode();
        f.run("e4 80 cd 80");
        f.assertInHandler(0x80);
        f.enterUserMode();
        f.run("e4 81 cd 80");
        f.assertInHandler(Cpu.GP);
        assertEquals(CpuFixture.CODE, f.stack(1));
    }

    @Test
    void interruptFlagNeedsIoplInRingThree() {
        f.cpu.setEflags(0x3202);
        f.enterUserMode();
        f.run("fa fb cd 80");
        f.assertInHandler(0x80);
        assertEquals(0x200, f.stack(2) & 0x200, "CLI and STI ran at IOPL 3");
    }

    @Test
    void machineStatusWord() {
        // smsw ebx ; mov eax, 9 ; lmsw ax (sets TS)
        f.exec("0f 01 e3 b8 09 00 00 00 0f 01 f0");
        assertEquals(0x11, f.reg(Register.EBX) & 0xffff);
        assertEquals(0x8, f.cpu.controlRegister(0) & 0x8);
        f.exec("0f 06");
        assertEquals(0, f.cpu.controlRegister(0) & 0x8);
        // LMSW cannot leave protected mode
        f.exec("31 c0 0f 01 f0");
        assertEquals(1, f.cpu.controlRegister(0) & 1);
    }

    @Test
    void segmentChecks() {
        // lar eax, [KERNEL_DATA] ; lsl ebx, SMALL_DATA ; verr USER_CODE ; verw KERNEL_CODE
        f.set(Register.ECX, CpuFixture.KERNEL_DATA);
        f.set(Register.EDX, CpuFixture.SMALL_DATA);
        f.exec("0f 02 c1 0f 03 da");
        assertEquals(0x00c0_9300, f.reg(Register.EAX), "access rights and flags, accessed bit set by the loads");
        assertEquals(0xfff, f.reg(Register.EBX));
        f.set(Register.ECX, CpuFixture.USER_CODE);
        f.exec("0f 00 e1");
        assertEquals(Eflags.ZF, f.cpu.eflags() & Eflags.ZF, "ring 0 may read a readable ring-3 code segment");
        f.set(Register.ECX, CpuFixture.KERNEL_CODE);
        f.exec("0f 00 e9");
        assertEquals(0, f.cpu.eflags() & Eflags.ZF, "code is never writable");
        // arpl: raise the RPL of 0x10 to 3
        f.set(Register.EAX, 0x10);
        f.set(Register.EBX, 0x23);
        f.exec("63 d8");
        assertEquals(0x13, f.reg(Register.EAX) & 0xffff);
    }

    @Test
    void fxsaveAndFxrstorRoundTrip() {
        f.cpu.setControlRegister(4, 0x200);
        f.memory.write(CpuFixture.DATA + 0x100, 8, 0x1111_2222_3333_4444L);
        f.memory.write(CpuFixture.DATA + 0x108, 8, 0x5555_6666_7777_8888L);
        // movdqu xmm3, [DATA+0x100] ; fxsave [DATA+0x200] ; pxor-free: load zeros into xmm3 ; fxrstor ; movdqa [DATA+0x400], xmm3
        f.exec("f3 0f 6f 1d 00 01 04 00 0f ae 05 00 02 04 00 0f 28 1d 00 00 04 00"
                + " 0f ae 0d 00 02 04 00 66 0f 7f 1d 00 04 04 00");
        assertEquals(0x037f, f.read(CpuFixture.DATA + 0x200, 2), "FCW of the FINIT state");
        assertEquals(0x1f80, f.read(CpuFixture.DATA + 0x200 + 24, 4), "MXCSR");
        assertEquals(0x1111_2222_3333_4444L, f.read(CpuFixture.DATA + 0x200 + 160 + 48, 8), "XMM3 in the image");
        assertEquals(0x5555_6666_7777_8888L, f.read(CpuFixture.DATA + 0x408, 8), "XMM3 restored");
    }

    @Test
    void sseNeedsOsfxsrAndAlignment() {
        f.run("0f 28 05 00 00 04 00 f4");
        f.assertInHandler(Cpu.UD);
        f.cpu.setControlRegister(4, 0x200);
        f.run("0f 28 05 04 00 04 00 f4");
        f.assertInHandler(Cpu.GP);
        f.exec("0f 10 05 04 00 04 00");
        f.cpu.setControlRegister(0, f.cpu.controlRegister(0) | 0x8);
        f.run("0f 10 05 04 00 04 00 f4");
        f.assertInHandler(Cpu.NM);
        f.run("0f ae 05 08 00 04 00 f4");
        f.assertInHandler(Cpu.NM);
    }

    @Test
    void x87InstructionsNeedAnFpuThatIsNotThere() {
        f.run("d9 e8 f4");
        f.assertInHandler(Cpu.UD);
        f.cpu.setControlRegister(0, f.cpu.controlRegister(0) | 0x4);
        f.run("d9 e8 f4");
        f.assertInHandler(Cpu.NM);
    }

    @Test
    void leavingProtectedModeShutsDownWithAReason() {
        StopReason reason = f.run("0f 20 c0 83 e0 fe 0f 22 c0 f4");
        assertEquals(StopReason.SHUTDOWN, reason);
        assertTrue(f.cpu.shutdownReason().contains("real mode"), f.cpu.shutdownReason());
    }
}
