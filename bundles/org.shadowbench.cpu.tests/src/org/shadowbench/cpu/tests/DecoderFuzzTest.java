package org.shadowbench.cpu.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.StopReason;
import org.shadowbench.memory.tests.TestScale;

/**
 * Random instruction bytes from random processor states, one instruction at a time: no Java
 * exception may escape the CPU, encodings the opcode map leaves undefined for this processor's
 * feature set must raise #UD, and simple always-valid forms must not. A million sequences per CI
 * run; {@code -Dshadowbench.test.scale=N} runs N times as many.
 */
class DecoderFuzzTest {
    private static final int ITERATIONS = 1_000_000;
    /** Mode blocks: each runs a share of the iterations in one paging mode and privilege level. */
    private static final int BLOCKS = 12;
    private static final int CODE_PAGE = CpuFixture.CODE;

    private CpuFixture f;
    private final byte[] bytes = new byte[16];
    private final int[] registers = new int[8];
    private int eflags;
    /** Named in every failure, so that a soak run can replay it (docs/TESTING.md). */
    private long seed;

    @Test
    void randomInstructionsNeverEscapeAsJavaExceptions() {
        long total = TestScale.steps(ITERATIONS);
        seed = TestScale.seed(0x5eed_c0deL);
        SplittableRandom random = new SplittableRandom(seed);
        long undefined = 0;
        long shutdowns = 0;
        long replays = 0;
        int block = -1;
        for (long n = 0; n < total; n++) {
            int nextBlock = (int) (n * BLOCKS / total);
            // Random stores land anywhere, tables included: start from a fresh machine every so often.
            if (nextBlock != block || n % 4096 == 0) {
                block = nextBlock;
                f = freshMachine(block);
            }
            random.nextBytes(bytes);
            if (random.nextInt(8) == 0) {
                bytes[0] = 0x0f;
            }
            int offset = random.nextInt(16) == 0 ? 0x1000 - 1 - random.nextInt(15) : random.nextInt(0x1000 - 16);
            int eip = CODE_PAGE + offset;
            randomState(random, block);
            int vector = runOnce(f, eip, block, n);
            if (vector == SHUTDOWN) {
                shutdowns++;
                f = freshMachine(block);
                continue;
            }
            Expectation expectation = (eflags & 0x100) != 0 ? Expectation.UNKNOWN : InvalidEncodings.expectation(bytes);
            boolean contradicts = expectation == Expectation.UNDEFINED ? vector != Cpu.UD
                    : expectation == Expectation.NEVER_FAULTS && vector != NONE;
            if (contradicts) {
                // Earlier random stores may have damaged this machine's tables: judge on a fresh one.
                replays++;
                CpuFixture clean = freshMachine(block);
                int replayed = runOnce(clean, eip, block, n);
                String where = "seed " + seed + " iteration " + n + ": " + HexFormat.ofDelimiter(" ").formatHex(bytes) + " at " + Integer.toHexString(eip) + ", block "
                        + block + ": " + clean.describe();
                if (expectation == Expectation.UNDEFINED) {
                    assertEquals(Cpu.UD, replayed, "not #UD for " + where);
                } else {
                    assertEquals(NONE, replayed, "a fault for " + where);
                }
            }
            if (vector == Cpu.UD) {
                undefined++;
            }
        }
        assertTrue(undefined > total / 100, "a fair share of random sequences is undefined: " + undefined);
        assertNotEquals(total, undefined);
        System.out.printf("decoder fuzz: %d sequences, %d #UD, %d shutdowns, %d replays, seed %#x%n", total, undefined,
                shutdowns, replays, seed);
    }

    private static final int NONE = -1;
    private static final int OTHER = -2;
    private static final int SHUTDOWN = -3;

    /** Runs one instruction of {@link #bytes} with the drawn state; returns the vector delivered, or NONE. */
    private int runOnce(CpuFixture machine, int eip, int block, long iteration) {
        for (Register r : Register.values()) {
            machine.set(r, registers[r.ordinal()]);
        }
        machine.cpu.setEflags(eflags);
        machine.memory.write(eip, bytes, 0, 16);
        machine.cpu.setEip(eip);
        long exceptionsBefore = machine.cpu.statistics().exceptions();
        StopReason reason;
        try {
            reason = machine.cpu.run(1);
        } catch (Throwable e) {
            AssertionError error = new AssertionError(String.format("seed %d iteration %d: %s escaped for %s at %#x (block %d): %s",
                    seed, iteration, e, HexFormat.ofDelimiter(" ").formatHex(bytes), eip, block, machine.describe()));
            error.initCause(e);
            throw error;
        }
        if (reason == StopReason.SHUTDOWN) {
            return SHUTDOWN;
        }
        if (machine.cpu.statistics().exceptions() == exceptionsBefore) {
            return NONE;
        }
        int handler = machine.cpu.eip() - 1 - CpuFixture.HANDLERS;
        boolean inHandler = handler >= 0 && handler < 256 * 16 && handler % 16 == 0 && machine.cpu.cpl() == 0;
        return inHandler ? handler / 16 : OTHER;
    }

    /** A machine in the block's mode: paging off, 32-bit or PAE paging; ring 0 or ring 3. */
    private static CpuFixture freshMachine(int block) {
        CpuFixture machine = new CpuFixture();
        switch (block % 6 / 2) {
            case 1 -> machine.enablePaging32(machine.identityDirectory32());
            case 2 -> machine.enablePaePaging(true);
            default -> {
            }
        }
        if (block % 2 == 1) {
            machine.enterUserMode();
        }
        return machine;
    }

    private void randomState(SplittableRandom random, int block) {
        for (int r = 0; r < 8; r++) {
            registers[r] = switch (random.nextInt(4)) {
                case 0 -> random.nextInt();
                case 1 -> random.nextInt(16);
                case 2 -> CpuFixture.DATA + random.nextInt(0x1000);
                default -> -random.nextInt(16);
            };
        }
        registers[Register.ESP.ordinal()] = (block % 2 == 1 ? CpuFixture.USER_STACK : CpuFixture.STACK)
                - 4 * random.nextInt(64);
        // Arithmetic flags and DF at random, TF now and then; IF off so that only the instruction happens.
        eflags = random.nextInt() & 0x0cd5 | (random.nextInt(32) == 0 ? 0x100 : 0);
    }

    /** What the opcode map says about a byte sequence for this processor. */
    enum Expectation {
        /** Must raise #UD. */
        UNDEFINED,
        /** A register-to-register form that cannot fault. */
        NEVER_FAULTS,
        /** Anything may legitimately happen. */
        UNKNOWN
    }
}
