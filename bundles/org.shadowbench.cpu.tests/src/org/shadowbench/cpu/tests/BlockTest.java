package org.shadowbench.cpu.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.SegmentRegister;
import org.shadowbench.cpu.StopReason;
import org.shadowbench.cpu.internal.CpuCore;

/**
 * Compiled blocks in the situations the run loop watches between instructions: an exception raised by
 * an instruction in the middle of a block, a store that rewrites the block's own later bytes, and a
 * patched jump the block followed to its old target. Each
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
        for (CpuFixture f : new CpuFixture[] { blocks, general }) {
            f.exec(code);
            assertEquals(100, f.reg(Register.EAX));
            assertEquals(50, f.reg(Register.EBX));
            assertEquals(99, f.reg(Register.EDX));
        }
        assertSameEnd();
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
