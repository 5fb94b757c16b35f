package org.shadowbench.handlers.internal;

import java.util.Objects;

import org.osgi.service.component.annotations.Component;
import org.shadowbench.handlers.HandlerEngineListener;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.handlers.PhysicalHandlerRegistryFactory;
import org.shadowbench.handlers.ShadowPageTables;
import org.shadowbench.memory.PhysicalMemory;

/**
 * The bundle's {@link PhysicalHandlerRegistryFactory}: an OSGi service through Declarative Services,
 * and a {@link java.util.ServiceLoader} provider (listed in {@code META-INF/services}) for plain class
 * paths, which is why it keeps the public no-argument constructor.
 */
@Component(service = PhysicalHandlerRegistryFactory.class)
public final class PhysicalHandlerRegistryProvider implements PhysicalHandlerRegistryFactory {
    @Override
    public PhysicalHandlerRegistry create(PhysicalMemory memory, ShadowPageTables shadow, HandlerEngineListener engine) {
        return new PhysicalHandlerRegistryImpl(Objects.requireNonNull(memory, "memory"),
                Objects.requireNonNull(shadow, "shadow"), engine);
    }
}
