package org.shadowbench.memory;

/**
 * VirtualBox status codes that Shadowbench operations return or throw, with VirtualBox's
 * numeric values (iprt/err.h and VBox/err.h). Informational statuses ({@code VINF_*}) are
 * positive and mean success with a remark; failures ({@code VERR_*}) are negative.
 *
 * <p>The names are kept exactly as VirtualBox spells them so that behaviour can be compared with
 * the reference line by line.
 */
public enum PgmStatus {
    /** Success. */
    VINF_SUCCESS(0),
    /** An argument is invalid. */
    VERR_INVALID_PARAMETER(-2),
    /** A handle is invalid. */
    VERR_INVALID_HANDLE(-4),
    /** Out of memory (here: the host frame limit). */
    VERR_NO_MEMORY(-8),
    /** Operations were called in the wrong order (e.g. register twice, map twice). */
    VERR_WRONG_ORDER(-22),
    /** The operation is not allowed on this object. */
    VERR_ACCESS_DENIED(-38),
    /** A value is out of range. */
    VERR_OUT_OF_RANGE(-54),
    /** Something looked up was not found. */
    VERR_NOT_FOUND(-78),
    /** The object is in a state that does not allow the operation. */
    VERR_INVALID_STATE(-79),
    /** A fixed-size table is full. */
    VERR_OUT_OF_RESOURCES(-80),
    /** The object already exists. */
    VERR_ALREADY_EXISTS(-105),
    /** The object is still in use. */
    VERR_RESOURCE_BUSY(-138),
    /** An internal invariant was found broken. */
    VERR_INTERNAL_ERROR(-225),
    /** Guest-context mapping conflict: a CR3 sync is needed. */
    VERR_PGM_MAPPING_CONFLICT(-1600),
    /** A physical handler's range is not inside one RAM range. */
    VERR_PGM_HANDLER_PHYSICAL_NO_RAM_RANGE(-1601),
    /** A physical handler's range overlaps an existing handler. */
    VERR_PGM_HANDLER_PHYSICAL_CONFLICT(-1603),
    /** No RAM range holds the guest-physical address. */
    VERR_PGM_INVALID_GC_PHYSICAL_ADDRESS(-1605),
    /** No physical handler starts at (or holds) the address. */
    VERR_PGM_HANDLER_NOT_FOUND(-1607),
    /** A new range overlaps an existing RAM range. */
    VERR_PGM_RAM_CONFLICT(-1608),
    /** Informational: a CR3 sync is needed before resuming the guest. */
    VINF_PGM_SYNC_CR3(1613),
    /** Informational: the access handler asks for the default memory access. */
    VINF_PGM_HANDLER_DO_DEFAULT(1616),
    /** The page has no backing that the operation could use (MMIO). */
    VERR_PGM_PHYS_PAGE_RESERVED(-1618),
    /** The pool was flushed; a CR3 sync must follow (the 2007 pool's status). */
    VERR_PGM_POOL_FLUSHED(-1620),
    /** The pool was cleared; internal to the pool (the 2007 pool's status). */
    VERR_PGM_POOL_CLEARED(-1621),
    /** Informational: the shadow page returned came from the cache. */
    VINF_PGM_CACHED_PAGE(1622),
    /** Informational: the page is aliased, so not every shadow entry could be updated; flush them. */
    VINF_PGM_GCPHYS_ALIASED(1623),
    /** The page is not an MMIO2 page. */
    VERR_PGM_PHYS_NOT_MMIO2(-1642),
    /** The page is already aliased to a different page. */
    VERR_PGM_HANDLER_ALREADY_ALIASED(-1643),
    /** Informational: the page is already aliased to the same page; nothing was done. */
    VINF_PGM_HANDLER_ALREADY_ALIASED(1643),
    /** Informational: a pool flush is pending. */
    VINF_PGM_POOL_FLUSH_PENDING(1644),
    /** Internal processing error in the access handler code. */
    VERR_PGM_HANDLER_IPE_1(-1647),
    /** A shadow pool page could not be obtained. */
    VERR_PGM_POOL_GET_PAGE_FAILED(-1666),
    /** Internal processing error in the physical handler code. */
    VERR_PGM_PHYS_HANDLER_IPE(-1670),
    /** The pool is already at its maximum size. */
    VERR_PGM_POOL_MAXED_OUT_ALREADY(-1677),
    /** The MMIO2 handle table is full. */
    VERR_PGM_TOO_MANY_MMIO2_RANGES(-1683),
    /** Informational: leave and let the instruction be emulated. */
    VINF_EM_RAW_EMULATE_INSTR(1127),
    /** The instruction interpreter could not handle the instruction. */
    VERR_EM_INTERPRETER(-1148),
    /** Informational: an MMIO write must be completed elsewhere. */
    VINF_IOM_R3_MMIO_WRITE(2624);

    private final int code;

    PgmStatus(int code) {
        this.code = code;
    }

    /** VirtualBox's numeric value. */
    public int code() {
        return code;
    }

    /** Whether this is a failure ({@code VERR_*}). */
    public boolean isFailure() {
        return code < 0;
    }

    /** Whether this is success, plain or informational. */
    public boolean isSuccess() {
        return code >= 0;
    }
}
