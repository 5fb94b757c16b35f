package org.shadowbench.cpu.internal;

import org.shadowbench.memory.PhysicalMemory;

/**
 * One walk of the guest's own page tables for a linear address, with no side effect: it sets no
 * accessed or dirty bit and raises nothing. The trap handler turns its outcome into page faults and
 * accessed bits; the debugger's {@link PageWalker} turns it into rows. Both read the same walk, so
 * what the inspector shows is what the trap handler decides.
 *
 * <p>The walk stops at the first entry that is not present or has reserved bits set, and says which
 * in {@link #outcome} and {@link #stopLevel}. The fields describing the levels it did read stay valid
 * until the next walk; the mapping fields are valid only when the outcome is {@link #MAPPED}.
 */
final class GuestWalk {
    static final long P = Mmu.P;
    static final long RW = 0x2;
    static final long US = 0x4;
    static final long A = 0x20;
    static final long D = 0x40;
    static final long PS = 0x80;
    static final long G = 0x100;
    static final long NX = 1L << 63;
    /** Address bits 36 to 62 of a PAE entry: beyond this CPU's physical width. */
    private static final long PAE_RESERVED = 0x7fff_fff0_0000_0000L;

    static final int MAPPED = 0;
    static final int NOT_PRESENT = 1;
    static final int RESERVED_BITS = 2;

    static final int LEVEL_PDPTE = 0;
    static final int LEVEL_PDE = 1;
    static final int LEVEL_PTE = 2;

    private final CpuCore cpu;
    private final PhysicalMemory memory;
    /** The PDPTEs the CPU loaded at the last CR3 write in PAE mode (the walk never rereads them). */
    private final long[] pdpte;

    /** {@link #MAPPED}, {@link #NOT_PRESENT} or {@link #RESERVED_BITS}. */
    int outcome;
    /** The level at which the walk stopped (the leaf's level when mapped). */
    int stopLevel;
    /** The reserved bits found set, for {@link #RESERVED_BITS}. */
    long reservedBits;

    boolean pae;
    int pdpteSlot;
    long pdptePointer;
    /** Guest-physical address of the page directory, its index and entry. */
    long directory;
    int directoryIndex;
    long pdeAddress;
    long pde;
    /** Guest-physical address of the page table (4 KiB pages), its index and entry; unused for big pages. */
    long table;
    int tableIndex;
    long pte;
    int entrySize;

    boolean big;
    /** Guest-physical address of the page the linear address lies in. */
    long physical;
    /** Guest-physical address of the guest page table (4 KiB pages) or of the big page's first byte. */
    long tableOrBigPage;
    /** The guest entry holding the dirty bit (the PTE, or the PDE of a big page). */
    long leafAddress;
    boolean user;
    boolean writable;
    boolean executable;
    boolean dirty;
    boolean global;

    GuestWalk(CpuCore cpu, PhysicalMemory memory, long[] pdpte) {
        this.cpu = cpu;
        this.memory = memory;
        this.pdpte = pdpte;
    }

    /**
     * Reads the guest's directory entry for the linear address (paging on), leaving where it lies in
     * {@link #directory} and {@link #directoryIndex}; 0 when the PAE directory pointer is not present.
     */
    long directoryEntry(int linear) {
        pae = cpu.paePaging();
        entrySize = pae ? 8 : 4;
        if (pae) {
            pdpteSlot = (linear >>> 30) & 3;
            pdptePointer = pdpte[pdpteSlot];
            if ((pdptePointer & P) == 0) {
                return 0;
            }
            directory = pdptePointer & Mmu.PAE_FRAME;
            directoryIndex = (linear >>> 21) & 511;
        } else {
            directory = cpu.cr3() & 0xffff_f000L;
            directoryIndex = linear >>> 22;
        }
        pdeAddress = directory + (long) entrySize * directoryIndex;
        return memory.read(pdeAddress, entrySize);
    }

    /** Whether a present directory entry maps a big page in the current paging mode. */
    boolean isBigPage(long directoryEntry) {
        return (directoryEntry & PS) != 0 && (cpu.paePaging() || cpu.pseEnabled());
    }

    /** The first byte of the big page a directory entry maps. */
    long bigPageBase(long directoryEntry) {
        return cpu.paePaging() ? directoryEntry & 0x000f_ffff_ffe0_0000L : directoryEntry & 0xffc0_0000L;
    }

    /** Walks the guest tables for the linear address with paging on; returns {@link #outcome}. */
    int walk(int linear) {
        pde = directoryEntry(linear);
        if (pae && (pdptePointer & P) == 0) {
            return stop(NOT_PRESENT, LEVEL_PDPTE, 0);
        }
        if (!usable(pde, LEVEL_PDE)) {
            return outcome;
        }
        big = isBigPage(pde);
        long leaf;
        if (big) {
            leaf = pde;
            leafAddress = pdeAddress;
            tableOrBigPage = bigPageBase(pde);
            physical = tableOrBigPage + (linear & (pae ? 0x001f_f000L : 0x003f_f000L));
        } else {
            table = pde & (pae ? Mmu.PAE_FRAME : 0xffff_f000L);
            tableIndex = (linear >>> 12) & (pae ? 511 : 1023);
            leafAddress = table + (long) entrySize * tableIndex;
            pte = memory.read(leafAddress, entrySize);
            if (!usable(pte, LEVEL_PTE)) {
                return outcome;
            }
            leaf = pte;
            tableOrBigPage = table;
            physical = pte & (pae ? Mmu.PAE_FRAME : 0xffff_f000L);
        }
        user = (pde & US) != 0 && (leaf & US) != 0;
        writable = (pde & RW) != 0 && (leaf & RW) != 0;
        executable = !pae || !cpu.nxEnabled() || ((pde | leaf) & NX) == 0;
        global = (leaf & G) != 0;
        dirty = (leaf & D) != 0;
        return stop(MAPPED, big ? LEVEL_PDE : LEVEL_PTE, 0);
    }

    /**
     * Describes paging off: the linear address is the physical one, everything allowed, and the
     * 4 MiB region around it stands in for the "guest table" the pool shadows (PT32_FOR_PHYS).
     */
    void identity(int linear) {
        outcome = MAPPED;
        physical = linear & 0xffff_ffffL & ~0xfffL;
        user = true;
        writable = true;
        executable = true;
        dirty = true;
        global = false;
        big = true;
        tableOrBigPage = linear & 0xffc0_0000L;
        pde = P | RW | US;
    }

    /** Whether an entry lets the walk go on; records the outcome when not. */
    private boolean usable(long entry, int level) {
        if ((entry & P) == 0) {
            stop(NOT_PRESENT, level, 0);
            return false;
        }
        boolean bigEntry = (entry & PS) != 0 && level == LEVEL_PDE;
        long reserved;
        if (pae) {
            reserved = PAE_RESERVED | (cpu.nxEnabled() ? 0 : NX) | (bigEntry ? 0x001f_e000L : 0);
        } else {
            // No PSE-36: the bits between the PAT bit and the frame of a 4 MiB page are reserved.
            reserved = bigEntry && cpu.pseEnabled() ? 0x003f_e000L : 0;
        }
        if ((entry & reserved) != 0) {
            stop(RESERVED_BITS, level, entry & reserved);
            return false;
        }
        return true;
    }

    private int stop(int how, int level, long reserved) {
        outcome = how;
        stopLevel = level;
        reservedBits = reserved;
        return how;
    }
}
