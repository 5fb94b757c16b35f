package org.shadowbench.handlers;

import org.shadowbench.memory.PhysicalMemory;

/**
 * Makes handler registries. The handlers bundle provides the implementation as an OSGi service (a
 * Declarative Services component) and as a {@link java.util.ServiceLoader} provider listed in its
 * {@code META-INF/services}, for plain class paths; the layer that assembles an engine obtains it.
 *
 * <p>Threading: a factory holds no state and may be used from any thread; a registry belongs to the
 * thread that owns its page model.
 */
public interface PhysicalHandlerRegistryFactory {
    /**
     * A registry over the page model, with no handlers and no types.
     *
     * @param memory the page model whose page handler states the registry maintains
     * @param shadow shadow paging to update when page states change ({@link ShadowPageTables#NONE} for
     *               none; the pool replaces it when it is built after the registry)
     * @param engine receives handler range notifications ({@code null} for none)
     * @throws NullPointerException when {@code memory} or {@code shadow} is {@code null}
     */
    PhysicalHandlerRegistry create(PhysicalMemory memory, ShadowPageTables shadow, HandlerEngineListener engine);
}
