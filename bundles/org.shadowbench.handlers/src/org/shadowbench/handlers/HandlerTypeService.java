package org.shadowbench.handlers;

/**
 * The whiteboard contract for device bundles: publish an implementation as an OSGi service and
 * every registry attached to the {@link HandlerTypeCatalog} can create handlers of that type with
 * {@link PhysicalHandlerRegistry#typeFor(HandlerTypeService)}. When the service goes away (the
 * bundle stops or is updated) every handler of the type is deregistered, its pages restored, and
 * the callback is never called again.
 */
public interface HandlerTypeService extends PhysicalAccessCallback {
    /** What the type's handlers intercept. */
    HandlerKind kind();

    /** Description shown in dumps and views. */
    String description();
}
