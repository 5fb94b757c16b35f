package org.shadowbench.cpu.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.SegmentRegister;

/** Jumps, calls, returns, loops, far transfers with call gates, software interrupts and IRET. */
class ControlFlowTest {
    private final CpuFixture f = new CpuFixture();

    @AfterEach
    void consistent() {
        f.assertConsistent();
    }

    @Test
    void aRunStopsAtItsInstructionLimitBetweenACounterAndItsJcc() {
        // dec ecx ; jnz back: the pair runs together in bursts, yet a run of an odd count ends between them.
        f.load(CpuFixture.CODE, "49 75 fd");
        f.set(Register.ECX, 100);
        f.cpu.setEip(CpuFixture.CODE);
        for (int run = 0; run < 4; run++) {
            long before = f.cpu.instructions();
            f.cpu.run(3 + 2 * run);
            assertEquals(3 + 2 * run, f.cpu.instructions() - before, "instructions of run " + run);
            assertEquals(CpuFixture.CODE + 1 - (run & 1), f.cpu.eip(), "EIP after run " + run);
        }
        assertEquals(100 - 12, f.reg(Register.ECX), "one DEC in every two of the 24 instructions");
    }

    @Test
    void aJccRunWithTheCompareBeforeItFaultsOnItsOwnWhenItsTargetPassesTheCodeLimit() {
        // A 32-bit code segment ending at 0x10fff. nop ; nop ; cmp eax, eax ; je 0x20000: the compare and
        // the Jcc run together in a burst, but the target is beyond the limit, so the compare completes
        // and the Jcc raises #GP with its own address.
        f.writeDescriptor(0x68, 0, 0x10fff, 0x9a, 0x4);
        f.load(CpuFixture.CODE, "90 90 39 c0 0f 84 f6 ff 00 00");
        f.cpu.loadSegment(SegmentRegister.CS, 0x68);
        f.cpu.setEip(CpuFixture.CODE);
        f.cpu.run(100);
        f.assertInHandler(Cpu.GP);
        assertEquals(CpuFixture.CODE + 4, f.stack(1), "the fault's EIP is the Jcc's");
        assertEquals(0x68, f.stack(2), "the fault's CS");
    }

    @Test
    void conditionalJumps() {
        f.set(Register.EAX, 1);
        f.set(Register.EBX, 2);
        // cmp eax, ebx ; jl +2 ; mov cl, 1 ; jg +2 (rel32 form) ; mov dl, 1
        f.exec("39 d8 7c 02 b1 01 0f 8f 02 00 00 00 b2 01");
        assertEquals(0, f.reg(Register.ECX) & 0xff, "JL taken");
        assertEquals(1, f.reg(Register.EDX) & 0xff, "JG not taken");
    }

    @Test
    void loops() {
        // mov ecx, 5 ; xor eax, eax ; L: inc eax ; loop L
        f.exec("b9 05 00 00 00 31 c0 40 e2 fd");
        assertEquals(5, f.reg(Register.EAX));
        assertEquals(0, f.reg(Register.ECX));
        // mov ecx, 10 ; xor eax, eax ; L: inc eax ; cmp eax, 3 ; loopne L  -> stops when eax == 3
        f.exec("b9 0a 00 00 00 31 c0 40 83 f8 03 e0 fa");
        assertEquals(3, f.reg(Register.EAX));
        assertEquals(7, f.reg(Register.ECX));
        // xor ecx, ecx ; jecxz +5 ; mov eax, 9
        f.exec("31 c9 e3 05 b8 09 00 00 00");
        assertEquals(3, f.reg(Register.EAX), "JECXZ jumped over the MOV");
    }

    @Test
    void nearCallAndReturn() {
        int esp = f.reg(Register.ESP);
        // call +7 ; mov ebx, 2 ; jmp +6 ; mov eax, 1 ; ret
        f.exec("e8 07 00 00 00 bb 02 00 00 00 eb 06 b8 01 00 00 00 c3");
        assertEquals(1, f.reg(Register.EAX));
        assertEquals(2, f.reg(Register.EBX));
        assertEquals(esp, f.reg(Register.ESP));
        assertEquals(CpuFixture.CODE + 5, (int) f.read(esp - 4, 4), "the return address pushed");
    }

    @Test
    void returnReleasesParameters() {
        int esp = f.reg(Register.ESP);
        // push 1 ; push 2 ; call +2 ; jmp +3 ; ret 8
        f.exec("6a 01 6a 02 e8 02 00 00 00 eb 03 c2 08 00");
        assertEquals(esp, f.reg(Register.ESP));
    }

    @Test
    void indirectJumpsAndCalls() {
        f.memory.write(CpuFixture.DATA, 4, CpuFixture.CODE + 16);
        f.set(Register.EAX, CpuFixture.CODE + 8);
        // 0: jmp eax | 2: mov ebx, 1 | 7: nop | 8: call [DATA] | 14: jmp +1 | 16: ret | 17: hlt
        f.exec("ff e0 bb 01 00 00 00 90 ff 15 00 00 04 00 eb 01 c3");
        assertEquals(0, f.reg(Register.EBX), "the indirect jump skipped the MOV");
    }

