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
import org.shadowbench.cpu.internal.CpuCore;
import org.shadowbench.memory.tests.TestScale;

/**
 * Compiled blocks against the general executor: {@link FastPathEquivalenceTest}'s random programs run
 * three times each, on a machine that compiles a block from an instruction the second time it is
 * interpreted, so that the first run decodes, the second compiles and enters blocks half-way through
 * the program, and the third runs it mostly in blocks. After every run registers, EFLAGS, EIP, the
 * stop reason, the instruction count and the data and stack memory must equal those of the general
 * executor's run of the program.
 * Programs write their code area afresh each time, so blocks of the previous program are found stale
 * and compiled again; a small data segment makes some of them fault inside a block. 1500 programs per
 * CI run; {@code -Dshadowbench.test.scale=N} runs N times as many.
 */
class BlockEquivalenceTest {
    private static final int PROGRAMS = 1500;
    private static final int RUNS = 3;

    private final RandomPrograms programs = new RandomPrograms();

    @Test
    void compiledBlocksAndTheGeneralExecutorAgreeOnRandomPrograms() {
        long count = TestScale.steps(PROGRAMS);
        long runSeed = TestScale.seed(0xb10c_4a7eL);
        SplittableRandom random = new SplittableRandom(runSeed);
        CpuFixture blocks = null;
        CpuFixture general = null;
        long blockInstructions = 0;
        long instructions = 0;
        long faultedInBlocks = 0;
        for (long n = 0; n < count; n++) {
            if (n % 500 == 0) {
                if (blocks != null) {
                    blockInstructions += blocks.cpu.statistics().blockInstructions();
                    instructions += blocks.cpu.statistics().instructions();
                }
                blocks = new CpuFixture();
                ((CpuCore) blocks.cpu).setBlockThreshold(2);
                general = new CpuFixture();
                general.cpu.setFastPathEnabled(false);
            }
            boolean smallSegment = random.nextInt(4) == 0;
            String program = programs.program(random);
            long seed = random.nextLong();
            for (int run = 1; run <= RUNS; run++) {
                // Both machines run each program as often, so that what runs leave on the stack is alike.
                long before = general.cpu.instructions();
                StopReason generalStop = RandomPrograms.run(general, program, smallSegment, seed);
                long generalCount = general.cpu.instructions() - before;
                long inBlocksBefore = blocks.cpu.statistics().blockInstructions();
                before = blocks.cpu.instructions();
                StopReason stop = RandomPrograms.run(blocks, program, smallSegment, seed);
                String where = "seed " + runSeed + " program " + n + " run " + run + " ("
                        + (smallSegment ? "small data segment" : "flat") + "): " + program;
                assertEquals(generalStop, stop, "stop reason of " + where);
                assertEquals(generalCount, blocks.cpu.instructions() - before, "instructions retired by " + where);
                assertEquals(general.cpu.eip(), blocks.cpu.eip(), "EIP after " + where);
                assertEquals(general.cpu.eflags(), blocks.cpu.eflags(), "EFLAGS after " + where);
                for (Register r : Register.values()) {
                    assertEquals(general.reg(r), blocks.reg(r), r + " after " + where);
                }
                assertArrayEquals(RandomPrograms.memory(general, CpuFixture.DATA, 0x2000),
                        RandomPrograms.memory(blocks, CpuFixture.DATA, 0x2000), "data after " + where);
                assertArrayEquals(RandomPrograms.memory(general, CpuFixture.STACK - 0x1000, 0x1000),
                        RandomPrograms.memory(blocks, CpuFixture.STACK - 0x1000, 0x1000), "stack after " + where);
                assertEquals(List.of(), blocks.cpu.check(), "the CPU's caches after " + where);
                boolean faulted = blocks.cpu.eip() != CpuFixture.CODE + HexFormat.of().parseHex(program).length + 1;
                if (faulted && blocks.cpu.statistics().blockInstructions() > inBlocksBefore) {
                    faultedInBlocks++;
                }
            }
        }
        blockInstructions += blocks.cpu.statistics().blockInstructions();
        instructions += blocks.cpu.statistics().instructions();
        CpuStatistics last = blocks.cpu.statistics();
        // The machine must really have run most of the third runs in blocks, faults included.
        assertTrue(last.compiledBlocks() > 0, "blocks compiled: " + last);
        assertTrue(blockInstructions > instructions / 4, "instructions in blocks: " + blockInstructions + " of " + instructions);
        assertTrue(faultedInBlocks > 0, "runs ending in an exception that ran in blocks: " + faultedInBlocks);
        System.out.printf("block equivalence: %d programs, %d of %d instructions in blocks%n", count, blockInstructions,
                instructions);
    }
}
