package org.shadowbench.handlers;

/**
 * Handler range notifications for an execution engine (VirtualBox's NEMHCNotifyHandlerPhysical*).
 * Every method defaults to nothing. Called on the emulation thread.
 */
public interface HandlerEngineListener {
    /** A handler now covers [first, first + size). */
    default void handlerRegistered(HandlerKind kind, long first, long size) {
    }

    /**
     * A handler left [first, first + size), page aligned so that pages still covered by other handlers
     * are excluded.
     *
     * @param restoreAsRam  the caller's hint: 1 yes, 0 no, -1 unknown
     * @param restoreAsRam2 whether the pages likely become plain RAM (the handler was not MMIO)
     */
    default void handlerDeregistered(HandlerKind kind, long first, long size, int restoreAsRam, boolean restoreAsRam2) {
    }

    /** A handler moved from {@code oldFirst} to [newFirst, newFirst + size). */
    default void handlerModified(HandlerKind kind, long oldFirst, long newFirst, long size, boolean restoreAsRam) {
    }
}
