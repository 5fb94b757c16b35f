package org.shadowbench.debug.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.shadowbench.debug.PhysicalWatchpoint;
import org.shadowbench.handlers.AccessOrigin;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.AccessType;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.handlers.PhysicalAccess;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.machine.Machine;

/**
 * The physical watchpoints of one debug target as overlay handlers of the type "debugger watch" in the
 * machine's registry. Every method but {@link #takeHit()} runs on the emulation thread. A hit records
 * the access and pauses the machine, which stops after the accessing instruction completes; the
 * target then reports the hit.
 */
final class Watches {
    /** The description of the handler types, as handler lists show it. */
    static final String TYPE_DESCRIPTION = "debugger watch";

    /** What a watch handler's callback needs; its user argument. */
    private record Watch(PhysicalWatchpoint watchpoint, boolean reads, boolean writes) {
    }

    private final Machine machine;
    private final AtomicReference<WatchHit> pending = new AtomicReference<>();
    // Emulation thread only.
    private PhysicalHandlerRegistry registry;
    private HandlerType writeType;
    private HandlerType allType;
    private final Map<PhysicalWatchpoint, PhysicalHandler> handlers = new HashMap<>();

    Watches(Machine machine) {
        this.machine = machine;
    }

    /** The types of the machine's current registry (a reset builds a new one, without the old watches). */
    private void types(Machine m) {
        if (m.registry() != registry) {
            registry = m.registry();
            handlers.clear();
            writeType = registry.registerOverlayType(HandlerKind.WRITE, TYPE_DESCRIPTION, this::onAccess);
            allType = registry.registerOverlayType(HandlerKind.ALL, TYPE_DESCRIPTION, this::onAccess);
        }
    }

    /**
     * Installs a watchpoint (emulation thread): an overlay handler over its range, WRITE when only writes
     * stop the guest, else ALL.
     *
     * @throws org.shadowbench.memory.PgmException when the registry refuses the range
     */
    void install(Machine m, PhysicalWatchpoint watchpoint, long address, int length, boolean reads, boolean writes) {
        types(m);
        remove(m, watchpoint);
        if (!reads && !writes) {
            return;
        }
        HandlerType type = reads ? allType : writeType;
        String description = String.format("watch %s%s %#x+%d", reads ? "R" : "", writes ? "W" : "", address, length);
        PhysicalHandler handler = registry.create(type, new Watch(watchpoint, reads, writes), description);
        try {
            registry.register(handler, address, address + length - 1);
        } catch (RuntimeException e) {
            registry.destroy(handler);
            throw e;
        }
        handlers.put(watchpoint, handler);
    }

    /** Removes a watchpoint's handler, if installed (emulation thread). */
    void remove(Machine m, PhysicalWatchpoint watchpoint) {
        types(m);
        PhysicalHandler handler = handlers.remove(watchpoint);
        if (handler != null) {
            if (handler.isRegistered()) {
                registry.deregister(handler);
            }
            registry.destroy(handler);
        }
    }

    /** The overlay handler of an installed watchpoint, or {@code null} (emulation thread). */
    PhysicalHandler handler(PhysicalWatchpoint watchpoint) {
        return handlers.get(watchpoint);
    }

    /** The hit not yet reported, which is then forgotten (any thread). */
    WatchHit takeHit() {
        return pending.getAndSet(null);
    }

    /** Whether a hit waits to be reported (any thread). */
    boolean hasHit() {
        return pending.get() != null;
    }

    /** Forgets a hit not reported (a new run starts). */
    void clear() {
        pending.set(null);
    }

    /**
     * The callback: records the first hit of the guest or a device (the debugger's own reads do not
     * count) and asks the machine to pause after the instruction. Only observes: the access proceeds.
     */
    private AccessOutcome onAccess(PhysicalAccess access, Object user) {
        Watch watch = (Watch) user;
        boolean write = access.type() == AccessType.WRITE;
        if (access.origin() == AccessOrigin.DEBUGGER || (write ? !watch.writes : !watch.reads) || pending.get() != null) {
            return AccessOutcome.DEFAULT;
        }
        boolean cpu = access.origin() == AccessOrigin.CPU;
        WatchHit hit = new WatchHit(watch.watchpoint, access.address(), access.size(), access.type(),
                write ? access.value() : null, access.origin(), cpu ? machine.cpu().accessingEip() : 0);
        if (pending.compareAndSet(null, hit)) {
            machine.pause();
        }
        return AccessOutcome.DEFAULT;
    }
}
