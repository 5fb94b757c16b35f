package org.shadowbench.cpu.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.StopReason;

/**
 * Hardware task switches between 32-bit TSSs (through IDT task gates, far JMP and CALL, IRET with
 * NT) and the NMI input with its blocking until IRET.
 */
class TaskSwitchTest {
    private static final int TASK_TSS = 0x8000;
    private static final int TASK_CODE = 0x8800;
    private static final int TASK_STACK = 0x60000;
    private static final int TASK_SELECTOR = 0x68;
    private static final int TASK_GATE = 0x70;
    private static final int NT = 0x4000;

    private final CpuFixture f = new CpuFixture();

    @BeforeEach
    void secondTask() {
        f.writeDescriptor(TASK_SELECTOR, TASK_TSS, 0x67, 0x89, 0);
        f.writeGate(CpuFixture.GDT + TASK_GATE, TASK_SELECTOR, 0, 0x85, 0);
        f.memory.write(TASK_TSS + 0x20, 4, TASK_CODE); // EIP
        f.memory.write(TASK_TSS + 0x24, 4, 0x2); // EFLAGS
        f.memory.write(TASK_TSS + 0x38, 4, TASK_STACK); // ESP
        int[] selectors = { CpuFixture.KERNEL_DATA, CpuFixture.KERNEL_CODE, CpuFixture.KERNEL_DATA, CpuFixture.KERNEL_DATA,
                CpuFixture.KERNEL_DATA, CpuFixture.KERNEL_DATA };
        for (int s = 0; s < 6; s++) {
            f.memory.write(TASK_TSS + 0x48 + 4 * s, 2, selectors[s]);
        }
    }

    @AfterEach
    void consistent() {
        f.assertConsistent();
    }

    private int descriptorType(int selector) {
        return (int) (f.read(CpuFixture.GDT + selector + 5, 1) & 0xf);
    }

    private long taskField(int offset) {
        return f.read(TASK_TSS + offset, 4);
    }

    @Test
    void interruptThroughTaskGateRunsAnotherTaskAndIretReturnsToTheFirst() {
        f.writeGate(CpuFixture.IDT + 8 * 0x40, TASK_SELECTOR, 0, 0x85, 0);
        // task: pushf ; pop edx ; mov eax, 0x2222 ; iret ; jmp task
        f.load(TASK_CODE, "9c 5a b8 22 22 00 00 cf eb f6");
        // mov eax, 0x3333 ; int 0x40 ; mov ebx, eax ; str ecx
        f.exec("b8 33 33 00 00 cd 40 89 c3 0f 00 c9");

        assertEquals(0x3333, f.reg(Register.EBX), "the first task's EAX came back with it");
        assertEquals(0x28, f.reg(Register.ECX) & 0xffff, "TR names the first task again");
        assertEquals(0x28, taskField(0x00) & 0xffff, "the handler task's back link");
        assertEquals(NT, taskField(0x30) & NT, "the nested task ran with NT set");
        assertEquals(0x2222, taskField(0x28), "the handler task's EAX was saved when it returned");
        assertEquals(TASK_CODE + 8, taskField(0x20), "and its EIP: after its IRET");
        assertEquals(CpuFixture.CODE + 7, f.read(CpuFixture.TSS + 0x20, 4), "the first task was saved after its INT");
        assertEquals(0, f.cpu.eflags() & NT, "back in the outer task NT is clear");
        assertEquals(0x9, descriptorType(TASK_SELECTOR), "IRET freed the handler task");
        assertEquals(0xb, descriptorType(0x28), "the first task is busy again");
        assertNotEquals(0, f.cpu.controlRegister(0) & 0x8, "CR0.TS is set by a task switch");
    }

