package org.shadowbench.cpu.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shadowbench.memory.tests.Internals.field;
import static org.shadowbench.memory.tests.Internals.invoke;
import static org.shadowbench.memory.tests.Internals.setField;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.SegmentRegister;
import org.shadowbench.cpu.StopReason;
import org.shadowbench.cpu.internal.CpuCore;

/**
 * Compiled blocks in the situations the run loop watches between instructions: an exception raised by
 * an instruction in the middle of a block, a store that rewrites the block's own later bytes, a
 * patched jump the block followed to its old target, and a patched operand the block holds as a constant. Each
 * runs on a machine that compiles blocks early and on one with the general executor only, which must
 * end identically, besides the architectural result asserted here.
 */
class BlockTest {
    private final CpuFixture blocks = new CpuFixture();
    private final CpuFixture general = new CpuFixture();

    BlockTest() {
        ((CpuCore) blocks.cpu).setBlockThreshold(2);
        general.cpu.setFastPathEnabled(false);
    }

    @Test
    void anExceptionInsideABlockIsRaisedByItsOwnInstruction() {
        // A loop of six instructions loads [esi + ecx*4] through a data segment with a limit of 0xfff: the
        // eleventh pass, well after the loop became a block, runs past the limit at its third instruction.
        String code = "31 c0 31 d2 31 c9" // xor eax, eax ; xor edx, edx ; xor ecx, ecx
                + " 40 42 8b 1c 8e 41 83 f9 14 75 f5"; // loop: inc eax ; inc edx ; mov ebx, [esi+ecx*4] ; inc ecx ; cmp ecx, 20 ; jne loop
        for (CpuFixture f : new CpuFixture[] { blocks, general }) {
            f.cpu.loadSegment(SegmentRegister.DS, CpuFixture.SMALL_DATA);
            f.set(Register.ESI, 0xfd8);
            assertEquals(StopReason.HALTED, f.run(code + " f4"));
            f.assertInHandler(Cpu.GP);
            assertEquals(CpuFixture.CODE + 8, f.stack(1), "EIP of the #GP: the load's");
            assertEquals(11, f.reg(Register.EAX));
            assertEquals(11, f.reg(Register.EDX));
            assertEquals(10, f.reg(Register.ECX));
        }
        assertSameEnd();
    }

    @Test
    void aStoreIntoTheBlockItRunsInTakesEffectAtTheNextInstruction() {
        // Each pass stores ECX as the immediate of the MOV right after the store, in the same block.
        String code = "b9 e8 03 00 00 31 db" // mov ecx, 1000 ; xor ebx, ebx
                + " 89 0d 0e 00 01 00" // loop: mov [CODE + 14], ecx
                + " b8 00 00 00 00 01 c3 49 75 f0"; // mov eax, 0 (patched) ; add ebx, eax ; dec ecx ; jnz loop
        for (CpuFixture f : new CpuFixture[] { blocks, general }) {
            f.exec(code);
            assertEquals(1000 * 1001 / 2, f.reg(Register.EBX));
        }
        assertSameEnd();
    }

    @Test
    void aJumpTheBlockFollowedGoesElsewhereOnceItsDisplacementIsPatched() {
        // The loop's block follows its JMP at J to A. When ECX reaches 51 the JMP's displacement is patched
        // from 1 to 0 and J is entered directly, so that it is decoded anew there (its recorded bytes now the
        // patched ones). From then on every pass must also run B: the block entered at the loop again must
        // not go on at A, though each of its instructions is the entry it was compiled from, over bytes that
        // match.
        String code = "b9 64 00 00 00 31 c0 31 db 31 d2" // mov ecx, 100 ; xor eax, eax ; xor ebx, ebx ; xor edx, edx
                + " 42 eb 01 43 40" // loop (11): inc edx ; J: jmp A ; B: inc ebx ; A: inc eax
                + " 83 f9 33 75 0a" // cmp ecx, 51 ; jne skip
                + " c6 05 0d 00 01 00 00 49 eb ed" // mov byte [J + 1], 0 ; dec ecx ; jmp J
                + " 49 75 e9"; // skip: dec ecx ; jnz loop
        runPatchedLoop(code, 50);
    }

