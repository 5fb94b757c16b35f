package org.shadowbench.cpu.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.SegmentRegister;
import org.shadowbench.cpu.StopReason;

/**
 * Delivery of exceptions and interrupts: vectors, error codes, the frame in ring 0 and from ring 3
 * through the TSS, double and triple faults, single-stepping and the interrupt line.
 */
class ExceptionTest {
    private final CpuFixture f = new CpuFixture();

    @AfterEach
    void consistent() {
        f.assertConsistent();
    }

    @Test
    void invalidOpcodes() {
        for (String code : new String[] { "0f 0b", "0f ff", "ff ff", "fe d0", "8f c8", "c6 c8 00", "0f 01 f8", "0f 37" }) {
            int esp = f.reg(Register.ESP);
            f.run(code + " f4");
            f.assertInHandler(Cpu.UD);
            assertEquals(CpuFixture.CODE, f.stack(0), code + ": #UD is a fault");
            assertEquals(esp - 12, f.reg(Register.ESP), code + ": no error code");
            f.set(Register.ESP, esp);
        }
    }

    @Test
    void faultInRingZeroPushesFrameWithErrorCodeOnTheSameStack() {
        int esp = f.reg(Register.ESP);
        f.cpu.setEflags(0x246);
        // mov ss, CODE selector -> #GP(8)
        f.run("66 b8 08 00 8e d0");
        f.assertInHandler(Cpu.GP);
        assertEquals(esp - 16, f.reg(Register.ESP));
        assertEquals(0x08, f.stack(0), "error code");
        assertEquals(CpuFixture.CODE + 4, f.stack(1), "EIP of the faulting MOV");
        assertEquals(CpuFixture.KERNEL_CODE, f.stack(2));
        assertEquals(0x246, f.stack(3) & 0xfff, "EFLAGS before delivery");
        assertEquals(0, f.cpu.eflags() & Eflags.IF, "the interrupt gate cleared IF");
    }

    @Test
    void faultInRingThreeSwitchesToTheTssStack() {
        f.enterUserMode();
        f.cpu.setEflags(0x202);
        // cli at IOPL 0 -> #GP(0)
        f.run("90 fa");
        f.assertInHandler(Cpu.GP);
        assertEquals(0, f.cpu.cpl());
        assertEquals(CpuFixture.KERNEL_STACK - 24, f.reg(Register.ESP));
        assertEquals(0, f.stack(0), "error code");
        assertEquals(CpuFixture.CODE + 1, f.stack(1));
        assertEquals(CpuFixture.USER_CODE, f.stack(2));
        assertEquals(0x202, f.stack(3) & 0xfff);
        assertEquals(CpuFixture.USER_STACK, f.stack(4));
        assertEquals(CpuFixture.USER_DATA, f.stack(5));
        assertEquals(CpuFixture.KERNEL_DATA, f.cpu.segmentSelector(SegmentRegister.SS));
    }

    @Test
    void stackFaultInRingThree() {
        f.enterUserMode();
        // mov ax, USER_SMALL_DATA ; mov ss, ax ; mov esp, 0x2000 ; push eax -> #SS(0)
        f.run("66 b8 63 00 8e d0 bc 00 20 00 00 50");
        f.assertInHandler(Cpu.SS);
        assertEquals(0, f.stack(0));
        assertEquals(CpuFixture.CODE + 11, f.stack(1), "the PUSH");
        assertEquals(0x2000, f.stack(4), "ESP unchanged by the faulting push");
        assertEquals(CpuFixture.USER_SMALL_DATA, f.stack(5));
    }

    @Test
    void segmentLimitViolationIsAGeneralProtectionFault() {
        // mov ax, SMALL_DATA ; mov ds, ax ; mov eax, [0xffe] -> crosses the 0xfff limit
        f.run("66 b8 38 00 8e d8 a1 fe 0f 00 00 f4");
        f.assertInHandler(Cpu.GP);
        assertEquals(0, f.stack(0));
        // an expand-down segment: offsets at or below the limit fault, above it are fine
        f.exec("66 b8 40 00 8e d8 a1 00 10 00 00");
        f.run("66 b8 40 00 8e d8 a1 00 08 00 00 f4");
        f.assertInHandler(Cpu.GP);
    }

