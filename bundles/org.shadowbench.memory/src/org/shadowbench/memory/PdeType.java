package org.shadowbench.memory;

/**
 * How the page's 2 MiB region may be mapped by a large page (PGM_PAGE_PDE_TYPE_*): the shadow
 * paging code records whether the region was found suitable for a big page.
 */
public enum PdeType {
    /** Not yet examined. */
    DONT_CARE,
    /** Mapped by a page table. */
    PT,
    /** Mapped by a large page. */
    PDE,
    /** Examined and found unsuitable for a large page (e.g. a handler lives in the region). */
    PDE_DISABLED;

    private static final PdeType[] BY_CODE = values();

    /** The numeric code stored in page descriptors. */
    public int code() {
        return ordinal();
    }

    /** Decodes a descriptor code. */
    public static PdeType fromCode(int code) {
        return BY_CODE[code];
    }
}
