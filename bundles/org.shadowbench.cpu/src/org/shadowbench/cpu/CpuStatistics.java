package org.shadowbench.cpu;

/**
 * Counters of a {@link Cpu}.
 *
 * @param instructions      instructions retired
 * @param tlbHits           memory accesses answered by the TLB arrays; the fast path's own translation
 *                          caches answer most data accesses of hot code without it and are not counted
 * @param tlbFills          TLB entries filled from the shadow page tables
 * @param shadowSyncs       shadow entries created or upgraded by the trap handler
 * @param guestPageFaults   page faults delivered to the guest
 * @param handlerAccesses   accesses dispatched to physical access handlers
 * @param tlbFlushes        full TLB flushes
 * @param exceptions        exceptions delivered (page faults included)
 * @param interrupts        external interrupts delivered
 * @param decodedInstructions instructions decoded, including those that then faulted
 * @param generalInstructions instructions the general executor ran (the rest took the fast path),
 *                          including those that then faulted
 * @param compiledBlocks    runs of hot instructions compiled into JVM methods (since 1.1)
 * @param blockInstructions instructions retired inside compiled blocks (since 1.1)
 * @param blockRuns         times a compiled block was entered (since 1.1)
 */
public record CpuStatistics(long instructions, long tlbHits, long tlbFills, long shadowSyncs, long guestPageFaults,
        long handlerAccesses, long tlbFlushes, long exceptions, long interrupts, long decodedInstructions,
        long generalInstructions, long compiledBlocks, long blockInstructions, long blockRuns) {

    /** The counters of a CPU that compiles no blocks (the 1.0 form). */
    public CpuStatistics(long instructions, long tlbHits, long tlbFills, long shadowSyncs, long guestPageFaults,
            long handlerAccesses, long tlbFlushes, long exceptions, long interrupts, long decodedInstructions,
            long generalInstructions) {
        this(instructions, tlbHits, tlbFills, shadowSyncs, guestPageFaults, handlerAccesses, tlbFlushes, exceptions,
                interrupts, decodedInstructions, generalInstructions, 0, 0, 0);
    }
}
