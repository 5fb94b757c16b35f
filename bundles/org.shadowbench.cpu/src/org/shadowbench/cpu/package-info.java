/**
 * The IA-32 CPU core: an interpreter of protected-mode integer code (plus FXSAVE/FXRSTOR and the
 * SSE moves) whose memory accesses go through a software TLB filled from shadow page tables that
 * the shadow page pool builds; misses and protection faults reach a trap handler that walks the
 * guest's tables and decides between a guest page fault, a shadow sync and an access handler.
 *
 * <p>Entry point: a {@link org.shadowbench.cpu.CpuFactory} (an OSGi service, or found through
 * {@link java.util.ServiceLoader}). {@link org.shadowbench.cpu.ReadOnlyCpu} is the surface for code
 * that only looks.
 *
 * <p>1.0.0: the static {@code Cpu.create} gave way to the factory (a major change); the read-only
 * surface was split off.
 *
 * <p>1.1.0: {@link org.shadowbench.cpu.CpuStatistics} counts compiled blocks.
 */
@org.osgi.annotation.versioning.Version("1.1.0")
package org.shadowbench.cpu;
