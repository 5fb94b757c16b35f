package org.shadowbench.pool;

/**
 * What the pool asks of the CPU core (implemented there; tests record calls). Called on the
 * emulation thread.
 */
public interface PoolHooks {
    /** Hooks that do nothing, for a pool without a CPU. */
    PoolHooks NONE = new PoolHooks() {
    };

    /** Invalidate the guest TLBs (PGM_INVL_GUEST_TLBS): shadow entries changed under them. */
    default void flushGuestTlbs() {
    }

    /**
     * Invalidate the guest TLB entries that map one host frame: a guest write the pool handled cleared
     * shadow page-table entries mapping it, and nothing else under the TLB changed. VirtualBox flushes
     * every entry here; a TLB that can drop the frame's alone keeps the rest of the address space's
     * translations. The default flushes them all.
     *
     * @param frame the host frame ({@link org.shadowbench.memory.HostFrameStore} index) the cleared entries pointed at
     */
    default void flushGuestTlbFrame(int frame) {
        flushGuestTlbs();
    }

    /**
     * The shadow paging structures must be resynchronised from CR3 before the guest continues
     * (VM_FF_PGM_SYNC_CR3); with {@code clearPool} the pool must be cleared first
     * (PGM_SYNC_CLEAR_PGM_POOL).
     */
    default void requestCr3Sync(boolean clearPool) {
    }

    /**
     * The instruction whose write is being dispatched, when the CPU is executing one; {@code null}
     * otherwise (then the write is treated as a device's).
     */
    default FaultingInstruction currentInstruction() {
        return null;
    }
}
