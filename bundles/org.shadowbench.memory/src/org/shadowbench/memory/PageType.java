package org.shadowbench.memory;

/**
 * What backs a guest-physical page, with VirtualBox's numbering (PGMPAGETYPE).
 *
 * <p>The order matters: readability and writability are decided by comparing codes, exactly as
 * the reference implementation does, so the constants must stay in this order.
 */
public enum PageType {
    /** Not a valid page; never stored in a live descriptor. */
    INVALID,
    /** Ordinary guest RAM. */
    RAM,
    /** Device memory (e.g. a frame buffer) registered by a device and mapped into the guest. */
    MMIO2,
    /** An MMIO page temporarily backed by an MMIO2 page (PageAliasMmio2). */
    MMIO2_ALIAS_MMIO,
    /** An MMIO page temporarily backed by a host page, e.g. the APIC access page (PageAliasHC). */
    SPECIAL_ALIAS_MMIO,
    /** A writable RAM copy of a ROM page. */
    ROM_SHADOW,
    /** Read-only memory: writes are ignored. */
    ROM,
    /** Memory-mapped I/O without backing; every access goes to an access handler. */
    MMIO;

    private static final PageType[] BY_CODE = values();

    /** The numeric code stored in page descriptors (VirtualBox's PGMPAGETYPE value). */
    public int code() {
        return ordinal();
    }

    /** Decodes a descriptor code; {@link #INVALID} for codes out of range. */
    public static PageType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : INVALID;
    }

    /** Whether a plain read hits backing memory (everything up to and including ROM). */
    public boolean isReadable() {
        return this != INVALID && ordinal() <= ROM.ordinal();
    }

    /** Whether a plain write may hit backing memory (everything up to and including ROM_SHADOW). */
    public boolean isWritable() {
        return this != INVALID && ordinal() <= ROM_SHADOW.ordinal();
    }

    /** MMIO or one of the two kinds of aliases that temporarily replace an MMIO page. */
    public boolean isMmioOrAlias() {
        return this == MMIO || this == MMIO2_ALIAS_MMIO || this == SPECIAL_ALIAS_MMIO;
    }

    /** One of the two alias kinds that {@code ResetAliasedPage} turns back into MMIO. */
    public boolean isMmioAlias() {
        return this == MMIO2_ALIAS_MMIO || this == SPECIAL_ALIAS_MMIO;
    }
}
