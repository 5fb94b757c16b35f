package org.shadowbench.pool;

import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.memory.PhysicalMemory;

/**
 * Makes shadow page pools. The pool bundle provides the implementation as an OSGi service (a
 * Declarative Services component) and as a {@link java.util.ServiceLoader} provider listed in its
 * {@code META-INF/services}, for plain class paths; the layer that assembles an engine obtains it
 * (usually handing {@code hooks -> factory.create(...)} to the CPU factory, which supplies the hooks).
 *
 * <p>Threading: a factory holds no state and may be used from any thread; a pool belongs to the
 * thread that owns its page model.
 */
public interface ShadowPagePoolFactory {
    /**
     * A pool over the page model. It listens to the model, becomes the registry's
     * {@link org.shadowbench.handlers.ShadowPageTables} and registers its monitoring handler type there.
     *
     * @param hooks the execution engine's side: TLB flushes, CR3 syncs, the faulting instruction
     * @throws NullPointerException when an argument is {@code null}
     */
    ShadowPagePool create(PhysicalMemory memory, PhysicalHandlerRegistry registry, PoolConfiguration configuration,
            PoolHooks hooks);
}
