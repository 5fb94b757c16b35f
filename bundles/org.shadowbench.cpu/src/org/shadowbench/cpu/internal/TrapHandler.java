package org.shadowbench.cpu.internal;

import static org.shadowbench.cpu.internal.GuestWalk.A;
import static org.shadowbench.cpu.internal.GuestWalk.D;

import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;

/**
 * The trap handler (PGM's #PF handler for shadow paging), run when the shadow tables cannot serve an
 * access: walks the guest's tables, raises a guest page fault when they forbid the access, sets the
 * accessed and dirty bits the hardware would, and then either has {@link ShadowSync} map the page or
 * tells the caller to go through the physical handler registry (MMIO, watched pages, unassigned
 * space, guest tables that cannot be shadowed).
 */
final class TrapHandler {
    /** Returned by {@link #handle} after a sync: walk the shadow tables again. */
    static final long SYNCED = -1;

    private final CpuCore cpu;
    private final PhysicalMemory memory;
    private final GuestWalk walk;
    private final ShadowSync shadow;
    private final MmioTranslations mmio;

    long guestPageFaults;

    TrapHandler(CpuCore cpu, PhysicalMemory memory, GuestWalk walk, ShadowSync shadow, MmioTranslations mmio) {
        this.cpu = cpu;
        this.memory = memory;
        this.walk = walk;
        this.shadow = shadow;
        this.mmio = mmio;
    }

    /**
     * Decides an access the shadow tables did not grant.
     *
     * @return {@link #SYNCED}, or the guest-physical address to access through the registry
     * @throws GuestFault a page fault for the guest
     */
    long handle(int linear, int access) {
        boolean write = access == Mmu.ACCESS_WRITE;
        boolean user = cpu.userAccess();
        if (cpu.pagingEnabled()) {
            walkGuest(linear, access);
        } else {
            walk.identity(linear);
        }
        long physical = walk.physical | (linear & 0xfff);
        if (!user && write && !walk.writable && !cpu.writeProtect()) {
            // CR0.WP clear: the kernel may write read-only pages, which the shared shadow cannot express.
            setGuestDirty();
            return physical;
        }
        RamRange range = memory.rangeAt(walk.physical);
        if (range == null) {
            return physical;
        }
        int index = range.pageIndex(walk.physical);
        PageType type = range.pageType(index);
        PageHandlerState state = range.handlerState(index);
        if (type == PageType.MMIO || type == PageType.SPECIAL_ALIAS_MMIO || state == PageHandlerState.ALL
                || (write && state == PageHandlerState.WRITE) || (write && type == PageType.ROM)) {
            if (write) {
                setGuestDirty();
            }
            if (type == PageType.MMIO || type == PageType.SPECIAL_ALIAS_MMIO) {
                // Whatever their handler state, these pages always go to the registry (a special alias, such
                // as the local APIC's page, is intercepted on every access): the decision can be remembered.
                mmio.remember(linear, walk.physical, grantedRights());
            }
            return physical;
        }
        if (write) {
            setGuestDirty();
            if (range.pageState(index) != PageState.ALLOCATED && (type == PageType.RAM || type == PageType.ROM_SHADOW)) {
                memory.makeWritable(range, index);
            }
        }
        return shadow.sync(linear, range, index, write) ? SYNCED : physical;
    }

    /**
     * The rights the walk just done grants, in the TLB's bits: reads always, user access where the
     * guest allows it, writes once the guest's entry is writable and dirty. No execution: instructions
     * are not fetched from device pages through this shortcut.
     */
    private int grantedRights() {
        int rights = Mmu.READ_SUP | (walk.user ? Mmu.READ_USER : 0);
        if (walk.writable && walk.dirty) {
            rights |= Mmu.WRITE_SUP | (walk.user ? Mmu.WRITE_USER : 0);
        }
        return rights;
    }

    /** Walks the guest's tables for the access, setting accessed bits; raises #PF when they forbid it. */
    private void walkGuest(int linear, int access) {
        boolean user = cpu.userAccess();
        boolean write = access == Mmu.ACCESS_WRITE;
        boolean fetch = access == Mmu.ACCESS_EXEC;
        int errorCode = (write ? 2 : 0) | (user ? 4 : 0) | (fetch && cpu.nxEnabled() && cpu.paePaging() ? 0x10 : 0);
        int outcome = walk.walk(linear);
        if (outcome == GuestWalk.NOT_PRESENT) {
            throw pageFault(linear, errorCode);
        }
        if (outcome == GuestWalk.RESERVED_BITS) {
            throw pageFault(linear, errorCode | 0x8 | 1);
        }
        boolean denied = (user && !walk.user) || (write && !walk.writable && (user || cpu.writeProtect()))
                || (fetch && !walk.executable);
        if (denied) {
            throw pageFault(linear, errorCode | 1);
        }
        if ((walk.pde & A) == 0) {
            memory.write(walk.pdeAddress, 1, (walk.pde | A) & 0xff);
        }
        if (!walk.big && (walk.pte & A) == 0) {
            memory.write(walk.leafAddress, 1, (walk.pte | A) & 0xff);
        }
    }

    private void setGuestDirty() {
        if (cpu.pagingEnabled() && !walk.dirty) {
            long leaf = memory.read(walk.leafAddress, 1);
            memory.write(walk.leafAddress, 1, leaf | D);
            walk.dirty = true;
        }
    }

    private GuestFault pageFault(int linear, int errorCode) {
        guestPageFaults++;
        cpu.setCr2(linear);
        return cpu.fault(CpuCore.PF_FAULT, errorCode);
    }
}
