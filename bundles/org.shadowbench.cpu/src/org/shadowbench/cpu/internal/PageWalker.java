package org.shadowbench.cpu.internal;

import java.util.ArrayList;
import java.util.List;

import org.shadowbench.cpu.PageWalk;
import org.shadowbench.memory.HostFrameStore;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.pool.ShadowPagePool;

/**
 * Translates one linear address through the guest's tables and through the shadow tables, for
 * inspection. Unlike the trap handler it changes nothing: it sets no accessed or dirty bit, raises
 * no fault and syncs no entry, so a debugger may walk any address at any time.
 */
final class PageWalker {
    private static final long P = GuestWalk.P;
    private static final long RW = GuestWalk.RW;
    private static final long US = GuestWalk.US;
    private static final long PAE_FRAME = Mmu.PAE_FRAME;

    private final CpuCore cpu;
    private final Mmu mmu;
    private final PhysicalMemory memory;
    private final HostFrameStore frames;
    private final ShadowPagePool pool;

    // The guest side, as the walk finds it.
    private final List<PageWalk.Level> guestLevels = new ArrayList<>();
    private long guestPhysical = -1;
    private String guestFault;
    private boolean guestWritable = true;
    private boolean guestUser = true;
    private boolean guestExecutable = true;
    private boolean guestDirty = true;

    PageWalker(CpuCore cpu, Mmu mmu, PhysicalMemory memory, ShadowPagePool pool) {
        this.cpu = cpu;
        this.mmu = mmu;
        this.memory = memory;
        this.frames = memory.frames();
        this.pool = pool;
    }

    PageWalk walk(int linear) {
        String mode = !cpu.pagingEnabled() ? "none" : cpu.paePaging() ? "PAE" : "32-bit";
        if (cpu.pagingEnabled()) {
            walkGuest(linear);
        } else {
            guestPhysical = linear & 0xffff_ffffL;
        }
        List<PageWalk.Level> shadowLevels = new ArrayList<>();
        long shadowEntry = walkShadow(linear, shadowLevels);
        boolean shadowPresent = (shadowEntry & P) != 0;
        long hostFrame = shadowPresent ? (shadowEntry & PAE_FRAME) >>> 12 : -1;
        long pde = shadowLevels.get(0).entry();
        boolean shadowWritable = shadowPresent && (pde & RW) != 0 && (shadowEntry & RW) != 0;
        boolean shadowUser = shadowPresent && (pde & US) != 0 && (shadowEntry & US) != 0;
        RamRange range = guestPhysical < 0 ? null : memory.rangeAt(guestPhysical & ~0xfffL);
        int index = range == null ? -1 : range.pageIndex(guestPhysical & ~0xfffL);
        String verdict = verdict(range, index, shadowLevels, shadowPresent, hostFrame, shadowWritable);
        return new PageWalk(linear, mode, guestLevels, guestPhysical, guestFault, guestWritable, guestUser,
                guestExecutable, guestDirty, shadowLevels, hostFrame, shadowWritable, shadowUser, tlbEntry(linear),
                range == null ? null : range.pageType(index).name(), range == null ? null : range.handlerState(index).name(),
                verdict);
    }

    /** The guest's side, read by the trap handler's own walk, stopping where the trap handler would fault. */
    private void walkGuest(int linear) {
        GuestWalk walk = new GuestWalk(cpu, memory, mmu.pdpte);
        int outcome = walk.walk(linear);
        if (walk.pae) {
            guestLevels.add(new PageWalk.Level("PDPTE", cpu.cr3() & 0xffff_ffe0L, -1, walk.pdpteSlot, walk.pdptePointer));
        }
        if (!(walk.pae && walk.stopLevel == GuestWalk.LEVEL_PDPTE)) {
            guestLevels.add(new PageWalk.Level("PDE", walk.directory, -1, walk.directoryIndex, walk.pde));
            if (walk.stopLevel == GuestWalk.LEVEL_PTE) {
                guestLevels.add(new PageWalk.Level("PTE", walk.table, -1, walk.tableIndex, walk.pte));
            }
        }
        if (outcome != GuestWalk.MAPPED) {
            String level = guestLevels.get(guestLevels.size() - 1).name();
            guestFault = outcome == GuestWalk.NOT_PRESENT ? level + " not present"
                    : String.format("reserved bits %#x set in the %s", walk.reservedBits, level);
            return;
        }
        guestPhysical = walk.physical | (linear & 0xfff);
        guestWritable = walk.writable;
        guestUser = walk.user;
        guestExecutable = walk.executable;
        guestDirty = walk.dirty;
    }