    @Test
    void notPresentGateRaisesSegmentNotPresent() {
        f.memory.write(CpuFixture.IDT + 0x41 * 8 + 5, 1, 0x0e);
        f.run("cd 41");
        f.assertInHandler(Cpu.NP);
        assertEquals(0x41 * 8 + 2, f.stack(0));
    }

    @Test
    void faultWhileDeliveringAFaultIsADoubleFault() {
        // the #GP gate is not present: #GP, then #NP for its gate (both contributory) -> #DF(0)
        f.memory.write(CpuFixture.IDT + Cpu.GP * 8 + 5, 1, 0x0e);
        f.run("66 b8 08 00 8e d0");
        f.assertInHandler(Cpu.DF);
        assertEquals(0, f.stack(0), "#DF pushes a zero error code");
        assertEquals(CpuFixture.CODE + 4, f.stack(1));
    }

    @Test
    void benignExceptionFollowedByAContributoryOneIsNotADoubleFault() {
        // #UD whose gate is not present: #NP is delivered plainly
        f.memory.write(CpuFixture.IDT + Cpu.UD * 8 + 5, 1, 0x0e);
        f.run("0f 0b");
        f.assertInHandler(Cpu.NP);
        assertEquals(Cpu.UD * 8 + 2 + 1, f.stack(0), "IDT error code with EXT set");
    }

    @Test
    void tripleFaultShutsDown() {
        f.cpu.loadDescriptorTables(CpuFixture.GDT, CpuFixture.GDT_LIMIT, CpuFixture.IDT, 0);
        StopReason reason = f.run("0f 0b");
        assertEquals(StopReason.SHUTDOWN, reason);
        assertTrue(f.cpu.shutdownReason().contains("triple fault"), f.cpu.shutdownReason());
    }

    @Test
    void overlongInstructionFaults() {
        f.run("66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90");
        f.assertInHandler(Cpu.GP);
        assertEquals(0, f.stack(0));
        f.exec("66 66 66 66 66 66 66 66 66 66 66 66 66 66 90");
    }

    @Test
    void singleStepTrapsAfterEachInstruction() {
        // pushf ; or dword [esp], TF ; popf ; nop -> #DB after the NOP (TF takes effect after POPF)
        f.run("9c 81 0c 24 00 01 00 00 9d 90 90");
        f.assertInHandler(Cpu.DB);
        assertEquals(CpuFixture.CODE + 10, f.stack(0), "EIP after the first instruction run with TF set");
        assertEquals(0, f.cpu.eflags() & Eflags.TF, "delivery clears TF");
    }

    @Test
    void externalInterruptIsDeliveredBetweenInstructions() {
        f.cpu.setEflags(0x202);
        f.interrupts.raise(0x30);
        f.run("90 90 f4");
        f.assertInHandler(0x30);
        assertEquals(CpuFixture.CODE, f.stack(0), "delivered before the first instruction");
        assertEquals(1, f.cpu.statistics().interrupts());
    }

    @Test
    void interruptsWaitWhileIfIsClear() {
        f.cpu.setEflags(0x2);
        f.interrupts.raise(0x30);
        f.exec("90 90");
        assertTrue(f.interrupts.hasInterrupt());
    }

    @Test
    void stiDelaysInterruptsByOneInstruction() {
        f.interrupts.raise(0x30);
        f.run("fb 90 f4");
        f.assertInHandler(0x30);
        assertEquals(CpuFixture.CODE + 2, f.stack(0), "the instruction after STI ran first");
    }

    // MOV AX, imm16 (66 B8) runs in the general executor without ending a burst of instructions: the
    // instructions that can make an interrupt deliverable must end it, or the interrupt would wait for HLT.

    @Test
    void anInterruptWaitingForIfComesRightAfterThePopfThatSetsIt() {
        f.cpu.setEflags(0x2);
        f.interrupts.raise(0x30);
        // mov ax, 1 ; push 0x202 ; popf ; mov ax, 2 ; hlt
        f.run("66 b8 01 00 68 02 02 00 00 9d 66 b8 02 00 f4");
        f.assertInHandler(0x30);
        assertEquals(CpuFixture.CODE + 10, f.stack(0), "delivered right after POPF");
        assertEquals(1, f.reg(Register.EAX) & 0xffff);
    }