    @Test
    void faultThroughTaskGatePushesItsErrorCodeOnTheNewTasksStack() {
        f.writeGate(CpuFixture.IDT + 8 * Cpu.GP, TASK_SELECTOR, 0, 0x85, 0);
        // task: pop eax (the error code) ; str ebx ; hlt
        f.load(TASK_CODE, "58 0f 00 cb f4");
        // mov ax, 0x1000 ; mov ds, ax (beyond the GDT: #GP(0x1000))
        StopReason reason = f.run("66 b8 00 10 8e d8 f4");

        assertEquals(StopReason.HALTED, reason);
        assertEquals(TASK_CODE + 5, f.cpu.eip(), f.describe());
        assertEquals(0x1000, f.reg(Register.EAX), "the error code");
        assertEquals(TASK_STACK, f.reg(Register.ESP), "pushed on the new task's stack");
        assertEquals(TASK_SELECTOR, f.reg(Register.EBX) & 0xffff);
        assertEquals(CpuFixture.CODE + 4, f.read(CpuFixture.TSS + 0x20, 4), "the faulting task restarts at the fault");
        assertEquals(0x1000, f.read(CpuFixture.TSS + 0x28, 4), "its EAX as it was");
    }

    @Test
    void farJumpSwitchesWithoutNestingAndFreesTheTaskLeft() {
        // task: jmp 0x28:0 (back to the first task, which the jump here freed)
        f.load(TASK_CODE, "ea 00 00 00 00 28 00");
        // jmp 0x68:0
        f.exec("ea 00 00 00 00 68 00");

        assertEquals(0, taskField(0x00), "no back link");
        assertEquals(0, f.cpu.eflags() & NT);
        assertEquals(0x9, descriptorType(TASK_SELECTOR), "left by a jump: available");
        assertEquals(0xb, descriptorType(0x28));
    }

    @Test
    void farCallThroughATaskGateNestsAndABusyTaskIsRefused() {
        f.load(TASK_CODE, "cf");
        // call 0x70:0 (the GDT task gate) ; str ecx ; jmp 0x28:0 (the running, busy task)
        f.run("9a 00 00 00 00 70 00 0f 00 c9 ea 00 00 00 00 28 00 f4");

        assertEquals(0x28, f.reg(Register.ECX) & 0xffff, "IRET came back from the called task");
        assertEquals(0x28, taskField(0x00) & 0xffff);
        f.assertInHandler(Cpu.GP);
        assertEquals(0x28, f.stack(0), "#GP names the busy TSS");
        assertEquals(CpuFixture.CODE + 10, f.stack(1), "at the JMP, which did nothing");
    }

    @Test
    void aTssTooSmallIsRefusedBeforeAnythingChanges() {
        f.writeDescriptor(TASK_SELECTOR, TASK_TSS, 0x20, 0x89, 0);
        f.set(Register.EAX, 0x5555);
        f.run("ea 00 00 00 00 68 00 f4");

        f.assertInHandler(Cpu.TS);
        assertEquals(TASK_SELECTOR, f.stack(0));
        assertEquals(0x9, descriptorType(TASK_SELECTOR), "not marked busy");
        assertEquals(0, f.read(CpuFixture.TSS + 0x28, 4), "the running task was not saved");
    }

    @Test
    void nmiIgnoresIfAndIsBlockedUntilIret() {
        f.onPortWrite(0x90, () -> f.interrupts.raiseNmi());
        // NMI handler: inc ecx ; cmp ecx, 1 ; jne done ; out 0x90, al (another NMI) ; mov ebx, ecx ; done: iret
        f.handler(Cpu.NMI, "41 83 f9 01 75 04 e6 90 89 cb cf");
        // cli ; xor ecx, ecx ; xor ebx, ebx ; out 0x90, al ; mov edx, ecx
        f.exec("fa 31 c9 31 db e6 90 89 ca");

        assertEquals(1, f.reg(Register.EBX), "the NMI raised inside the handler waited for its IRET");
        assertEquals(2, f.reg(Register.EDX), "and was taken right after it, before the next instruction");
        assertFalse(f.interrupts.nmiPending());
        assertEquals(0, f.cpu.eflags() & 0x200, "IF stayed clear");
    }
}
