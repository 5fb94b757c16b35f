package org.shadowbench.machine;

import java.util.Iterator;
import java.util.Objects;
import java.util.ServiceLoader;

import org.shadowbench.cpu.CpuFactory;
import org.shadowbench.handlers.PhysicalHandlerRegistryFactory;
import org.shadowbench.memory.PhysicalMemoryFactory;
import org.shadowbench.pool.ShadowPagePoolFactory;

/**
 * The factories of the four engine layers a {@link Machine} is built from: page model, handler
 * registry, shadow page pool and CPU. Each engine bundle provides its factory as an OSGi service and
 * as a {@link ServiceLoader} provider; this is where the assembling layer gets hold of them.
 *
 * <p>{@link #standard()} finds the providers through {@link ServiceLoader}, asking each factory
 * interface's own class loader. That works on a plain class path (the headless runner, JMH) and
 * inside OSGi alike without any extra resolver, because every engine bundle lists its provider in
 * its own {@code META-INF/services} and the interface's class loader is that bundle's. OSGi code that
 * prefers the service registry builds an instance from the four services instead.
 *
 * @param memory   makes page models
 * @param registry makes handler registries
 * @param pool     makes shadow page pools
 * @param cpu      makes CPUs
 */
public record EngineFactories(PhysicalMemoryFactory memory, PhysicalHandlerRegistryFactory registry,
        ShadowPagePoolFactory pool, CpuFactory cpu) {

    public EngineFactories {
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(cpu, "cpu");
    }

    /** Found once and shared: the factories hold no state. */
    private static EngineFactories standard;

    /**
     * The engine bundles' own factories, as listed in their {@code META-INF/services}.
     *
     * @throws IllegalStateException when an engine bundle is missing from the class path or lists no
     *         provider, or lists more than one
     */
    public static synchronized EngineFactories standard() {
        if (standard == null) {
            standard = new EngineFactories(provider(PhysicalMemoryFactory.class),
                    provider(PhysicalHandlerRegistryFactory.class), provider(ShadowPagePoolFactory.class),
                    provider(CpuFactory.class));
        }
        return standard;
    }

    /** The single provider of {@code type} that the bundle defining it lists. */
    static <T> T provider(Class<T> type) {
        Iterator<T> providers = ServiceLoader.load(type, type.getClassLoader()).iterator();
        if (!providers.hasNext()) {
            throw new IllegalStateException("no " + type.getName() + " provider: META-INF/services/" + type.getName()
                    + " is missing from the class path");
        }
        T found = providers.next();
        if (providers.hasNext()) {
            throw new IllegalStateException("more than one " + type.getName() + " provider on the class path; "
                    + "pass the factories to the Machine explicitly");
        }
        return found;
    }
}