    @Test
    void anOperandTheBlockHoldsAsAConstantChangesOnceItsBytesArePatched() {
        // The loop's block holds P's immediate as a constant. When ECX reaches 51 the immediate is patched
        // from 1 to 2 and P is entered directly, so that it is decoded anew there with the same operation
        // and length. The block entered at the loop again must add 2 from then on.
        String code = "b9 64 00 00 00 31 c0 31 db 31 d2" // mov ecx, 100 ; xor eax, eax ; xor ebx, ebx ; xor edx, edx
                + " 42 be 01 00 00 00 01 f3 40" // loop (11): inc edx ; P: mov esi, 1 ; add ebx, esi ; inc eax
                + " 83 f9 33 75 0a" // cmp ecx, 51 ; jne skip
                + " c6 05 0d 00 01 00 02 49 eb e9" // mov byte [P + 1], 2 ; dec ecx ; jmp P
                + " 49 75 e5"; // skip: dec ecx ; jnz loop
        runPatchedLoop(code, 50 * 1 + 50 * 2);
    }

    @Test
    void aLoopRunningInsideItsBlockStopsExactlyAtTheRunsLimit() {
        // The loop's block branches back to its own head: run in slices of 1 to 23 instructions, it must
        // stop where the general executor does after each slice, between passes or in the middle of one.
        String code = "b9 e8 03 00 00 31 c0 31 db" // mov ecx, 1000 ; xor eax, eax ; xor ebx, ebx
                + " 40 01 c3 83 fb 00 74 01 43 49 75 f4 f4"; // loop: inc eax ; add ebx, eax ; cmp ebx, 0 ; je +1 ; inc ebx ; dec ecx ; jnz loop ; hlt
        for (CpuFixture f : new CpuFixture[] { blocks, general }) {
            f.load(CpuFixture.CODE, code);
            f.cpu.setEip(CpuFixture.CODE);
        }
        int slice = 1;
        StopReason stop;
        do {
            stop = blocks.cpu.run(slice);
            assertEquals(general.cpu.run(slice), stop, "stop reason");
            assertEquals(general.cpu.instructions(), blocks.cpu.instructions(), "instructions after a slice of " + slice);
            assertEquals(general.cpu.eip(), blocks.cpu.eip(), "EIP after a slice of " + slice);
            assertEquals(general.reg(Register.EBX), blocks.reg(Register.EBX), "EBX after a slice of " + slice);
            slice = slice % 23 + 1;
        } while (stop == StopReason.INSTRUCTION_LIMIT);
        assertEquals(StopReason.HALTED, stop);
        assertEquals(1000, blocks.reg(Register.EAX));
        assertSameEnd();
        // Unsliced, the thousand passes take a handful of block runs (one per burst of the run loop).
        long runsBefore = blocks.cpu.statistics().blockRuns();
        for (CpuFixture f : new CpuFixture[] { blocks, general }) {
            f.exec(code.substring(0, code.length() - 3));
        }
        assertTrue(blocks.cpu.statistics().blockRuns() - runsBefore < 20, "block runs for 1000 passes: " + blocks.cpu.statistics());
        assertSameEnd();
    }