    /** Records the shadow directory entry and, under it, the table entry; returns the latter (0 if none). */
    private long walkShadow(int linear, List<PageWalk.Level> levels) {
        boolean pae = cpu.paePaging();
        int root = pae ? ShadowPagePool.ROOT_PAE_PD : ShadowPagePool.ROOT_32BIT_PD;
        int directoryIndex = pae ? linear >>> 21 : linear >>> 22;
        long pde = pool.entry(root, directoryIndex);
        levels.add(new PageWalk.Level("PDE", HostFrameStore.hostAddress(pool.hostFrame(root)), root, directoryIndex, pde));
        if ((pde & P) == 0) {
            return 0;
        }
        int tableFrame = (int) ((pde & PAE_FRAME) >>> 12);
        int index = (linear >>> 12) & (pae ? 511 : 1023);
        long pte = pae ? frames.read(tableFrame, index * 8, 8) : frames.read(tableFrame, index * 4, 4);
        levels.add(new PageWalk.Level("PTE", pde & PAE_FRAME, pool.pageByHostAddress(pde & PAE_FRAME), index, pte));
        return pte;
    }

    private String tlbEntry(int linear) {
        int slot = Mmu.slotOf(linear);
        if (mmu.tlbPage[slot] != linear >>> 12) {
            return null;
        }
        return String.format("slot %d: frame %#x %s", slot, mmu.tlbFrame[slot], Mmu.rights(mmu.tlbPerm[slot]));
    }

    /** Why the shadow side is what it is, in the order the trap handler decides. */
    private String verdict(RamRange range, int index, List<PageWalk.Level> shadow, boolean shadowPresent, long hostFrame,
            boolean shadowWritable) {
        if (guestFault != null) {
            return "the guest does not map the address (" + guestFault + "): an access raises #PF"
                    + (shadowPresent ? "; the shadow entry left over is dropped when the guest invalidates it" : "");
        }
        if (range == null) {
            return "unassigned guest-physical address: accesses go through the registry (reads all ones, writes dropped)";
        }
        PageType type = range.pageType(index);
        PageHandlerState handlers = range.handlerState(index);
        if (type == PageType.MMIO || type == PageType.SPECIAL_ALIAS_MMIO) {
            return type + " page: every access goes to its access handler";
        }
        if (handlers == PageHandlerState.ALL) {
            return "an ALL handler watches the page: every access goes to it";
        }
        if (!shadowPresent) {
            return shadow.size() == 1 ? "no shadow page table covers the address yet: the next access traps and syncs"
                    : "not synced yet: the next access traps and syncs the entry";
        }
        if (hostFrame != range.hostFrame(index)) {
            return String.format("STALE: the shadow maps frame %#x but the page is backed by frame %#x", hostFrame,
                    range.hostFrame(index));
        }
        String code = type == PageType.MMIO2_ALIAS_MMIO
                ? "; an MMIO page aliased to device memory (MMIO2) until the device resets its handler" : "";
        if (cpu.fetch.isCodeFrame((int) hostFrame)) {
            code += "; the frame holds decoded instructions, so the TLB maps it read-only and sees every write";
        }
        if (shadowWritable || !guestWritable) {
            return "the shadow grants what the guest grants" + code;
        }
        if (handlers == PageHandlerState.WRITE) {
            return "a write handler watches the page (a monitored guest page table, or a device's): writes trap to it" + code;
        }
        if (!guestDirty) {
            return "write-protected until the guest's first write, which sets the guest's dirty bit" + code;
        }
        if (type == PageType.ROM) {
            return "ROM: writes are dropped" + code;
        }
        if (range.pageState(index) != PageState.ALLOCATED) {
            return "backed by a " + range.pageState(index) + " frame until the first write gives it its own" + code;
        }
        return "read-only in the shadow: the next write traps and upgrades the entry" + code;
    }
}
