package org.shadowbench.cpu;

import java.util.function.Function;

import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.pool.PoolHooks;
import org.shadowbench.pool.ShadowPagePool;

/**
 * Makes CPUs. The cpu bundle provides the implementation as an OSGi service (a Declarative Services
 * component) and as a {@link java.util.ServiceLoader} provider listed in its {@code META-INF/services},
 * for plain class paths; the layer that assembles an engine obtains it.
 *
 * <p>Threading: a factory holds no state and may be used from any thread; a CPU belongs to the
 * thread that owns its page model.
 */
public interface CpuFactory {
    /**
     * A CPU over the engine's layers, reset, with its TLB listening to the page model. The pool is built
     * by {@code poolFactory} with the CPU as its {@link PoolHooks} (for example
     * {@code hooks -> pools.create(memory, registry, configuration, hooks)} with a
     * {@link org.shadowbench.pool.ShadowPagePoolFactory}), since each needs the other.
     *
     * @param io         the port bus IN and OUT go to
     * @param interrupts the interrupt input
     * @throws NullPointerException when an argument is {@code null}
     */
    Cpu create(PhysicalMemory memory, PhysicalHandlerRegistry registry, Function<PoolHooks, ShadowPagePool> poolFactory,
            IoPortBus io, InterruptController interrupts);
}
