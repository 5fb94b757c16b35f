/**
 * The IA-32 CPU core: an interpreter of protected-mode integer code (plus FXSAVE/FXRSTOR and the
 * SSE moves) whose memory accesses go through a software TLB filled from shadow page tables that
 * the shadow page pool builds; misses and protection faults reach a trap handler that walks the
 * guest's tables and decides between a guest page fault, a shadow sync and an access handler.
 *
 * <p>Entry point: {@link org.shadowbench.cpu.Cpu#create}.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.shadowbench.cpu;
