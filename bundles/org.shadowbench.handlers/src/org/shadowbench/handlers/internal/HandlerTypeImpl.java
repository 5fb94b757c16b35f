package org.shadowbench.handlers.internal;

import java.util.ArrayList;
import java.util.List;

import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.handlers.HandlerTypeService;
import org.shadowbench.handlers.PhysicalAccessCallback;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;

/** A handler type of one registry, with the handlers created from it. */
public final class HandlerTypeImpl implements HandlerType {
    final PhysicalHandlerRegistryImpl owner;
    private final HandlerKind kind;
    private final String description;
    private final PhysicalAccessCallback callback;
    /** The whiteboard service the type stands for, or {@code null}. */
    final HandlerTypeService service;
    /** Whether handlers of the type are overlays (observers sharing pages with ordinary handlers). */
    final boolean overlay;
    private int references = 1;
    /**
     * Set when the type's service departs, before its handlers are removed: from then on no
     * callback is made. Volatile because departure is noticed on an OSGi thread.
     */
    private volatile boolean departed;
    /**
     * Handlers created from this type and not destroyed yet, registered or not. Unordered: a
     * handler knows its slot, so that removal swaps the last one in and costs O(1).
     */
    final List<PhysicalHandlerImpl> handlers = new ArrayList<>();

    HandlerTypeImpl(PhysicalHandlerRegistryImpl owner, HandlerKind kind, String description,
            PhysicalAccessCallback callback, HandlerTypeService service, boolean overlay) {
        this.owner = owner;
        this.overlay = overlay;
        this.kind = kind;
        this.description = description;
        this.callback = callback;
        this.service = service;
    }

    @Override
    public HandlerKind kind() {
        return kind;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public PhysicalAccessCallback callback() {
        return callback;
    }

    @Override
    public boolean isOverlay() {
        return overlay;
    }

    @Override
    public int referenceCount() {
        return references;
    }

    @Override
    public boolean isLive() {
        return references > 0 && !departed;
    }

    /** Whether callbacks may be made. */
    boolean mayCall() {
        return !departed;
    }

    void markDeparted() {
        departed = true;
    }

    private void checkAlive(String operation) {
        if (references <= 0) {
            throw new PgmException(PgmStatus.VERR_INVALID_HANDLE, operation + " of dead handler type '" + description + "'");
        }
    }

    @Override
    public int retain() {
        checkAlive("retain");
        return ++references;
    }

    @Override
    public int release() {
        checkAlive("release");
        return --references;
    }

    void adopt(PhysicalHandlerImpl handler) {
        handler.typeSlot = handlers.size();
        handlers.add(handler);
    }

    void disown(PhysicalHandlerImpl handler) {
        PhysicalHandlerImpl last = handlers.remove(handlers.size() - 1);
        if (last != handler) {
            handlers.set(handler.typeSlot, last);
            last.typeSlot = handler.typeSlot;
        }
        handler.typeSlot = -1;
    }

    /** Whether the handler is one of this type's. */
    boolean owns(PhysicalHandlerImpl handler) {
        return handler.typeSlot >= 0 && handler.typeSlot < handlers.size() && handlers.get(handler.typeSlot) == handler;
    }

    @Override
    public String toString() {
        return kind + (overlay ? " overlay '" : " '") + description + "'";
    }
}