    @Test
    void everyConditionAfterEveryFlagSettingFormAgreesWithTheGeneralExecutor() {
        // Compiled blocks test a fused Jcc's condition with the constant condition code folded into one host
        // comparison; the interpreter derives the flags. A loop runs the operation on 32 pairs of EAX and EBX
        // (all pairs of five edge values, then seven more) and shifts each outcome of the Jcc into EDI.
        int[] edges = { 0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE };
        int[] more = { 5, 7, 7, 5, -5, 3, 0x80, 0x7f, -1, 0x7fffffff, 0x8000_0000, 0, 0x1234_5678, 0x1234_5678 };
        int pairs = 0;
        for (int a : edges) {
            for (int b : edges) {
                writePair(pairs++, a, b);
            }
        }
        for (int k = 0; k < more.length; k += 2) {
            writePair(pairs++, more[k], more[k + 1]);
        }
        String[] operations = { "39 d8", "29 d8", "85 d8", "21 d8", "31 d8", "09 d8", "01 d8", "40", "48",
            "83 f8 01", "81 f8 ff ff ff 7f", "3c 80" }; // cmp, sub, test, and, xor, or, add, inc, dec, cmp imm8, imm32, cmp al
        for (String operation : operations) {
            for (int cc = 0; cc < 16; cc++) {
                String code = String.format("be 00 00 04 00 b9 %02x 00 00 00 31 ff" // mov esi, DATA ; mov ecx, pairs ; xor edi, edi
                        + " d1 e7 8b 06 8b 5e 04 %s 7%x 01 47" // loop: shl edi, 1 ; mov eax, [esi] ; mov ebx, [esi+4] ; op ; jcc +1 ; inc edi
                        + " 83 c6 08 49 75 %02x", // add esi, 8 ; dec ecx ; jnz loop
                        pairs, operation, cc, -(16 + CpuFixture.bytes(operation).length) & 0xff);
                for (CpuFixture f : new CpuFixture[] { blocks, general }) {
                    f.exec(code);
                }
                String what = operation + " then condition " + Integer.toHexString(cc);
                assertEquals(general.reg(Register.EDI), blocks.reg(Register.EDI), "outcomes of " + what);
                assertEquals(general.cpu.eflags(), blocks.cpu.eflags(), "EFLAGS after " + what);
            }
        }
        assertSameEnd();
    }

    /**
     * Runs one of the patched loops above on both machines: a hundred passes (EAX), the loop's head entered
     * 99 times (EDX, the 51st pass going on at the patched instruction directly), {@code ebx} from the part
     * the patch changes; then both must end alike.
     */
    @Test
    void aBlockEnteredFromTheOneBeforeItRunsAgainOnlyWhileItsCodeHolds() {
        // Each pass runs two blocks: A, the loop's head through the CALL into f and its RET, and B, after the
        // call, whose taken JNZ leaves for A again. Each goes on to the other without the run loop's look-up.
        // Between two runs the host patches B's immediate from 1 to 2: the chain from A must not enter the
        // old B, though the EIP and the translation epoch are the same.
        String code = "b9 e8 03 00 00 31 db 31 c0" // mov ecx, 1000 ; xor ebx, ebx ; xor eax, eax
                + " 40 e8 0b 00 00 00" // loop (9): inc eax ; call f
                + " 81 c3 01 00 00 00 49 75 f1 f4 90" // B (15): add ebx, 1 ; dec ecx ; jnz loop ; hlt ; nop
                + " 01 c2 c3"; // f (26): add edx, eax ; ret
        CpuCore core = (CpuCore) blocks.cpu;
        for (CpuFixture f : new CpuFixture[] { blocks, general }) {
            f.load(CpuFixture.CODE, code);
            f.cpu.setEip(CpuFixture.CODE);
            assertEquals(StopReason.INSTRUCTION_LIMIT, f.cpu.run(3000));
        }
        assertEquals(general.reg(Register.EBX), blocks.reg(Register.EBX));
        long chained = core.chainedBlockRuns();
        assertTrue(chained > 100, "blocks entered from the block before: " + chained);
        int passes = blocks.reg(Register.EBX);
        for (CpuFixture f : new CpuFixture[] { blocks, general }) {
            f.load(CpuFixture.CODE + 17, "02");
            assertEquals(StopReason.HALTED, f.cpu.run(100_000));
        }
        assertEquals(passes + 2 * (1000 - passes), blocks.reg(Register.EBX));
        assertTrue(core.chainedBlockRuns() > chained + 100, "the new B is chained to in turn: " + core.chainedBlockRuns());
        assertSameEnd();
    }

