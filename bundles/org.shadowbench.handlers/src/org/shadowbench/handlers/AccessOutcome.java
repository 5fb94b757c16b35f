package org.shadowbench.handlers;

/** What an access callback decided. */
public enum AccessOutcome {
    /** Perform the default memory access (VirtualBox's VINF_PGM_HANDLER_DO_DEFAULT). */
    DEFAULT,
    /** The callback handled the access; for reads it stored the value with {@link PhysicalAccess#complete(long)}. */
    HANDLED,
    /** The access faults; the CPU turns this into a guest fault, devices see a bus error. */
    FAULT
}
