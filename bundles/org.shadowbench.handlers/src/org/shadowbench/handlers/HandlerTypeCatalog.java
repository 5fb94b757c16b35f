package org.shadowbench.handlers;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The OSGi service that tracks every {@link HandlerTypeService} (the whiteboard) and tells
 * attached registries when one departs.
 */
public interface HandlerTypeCatalog {
    /** The handler type services present now. */
    List<HandlerTypeService> types();

    /**
     * Attaches a registry. When a type service departs, the catalog runs
     * {@link PhysicalHandlerRegistry#retireType(HandlerTypeService)} on {@code engine} (the thread
     * owning the registry) and waits for it, so that no callback reaches the departed code after the
     * service is gone.
     *
     * @return closing it detaches the registry
     */
    default AutoCloseable attach(PhysicalHandlerRegistry registry, Executor engine) {
        return attach(() -> registry, engine);
    }

    /**
     * Attaches whichever registry {@code registry} names when a type departs: for an owner that
     * replaces its registry (a machine's reset builds a new one). The supplier is asked on
     * {@code engine}.
     *
     * @return closing it detaches the registry
     */
    AutoCloseable attach(Supplier<PhysicalHandlerRegistry> registry, Executor engine);
}
