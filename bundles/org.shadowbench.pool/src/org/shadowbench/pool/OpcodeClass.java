package org.shadowbench.pool;

/** The instruction classes the pool's write heuristics tell apart. */
public enum OpcodeClass {
    /** Any instruction not listed below (MOV, ADD, AND, CMPXCHG, ...). */
    OTHER,
    /** PUSH: a write through ESP, so the page is likely a stack now. */
    PUSH,
    /** PUSHF. */
    PUSHF,
    /** PUSHA/PUSHAD. */
    PUSHA,
    /** FXSAVE: 512 bytes of FPU state, not a page table. */
    FXSAVE,
    /** BTR: Linux clears PTE.RW with it when forking (copy-on-write setup). */
    BTR,
    /** STOSD/STOSW (the reference's OP_STOSWD): memset of page tables. */
    STOS,
    /** MOVS: copying. */
    MOVS
}