    @Test
    void anInterruptWaitingForIfComesRightAfterTheIretThatSetsIt() {
        f.cpu.setEflags(0x2);
        f.interrupts.raise(0x30);
        int target = CpuFixture.CODE + 16;
        // mov ax, 1 ; push 0x202 ; push cs ; push target ; iret ; (target:) mov ax, 2 ; hlt
        f.run("66 b8 01 00 68 02 02 00 00 0e 68 " + littleEndian(target) + " cf 66 b8 02 00 f4");
        f.assertInHandler(0x30);
        assertEquals(target, f.stack(0), "delivered right after IRET");
        assertEquals(1, f.reg(Register.EAX) & 0xffff);
    }

    @Test
    void anInterruptADeviceRaisesOnAPortWriteComesRightAfterTheOut() {
        f.onPortWrite(0x80, () -> f.interrupts.raise(0x31));
        f.cpu.setEflags(0x202);
        // mov ax, 1 ; out 0x80, al ; mov ax, 2 ; hlt
        f.run("66 b8 01 00 e6 80 66 b8 02 00 f4");
        f.assertInHandler(0x31);
        assertEquals(CpuFixture.CODE + 6, f.stack(0), "delivered right after OUT");
        assertEquals(1, f.reg(Register.EAX) & 0xffff);
    }

    private static String littleEndian(int value) {
        return String.format("%02x %02x %02x %02x", value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24);
    }

    @Test
    void interruptWakesAHaltedCpu() {
        f.cpu.setEflags(0x202);
        assertEquals(StopReason.HALTED, f.run("f4"));
        assertTrue(f.cpu.halted());
        assertEquals(StopReason.HALTED, f.cpu.run(100), "nothing to wake it");
        f.interrupts.raise(0x31);
        f.cpu.run(100);
        f.assertInHandler(0x31);
        assertEquals(CpuFixture.CODE + 1, f.stack(0), "the interrupted HLT had completed");
    }

    @Test
    void interruptFromRingThreeUsesTheTssStack() {
        f.enterUserMode();
        f.cpu.setEflags(0x202);
        f.interrupts.raise(0x32);
        f.run("90");
        f.assertInHandler(0x32);
        assertEquals(CpuFixture.KERNEL_STACK - 20, f.reg(Register.ESP), "no error code for an interrupt");
        assertEquals(CpuFixture.USER_CODE, f.stack(1));
    }

    @Test
    void breakpointsStopBeforeTheInstructionAndResume() {
        f.cpu.addBreakpoint(CpuFixture.CODE + 1);
        f.load(CpuFixture.CODE, "40 40 40 f4");
        f.cpu.setEip(CpuFixture.CODE);
        assertEquals(StopReason.BREAKPOINT, f.cpu.run(100));
        assertEquals(CpuFixture.CODE + 1, f.cpu.eip());
        assertEquals(1, f.reg(Register.EAX) - 0x28);
        assertEquals(StopReason.HALTED, f.cpu.run(100));
        assertEquals(3, f.reg(Register.EAX) - 0x28);
        assertEquals(CpuFixture.CODE + 4, f.cpu.eip());
        f.cpu.removeBreakpoint(CpuFixture.CODE + 1);
        f.cpu.setEip(CpuFixture.CODE);
        assertEquals(StopReason.HALTED, f.cpu.run(100), "removed breakpoints no longer stop");
    }

    @Test
    void requestStopEndsTheRun() {
        f.load(CpuFixture.CODE, "eb fe");
        f.cpu.setEip(CpuFixture.CODE);
        assertEquals(StopReason.INSTRUCTION_LIMIT, f.cpu.run(1000));
        f.cpu.requestStop();
        // a request made before run() is dropped: run() starts fresh
        assertEquals(StopReason.INSTRUCTION_LIMIT, f.cpu.run(10));
    }
}
