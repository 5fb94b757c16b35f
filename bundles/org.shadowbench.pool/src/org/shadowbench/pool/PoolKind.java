package org.shadowbench.pool;

/**
 * What a pool page shadows (PGMPOOLKIND, in the reference's order). The name reads "shadow table
 * FOR guest structure": a {@code PAE_PT_FOR_32BIT_PT} is a PAE shadow page table standing for (half
 * of) a 32-bit guest page table. The ROOT kinds are the special pages below the first general index.
 */
public enum PoolKind {
    /** Never a live page. */
    INVALID(0, 0),
    /** On the free list. */
    FREE(0, 0),
    /** 32-bit shadow page table for guest-physical memory while paging is off. */
    PT32_FOR_PHYS(4, 0),
    /** 32-bit shadow page table for a 32-bit guest page table. */
    PT32_FOR_PT32(4, 4),
    /** 32-bit shadow page table for a 4 MiB guest page. */
    PT32_FOR_BIG32(4, 4),
    /** PAE shadow page table for guest-physical memory while paging is off. */
    PAE_PT_FOR_PHYS(8, 0),
    /** PAE shadow page table for half of a 32-bit guest page table. */
    PAE_PT_FOR_PT32(8, 4),
    /** PAE shadow page table for half of a 4 MiB guest page. */
    PAE_PT_FOR_BIG32(8, 4),
    /** PAE shadow page table for a PAE guest page table. */
    PAE_PT_FOR_PAE_PT(8, 8),
    /** PAE shadow page table for a 2 MiB PAE guest page. */
    PAE_PT_FOR_PAE_BIG(8, 8),
    /** PAE shadow page directory for a quarter of a 32-bit guest page directory. */
    PAE_PD_FOR_PD32(8, 4),
    /** PAE shadow page directory for a PAE guest page directory. */
    PAE_PD_FOR_PAE_PD(8, 8),
    /** 64-bit shadow page directory pointer table for a 64-bit guest one. */
    PDPT64_FOR_PDPT64(8, 8),
    /** The special root: the 32-bit shadow page directory. */
    ROOT_32BIT_PD(4, 4),
    /** The special root: the four PAE shadow page directories (2048 entries in four frames). */
    ROOT_PAE_PD(8, 8),
    /** The special root: the PAE page directory pointer table. */
    ROOT_PDPT(8, 8),
    /** The special root: the PML4. */
    ROOT_PML4(8, 8);

    private static final PoolKind[] BY_CODE = values();

    private final int shadowEntrySize;
    private final int guestEntrySize;

    PoolKind(int shadowEntrySize, int guestEntrySize) {
        this.shadowEntrySize = shadowEntrySize;
        this.guestEntrySize = guestEntrySize;
    }

    /** Decodes a stored code. */
    public static PoolKind fromCode(int code) {
        return BY_CODE[code];
    }

    /** Bytes per shadow entry (pgmPoolTrackGetShadowEntrySize): 4 or 8; 0 for FREE and INVALID. */
    public int shadowEntrySize() {
        return shadowEntrySize;
    }

    /** Bytes per guest entry shadowed (pgmPoolTrackGetGuestEntrySize): 4 or 8, or 0 for physical memory. */
    public int guestEntrySize() {
        return guestEntrySize;
    }

    /** Shadow entries per page of the table (the PAE root has four pages). */
    public int entriesPerPage() {
        return shadowEntrySize == 0 ? 0 : 4096 / shadowEntrySize;
    }

    /** Whether it shadows a 4 MiB or 2 MiB guest page (pgmPoolIsBigPage). */
    public boolean isBigPage() {
        return this == PT32_FOR_BIG32 || this == PAE_PT_FOR_BIG32 || this == PAE_PT_FOR_PAE_BIG;
    }

    /** Whether it is one of the special roots. */
    public boolean isRoot() {
        return ordinal() >= ROOT_32BIT_PD.ordinal();
    }

    /** Whether it is a page table: its entries map guest pages, tracked in their descriptors. */
    public boolean isPageTable() {
        return ordinal() >= PT32_FOR_PHYS.ordinal() && ordinal() <= PAE_PT_FOR_PAE_BIG.ordinal();
    }

    /** Whether it is a page directory or pointer table whose entries point at other pool pages. */
    public boolean isDirectory() {
        return this == PAE_PD_FOR_PD32 || this == PAE_PD_FOR_PAE_PD || this == PDPT64_FOR_PDPT64 || isRoot();
    }

    /** Whether it shadows a guest paging structure that must be write-monitored. */
    public boolean isMonitored() {
        return this == PT32_FOR_PT32 || this == PAE_PT_FOR_PT32 || this == PAE_PT_FOR_PAE_PT
                || this == PAE_PD_FOR_PD32 || this == PAE_PD_FOR_PAE_PD || this == PDPT64_FOR_PDPT64
                || this == ROOT_32BIT_PD || this == ROOT_PAE_PD;
    }
}
