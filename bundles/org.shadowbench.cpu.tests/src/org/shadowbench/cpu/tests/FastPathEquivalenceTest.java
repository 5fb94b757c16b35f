package org.shadowbench.cpu.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.CpuStatistics;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.StopReason;
import org.shadowbench.memory.tests.TestScale;

/**
 * The interpreter's fast path against the general executor: random programs made mostly of the
 * shapes the fast path handles (ALU operations on registers and memory, byte compares and tests,
 * MOV, LEA, MOVZX, MOVSX, IMUL, shifts, INC/DEC, PUSH/POP, CALL, RET, Jcc and JMP over the next
 * instruction, PUSHF, LEAVE, single MOVS, CLI, XCHG with memory, LOCK-prefixed read-modify-writes,
 * PAUSE, and REP MOVS/STOS, which the fast path copies a page at a time), mixed with
 * instructions only the general executor runs (ADC, SBB, rotates, NEG, SETcc, operand-size
 * prefixes) so that every kind of lazily kept flags meets every condition, run on two identical
 * machines, one with the fast path and one without (which also derives every condition from the
 * flags rather than comparing operands). Registers, EFLAGS, EIP, the stop reason and the data and
 * stack memory must come out identical. Some programs run with a data segment whose limit makes
 * accesses fault, so faults are compared too. 3000 programs per CI run;
 * {@code -Dshadowbench.test.scale=N} runs N times as many.
 */
class FastPathEquivalenceTest {
    private static final int PROGRAMS = 3000;

    private final RandomPrograms generator = new RandomPrograms();
    private static final Register[] REGISTERS = { Register.EAX, Register.ECX, Register.EDX, Register.EBX,
            Register.ESP, Register.EBP, Register.ESI, Register.EDI };

    @Test
    void fastPathAndGeneralExecutorAgreeOnRandomPrograms() {
        long programs = TestScale.steps(PROGRAMS);
        long runSeed = TestScale.seed(0xfa57_9a7aL);
        SplittableRandom random = new SplittableRandom(runSeed);
        CpuFixture fast = null;
        CpuFixture general = null;
        long faulted = 0;
        long instructions = 0;
        long generalInstructions = 0;
        for (long n = 0; n < programs; n++) {
            if (n % 500 == 0) {
                // Fresh machines now and then, in case a program's stores reached the descriptor tables.
                if (fast != null) {
                    instructions += fast.cpu.statistics().instructions();
                    generalInstructions += fast.cpu.statistics().generalInstructions();
                    assertGeneralOnly(general);
                }
                fast = new CpuFixture();
                general = new CpuFixture();
                general.cpu.setFastPathEnabled(false);
            }
            boolean smallSegment = random.nextInt(4) == 0;
            String program = generator.program(random);
            long seed = random.nextLong();
            StopReason fastStop = RandomPrograms.run(fast, program, smallSegment, seed);
            StopReason generalStop = RandomPrograms.run(general, program, smallSegment, seed);
            String where = "seed " + runSeed + " program " + n + " (" + (smallSegment ? "small data segment" : "flat") + "): " + program;
            assertEquals(generalStop, fastStop, "stop reason of " + where);
            assertEquals(general.cpu.eip(), fast.cpu.eip(), "EIP after " + where);
            assertEquals(general.cpu.eflags(), fast.cpu.eflags(), "EFLAGS after " + where);
            for (Register r : REGISTERS) {
                assertEquals(general.reg(r), fast.reg(r), r + " after " + where);
            }
            assertArrayEquals(RandomPrograms.memory(general, CpuFixture.DATA, 0x2000), RandomPrograms.memory(fast, CpuFixture.DATA, 0x2000),
                    "data after " + where);
            assertArrayEquals(RandomPrograms.memory(general, CpuFixture.STACK - 0x1000, 0x1000),
                    RandomPrograms.memory(fast, CpuFixture.STACK - 0x1000, 0x1000), "stack after " + where);
            assertEquals(List.of(), fast.cpu.check(), "the CPU's caches after " + where);
            if (fast.cpu.eip() != CpuFixture.CODE + HexFormat.of().parseHex(program).length + 1) {
                faulted++;
            }
        }
        // Both kinds of outcome must have been compared, and the machines must really have run each way.
        assertTrue(faulted > 0 && faulted < programs, "programs ending in an exception: " + faulted + " of " + programs);
        instructions += fast.cpu.statistics().instructions();
        generalInstructions += fast.cpu.statistics().generalInstructions();
        assertTrue(generalInstructions < instructions / 2, "general executor on the fast machine: " + generalInstructions
                + " of " + instructions);
        assertGeneralOnly(general);
        System.out.printf("fast path equivalence: %d programs, %d ended in an exception%n", programs, faulted);
    }

    private static void assertGeneralOnly(CpuFixture general) {
        CpuStatistics counts = general.cpu.statistics();
        assertTrue(counts.generalInstructions() >= counts.instructions(), "general only: " + counts);
    }

}