    @Test
    void farJumpAndFarCallWithinRingZero() {
        // jmp far 0x08:CODE+8 over a HLT ; call far 0x08:CODE+32, whose code returns with RETF
        f.load(CpuFixture.CODE + 32, "b8 33 00 00 00 cb");
        int esp = f.reg(Register.ESP);
        f.exec("ea 08 00 01 00 08 00 f4 9a 20 00 01 00 08 00");
        assertEquals(0x33, f.reg(Register.EAX));
        assertEquals(esp, f.reg(Register.ESP));
        assertEquals(CpuFixture.KERNEL_CODE, (int) f.read(esp - 4, 4), "CS pushed by the far call");
    }

    @Test
    void farJumpToAbsentSegmentFaults() {
        f.run("ea 00 00 00 00 50 00 f4");
        f.assertInHandler(Cpu.NP);
        assertEquals(CpuFixture.ABSENT_CODE, f.stack(0));
    }

    @Test
    void farJumpToUserCodeFromRingZeroFaults() {
        // a non-conforming code segment of another privilege cannot be jumped to
        f.run("ea 00 00 00 00 1b 00 f4");
        f.assertInHandler(Cpu.GP);
        assertEquals(CpuFixture.USER_CODE & 0xfffc, f.stack(0));
    }

    @Test
    void callGateFromRingThreeSwitchesStackAndCopiesParameters() {
        f.enterUserMode();
        f.load(CpuFixture.GATE_TARGET, "f4");
        // push 0x1234 ; call far CALL_GATE:0
        f.run("68 34 12 00 00 9a 00 00 00 00 4b 00");
        assertEquals(0, f.cpu.cpl());
        assertEquals(CpuFixture.GATE_TARGET + 1, f.cpu.eip());
        assertEquals(CpuFixture.KERNEL_STACK - 20, f.reg(Register.ESP));
        assertEquals(CpuFixture.CODE + 12, f.stack(0), "return EIP");
        assertEquals(CpuFixture.USER_CODE, f.stack(1));
        assertEquals(0x1234, f.stack(2), "the parameter was copied");
        assertEquals(CpuFixture.USER_STACK - 4, f.stack(3), "caller ESP");
        assertEquals(CpuFixture.USER_DATA, f.stack(4), "caller SS");
        assertEquals(CpuFixture.KERNEL_DATA, f.cpu.segmentSelector(SegmentRegister.SS));
    }

    @Test
    void farReturnToRingThreeRestoresTheCallersStack() {
        f.enterUserMode();
        // the gate target returns with RETF 4, releasing the copied parameter on both stacks
        f.load(CpuFixture.GATE_TARGET, "ca 04 00");
        f.run("68 34 12 00 00 9a 00 00 00 00 4b 00 cd 80");
        f.assertInHandler(0x80);
        assertEquals(CpuFixture.USER_STACK, f.stack(3), "ring-3 ESP after RETF 4");
        assertEquals(CpuFixture.USER_CODE, f.stack(1));
    }

    @Test
    void softwareInterruptAndIretAtTheSamePrivilege() {
        f.handler(0x40, "b8 77 00 00 00 cf");
        int esp = f.reg(Register.ESP);
        f.cpu.setEflags(0x202);
        f.exec("cd 40");
        assertEquals(0x77, f.reg(Register.EAX));
        assertEquals(esp, f.reg(Register.ESP));
        assertEquals(0x200, f.cpu.eflags() & 0x200, "IRET restored IF, cleared by the interrupt gate");
    }

    @Test
    void interruptFromRingThreeAndIretBack() {
        f.enterUserMode();
        f.handler(0x81, "cf");
        f.run("cd 81 b8 05 00 00 00 cd 80");
        f.assertInHandler(0x80);
        assertEquals(5, f.reg(Register.EAX), "ring 3 resumed after IRET");
        assertEquals(CpuFixture.USER_STACK, f.stack(3));
        assertEquals(CpuFixture.USER_DATA, f.stack(4));
    }

    @Test
    void softwareInterruptThroughAPrivilegedGateFaults() {
        f.enterUserMode();
        f.run("cd 40");
        f.assertInHandler(Cpu.GP);
        assertEquals(0x40 * 8 + 2, f.stack(0), "IDT error code, EXT clear for INT n");
        assertEquals(CpuFixture.CODE, f.stack(1));
    }

    @Test
    void int3AndIntoAreTraps() {
        f.run("cc");
        f.assertInHandler(Cpu.BP);
        assertEquals(CpuFixture.CODE + 1, f.stack(0));
        // mov al, 0x7f ; add al, 1 ; into
        f.run("b0 7f 04 01 ce");
        f.assertInHandler(Cpu.OF);
        assertEquals(CpuFixture.CODE + 5, f.stack(0));
    }

    @Test
    void intoWithoutOverflowDoesNothing() {
        f.exec("31 c0 ce");
    }

    @Test
    void boundRaisesRangeExceeded() {
        f.memory.write(CpuFixture.DATA, 4, 10);
        f.memory.write(CpuFixture.DATA + 4, 4, 20);
        f.set(Register.EAX, 20);
        f.exec("62 05 00 00 04 00");
        f.set(Register.EAX, 21);
        f.run("62 05 00 00 04 00 f4");
        f.assertInHandler(Cpu.BR);
        assertEquals(CpuFixture.CODE, f.stack(0), "#BR is a fault");
    }
}