    @Test
    void theCheckerSeesALinkOrSuccessorLeadingWhereTheCodeCacheDoesNot() throws ReflectiveOperationException {
        // The two blocks of the test above, run until each has gone on to the other.
        String code = "b9 e8 03 00 00 31 db 31 c0 40 e8 0b 00 00 00 81 c3 01 00 00 00 49 75 f1 f4 90 01 c2 c3";
        CpuCore core = (CpuCore) blocks.cpu;
        blocks.load(CpuFixture.CODE, code);
        blocks.cpu.setEip(CpuFixture.CODE);
        assertEquals(StopReason.INSTRUCTION_LIMIT, blocks.cpu.run(3000));
        assertEquals(List.of(), blocks.cpu.check());

        // Behind the run loop's back, through the package's own members: a block's successor swapped for
        // a block that starts elsewhere, then an instruction's link pointed at an entry outside the cache.
        List<Object> cached = new ArrayList<>();
        Object fetch = field(core, "fetch");
        invoke(fetch, "forEachCached", new Class<?>[] { Consumer.class }, (Consumer<Object>) cached::add);
        Object chained = null;
        int exit = -1;
        for (Object insn : cached) {
            Object block = field(insn, "block");
            int exits = block == null ? 0 : (int) invoke(block, "exits", new Class<?>[0]);
            for (int e = 0; e < exits && chained == null; e++) {
                Object next = invoke(block, "successorAt", new Class<?>[] { int.class }, e);
                if (next != null && next != block) {
                    chained = block;
                    exit = e;
                }
            }
        }
        assertTrue(chained != null, "a block went on to the other");
        Class<?> blockType = chained.getClass().getSuperclass();
        Object successor = invoke(chained, "successorAt", new Class<?>[] { int.class }, exit);
        long key = (long) invoke(chained, "successorKeyAt", new Class<?>[] { int.class }, exit);
        Class<?>[] follow = { int.class, long.class, blockType };
        invoke(chained, "follow", follow, exit, key, chained);
        assertTrue(blocks.cpu.check().toString().contains("goes on at"), blocks.cpu.check().toString());
        invoke(chained, "follow", follow, exit, key, successor);
        assertEquals(List.of(), blocks.cpu.check());

        Object linked = cached.stream().filter(i -> field(i, "next") != null).findFirst().orElseThrow();
        Object target = field(linked, "next");
        Constructor<?> fresh = linked.getClass().getDeclaredConstructor();
        fresh.setAccessible(true);
        setField(linked, "next", fresh.newInstance());
        assertTrue(blocks.cpu.check().toString().contains("an entry the code cache no longer holds"),
                blocks.cpu.check().toString());
        setField(linked, "next", target);
        assertEquals(List.of(), blocks.cpu.check());
    }

    private void runPatchedLoop(String code, int ebx) {
        for (CpuFixture f : new CpuFixture[] { blocks, general }) {
            f.exec(code);
            assertEquals(100, f.reg(Register.EAX));
            assertEquals(ebx, f.reg(Register.EBX));
            assertEquals(99, f.reg(Register.EDX));
        }
        assertSameEnd();
    }

    private void writePair(int index, int a, int b) {
        for (CpuFixture f : new CpuFixture[] { blocks, general }) {
            f.memory.write(CpuFixture.DATA + 8L * index, 4, a);
            f.memory.write(CpuFixture.DATA + 8L * index + 4, 4, b);
        }
    }

    private void assertSameEnd() {
        assertEquals(general.cpu.instructions(), blocks.cpu.instructions(), "instructions retired");
        assertEquals(general.cpu.eip(), blocks.cpu.eip(), "EIP");
        for (Register r : Register.values()) {
            assertEquals(general.reg(r), blocks.reg(r), r.toString());
        }
        assertTrue(blocks.cpu.statistics().blockInstructions() > 0, "ran in blocks: " + blocks.cpu.statistics());
        assertEquals(0, general.cpu.statistics().blockInstructions(), "the general executor compiles nothing");
        blocks.assertConsistent();
    }
}
