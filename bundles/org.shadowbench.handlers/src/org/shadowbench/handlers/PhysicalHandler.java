package org.shadowbench.handlers;

/**
 * A physical access handler (PGMPHYSHANDLER): a type, a user argument and, while registered, an
 * inclusive guest-physical range. Created, registered, deregistered and destroyed through the
 * {@link PhysicalHandlerRegistry}; a destroyed handler must not be used again.
 */
public interface PhysicalHandler {
    /** First byte covered, or {@link org.shadowbench.memory.PhysicalMemory#NIL_ADDRESS} when not registered. */
    long first();

    /** Last byte covered (inclusive), or NIL when not registered. */
    long last();

    /** Whether the handler is in the registry. */
    boolean isRegistered();

    /** Pages touched by the range (partial pages included). */
    int pageCount();

    /** Pages currently aliased to MMIO2 or host pages (MMIO handlers). */
    int aliasedPageCount();

    /** Pages whose monitoring is temporarily off (WRITE and ALL handlers). */
    int tempOffPageCount();

    /** The handler's type. */
    HandlerType type();

    /** The argument passed to the type's callback. */
    Object userArgument();

    /** Description (the type's when none was given). */
    String description();

    /** Read accesses dispatched to this handler's callback. */
    long readHits();

    /** Write accesses dispatched to this handler's callback. */
    long writeHits();
}
