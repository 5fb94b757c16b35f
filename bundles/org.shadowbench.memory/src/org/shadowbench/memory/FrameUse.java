package org.shadowbench.memory;

/** Who a host frame belongs to; the consistency checker matches this against the page descriptors. */
public enum FrameUse {
    /** On the free list (or never handed out). */
    FREE,
    /** The one shared zero frame. */
    ZERO,
    /** Backs guest RAM, ROM or shadow-ROM pages. */
    GUEST,
    /** Backs a device's MMIO2 region. */
    MMIO2,
    /** Holds a shadow page table of the pool. */
    POOL,
    /** Owned by a device or the VMM itself, e.g. the page behind the APIC access page alias. */
    DEVICE;

    private static final FrameUse[] BY_CODE = values();

    /** Decodes a stored code. */
    public static FrameUse fromCode(int code) {
        return BY_CODE[code];
    }
}
