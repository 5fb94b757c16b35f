package org.shadowbench.memory.internal;

import java.util.Objects;

import org.osgi.service.component.annotations.Component;
import org.shadowbench.memory.MemoryConfiguration;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.PhysicalMemoryFactory;

/**
 * The bundle's {@link PhysicalMemoryFactory}: an OSGi service through Declarative Services, and a
 * {@link java.util.ServiceLoader} provider (listed in {@code META-INF/services}) for plain class
 * paths. It needs the public no-argument constructor for the latter.
 */
@Component(service = PhysicalMemoryFactory.class)
public final class PhysicalMemoryProvider implements PhysicalMemoryFactory {
    @Override
    public PhysicalMemory create(MemoryConfiguration configuration) {
        return new PhysicalMemoryImpl(Objects.requireNonNull(configuration, "configuration"));
    }
}
