package org.shadowbench.handlers;

import java.io.IOException;
import java.util.List;

import org.shadowbench.memory.ReadOnlyPhysicalMemory;

/**
 * The read-only surface of the physical access handler registry: which handlers cover which
 * addresses, the counters, the dump and the consistency check. Views and the debugger take this
 * type where they only look; {@link PhysicalHandlerRegistry} extends it with registration and the
 * access dispatch (which calls handlers, so it is not a read).
 *
 * <p>Read-only describes this surface, not the object behind it: the registry keeps changing on the
 * emulation thread. Not thread-safe: call it on the emulation thread.
 */
public interface ReadOnlyHandlerRegistry {
    /** The page model the registry maintains, seen read-only. */
    ReadOnlyPhysicalMemory memory();

    /** Whether a handler covers the address (PGMHandlerPhysicalIsRegistered). */
    boolean isRegistered(long address);

    /**
     * Whether the handler covering the address intercepts reads too (pgmHandlerPhysicalIsAll);
     * {@code true} when none does, as the reference answers.
     */
    boolean isAll(long address);

    // ------------------------------------------------------------ look-up

    /** The handler starting exactly at the address, or {@code null}. */
    PhysicalHandler handlerAt(long first);

    /** The handler covering the address, or {@code null} (pgmHandlerPhysicalLookup; last-hit cached). */
    PhysicalHandler lookup(long address);

    /**
     * Best fit by start address: with {@code above}, the handler with the smallest start at or above the
     * address; without, the handler with the largest start at or below it. {@code null} when none.
     */
    PhysicalHandler bestFit(long address, boolean above);

    /**
     * The registered handlers in address order, overlays included (an overlay comes after the ordinary
     * handler starting at the same address): every list of handlers shows them.
     */
    List<PhysicalHandler> handlers();

    /** Number of registered handlers, overlays included. */
    int handlerCount();

    /**
     * The overlay handler covering the address, or {@code null}.
     *
     * @since 0.1 (default method, added for physical watchpoints)
     */
    default PhysicalHandler overlayAt(long address) {
        return null;
    }

    /**
     * The registered overlay handlers in address order.
     *
     * @since 0.1 (default method, added for physical watchpoints)
     */
    default List<PhysicalHandler> overlays() {
        return List.of();
    }

    // ------------------------------------------------------------ inspection

    /** A copy of the counters. */
    RegistryStatistics statistics();

    /** Writes the handler table in the spirit of VirtualBox's {@code info handlers}. */
    void dump(Appendable out) throws IOException;

    /**
     * Checks the registry against the page model both ways (PGMAssertHandlerAndFlagsInSync and the
     * reverse check), and the handler tree's own invariants. Returns the violations.
     */
    List<String> check();
}
