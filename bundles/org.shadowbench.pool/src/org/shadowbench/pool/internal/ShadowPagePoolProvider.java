package org.shadowbench.pool.internal;

import java.util.Objects;

import org.osgi.service.component.annotations.Component;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.pool.PoolConfiguration;
import org.shadowbench.pool.PoolHooks;
import org.shadowbench.pool.ShadowPagePool;
import org.shadowbench.pool.ShadowPagePoolFactory;

/**
 * The bundle's {@link ShadowPagePoolFactory}: an OSGi service through Declarative Services, and a
 * {@link java.util.ServiceLoader} provider (listed in {@code META-INF/services}) for plain class paths,
 * which is why it keeps the public no-argument constructor.
 */
@Component(service = ShadowPagePoolFactory.class)
public final class ShadowPagePoolProvider implements ShadowPagePoolFactory {
    @Override
    public ShadowPagePool create(PhysicalMemory memory, PhysicalHandlerRegistry registry, PoolConfiguration configuration,
            PoolHooks hooks) {
        return new ShadowPagePoolImpl(Objects.requireNonNull(memory, "memory"), Objects.requireNonNull(registry, "registry"),
                Objects.requireNonNull(configuration, "configuration"), Objects.requireNonNull(hooks, "hooks"));
    }
}
