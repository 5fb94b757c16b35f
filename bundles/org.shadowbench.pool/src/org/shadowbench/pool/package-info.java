/**
 * The shadow page pool (VirtualBox's PGMAllPool.cpp): shadow page tables held in host frames,
 * cached by the guest-physical address they shadow, aged in an LRU list, write-monitored through
 * the physical handler registry, and cross-referenced with the guest pages they map.
 *
 * <p>Entry point: a {@link org.shadowbench.pool.ShadowPagePoolFactory} (an OSGi service, or found
 * through {@link java.util.ServiceLoader}). {@link org.shadowbench.pool.ReadOnlyShadowPagePool} is the
 * surface for code that only looks.
 *
 * <p>1.0.0: the static {@code ShadowPagePool.create} gave way to the factory (a major change); the
 * read-only surface was split off. 1.1.0: {@code PoolHooks.flushGuestTlbFrame}, so that a handled guest
 * write drops the translations of the frames it unmapped instead of the whole TLB.
 */
@org.osgi.annotation.versioning.Version("1.1.0")
package org.shadowbench.pool;
