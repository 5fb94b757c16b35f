/**
 * The guest-physical page model of Shadowbench (VirtualBox's PGMPAGE and PGMRAMRANGE): the host
 * frame store with its zero frame, RAM ranges with packed per-page descriptors, MMIO ranges,
 * device (MMIO2) regions in chunks, and the raw memory access that access handlers fall back to.
 *
 * <p>Entry point: a {@link org.shadowbench.memory.PhysicalMemoryFactory}, obtained as an OSGi service
 * or through {@link java.util.ServiceLoader}. {@link org.shadowbench.memory.ReadOnlyPhysicalMemory}
 * is the surface for code that only looks.
 *
 * <p>1.0.0: the static {@code PhysicalMemory.create} methods gave way to the factory (a major change);
 * the read-only surface was split off. 1.1.0: {@code RamRange.nextPageUnlike} and the field masks of
 * {@code PageDescriptor}, so that the consistency checkers visit only the pages not in a clean state.
 */
@org.osgi.annotation.versioning.Version("1.1.0")
package org.shadowbench.memory;
