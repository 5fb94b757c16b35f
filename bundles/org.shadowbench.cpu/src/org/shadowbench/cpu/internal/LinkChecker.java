package org.shadowbench.cpu.internal;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The consistency rules of the ways the run loop goes on without looking anything up: the links between
 * cached instructions, the table that recalls the instruction last found at an EIP, and the block that
 * followed each exit of a compiled block. Each is recorded under a link key (translation epoch and EIP,
 * see {@link InstructionFetch#linkKey}). One recorded in the current epoch, at either privilege, must
 * lead to an entry the code cache still holds, because dropping entries starts a new epoch; a compiled
 * block hangs off its first instruction; and a block's successor starts at the EIP its key names. A
 * violation means the run loop could go on into code the cache no longer vouches for.
 */
final class LinkChecker {
    private final CpuCore cpu;
    private final Set<Insn> cached = Collections.newSetFromMap(new IdentityHashMap<>());

    LinkChecker(CpuCore cpu) {
        this.cpu = cpu;
        cpu.fetch.forEachCached(cached::add);
    }

    void check(List<String> problems) {
        for (Insn i : cached) {
            checkLink(problems, "a fall-through link", i.next, i.nextKey);
            checkLink(problems, "a branch link", i.taken, i.takenKey);
            CompiledBlock block = i.block;
            if (block == null) {
                continue;
            }
            if (block.insns[0] != i) {
                problems.add(String.format("the block at %#x hangs off an instruction that is not its first", block.headEip));
            }
            for (int exit = 0; exit < block.exits(); exit++) {
                CompiledBlock next = block.successorAt(exit);
                long key = block.successorKeyAt(exit);
                if (next == null || !currentEpoch(key)) {
                    continue;
                }
                if (next.headEip != (int) key) {
                    problems.add(String.format("the block at %#x goes on at %#x to the block at %#x", block.headEip,
                            (int) key, next.headEip));
                }
                checkLink(problems, "the block at " + Integer.toHexString(block.headEip) + "'s successor",
                        next.insns[0], key);
            }
        }
        InstructionFetch fetch = cpu.fetch;
        for (int slot = 0; slot < InstructionFetch.RECALL_SIZE; slot++) {
            checkLink(problems, "the recall table", fetch.recalledAt(slot), fetch.recalledKeyAt(slot));
        }
    }

    private void checkLink(List<String> problems, String what, Insn target, long key) {
        if (target != null && currentEpoch(key) && !cached.contains(target)) {
            problems.add(String.format("%s made in this translation epoch leads to EIP %#x, an entry the code cache no longer holds",
                    what, (int) key));
        }
    }

    /** Whether a key was made since the last invalidation, at either privilege (as the TLB's checker asks). */
    private boolean currentEpoch(long key) {
        return ((int) (key >>> 32) | 1) == cpu.mmu.epochStamp();
    }
}
