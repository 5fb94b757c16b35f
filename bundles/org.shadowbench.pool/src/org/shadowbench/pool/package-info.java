/**
 * The shadow page pool (VirtualBox's PGMAllPool.cpp): shadow page tables held in host frames,
 * cached by the guest-physical address they shadow, aged in an LRU list, write-monitored through
 * the physical handler registry, and cross-referenced with the guest pages they map.
 *
 * <p>Entry point: {@link org.shadowbench.pool.ShadowPagePool#create}.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.pool;
