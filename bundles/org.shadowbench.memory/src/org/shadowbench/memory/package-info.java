/**
 * The guest-physical page model of Shadowbench (VirtualBox's PGMPAGE and PGMRAMRANGE): the host
 * frame store with its zero frame, RAM ranges with packed per-page descriptors, MMIO ranges,
 * device (MMIO2) regions in chunks, and the raw memory access that access handlers fall back to.
 *
 * <p>Entry point: {@link org.shadowbench.memory.PhysicalMemory#create()}.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.memory;
