package org.shadowbench.memory;

/** What a RAM range was registered as. */
public enum RangeKind {
    /** Guest RAM. */
    RAM,
    /** A ROM image, optionally with writable shadow pages. */
    ROM,
    /** An MMIO range: pages of type MMIO on the zero frame, served by access handlers. */
    MMIO,
    /** One chunk of a device's MMIO2 region. */
    MMIO2,
    /** One chunk of a device's pre-registered MMIO region (mapped and unmapped like MMIO2). */
    PRE_REGISTERED_MMIO
}
