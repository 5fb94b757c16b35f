package org.shadowbench.cpu;

/**
 * Receives what the CPU does on its slow paths, for traces and checked runs. Never called on a TLB
 * hit; every method defaults to nothing. Called on the emulation thread.
 */
public interface CpuTracer {
    /** An exception or interrupt is being delivered (before the IDT is read). */
    default void event(int vector, int errorCode, int eip, int cr2) {
    }

    /** An access went through the handler registry (MMIO, a handled page, unassigned space). */
    default void handlerAccess(long physical, int size, boolean write, long value) {
    }

    /** The trap handler created or upgraded a shadow entry for a linear page. */
    default void shadowSync(int linear, long physical, boolean write) {
    }

    /** The whole TLB was flushed ({@code byPool}: at the pool's request). */
    default void tlbFlush(boolean byPool) {
    }

    /** The shadow roots were resynchronised from CR3 at the pool's request. */
    default void cr3Sync(boolean poolCleared) {
    }

    /** The trap handler finished with one miss (a sync, a handler access or a guest fault decided). */
    default void trapHandled(int linear) {
    }
}
