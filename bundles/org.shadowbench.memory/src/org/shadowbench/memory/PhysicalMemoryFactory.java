package org.shadowbench.memory;

/**
 * Makes page models. The memory bundle provides the implementation twice over: as an OSGi service
 * (a Declarative Services component) and as a {@link java.util.ServiceLoader} provider listed in
 * its {@code META-INF/services}, so that code on a plain class path (the headless runner, JMH
 * benchmarks) finds it as well. The layer that assembles an engine (the machine bundle) obtains
 * it; the API never names the implementation.
 *
 * <p>Threading: a factory holds no state and may be used from any thread; the models it makes
 * belong to the thread that uses them (see {@link PhysicalMemory}).
 */
public interface PhysicalMemoryFactory {
    /**
     * A new, empty page model with the given limits: no ranges, only the zero frame in its store.
     *
     * @throws NullPointerException when {@code configuration} is {@code null}
     */
    PhysicalMemory create(MemoryConfiguration configuration);

    /** A new, empty page model with {@linkplain MemoryConfiguration#defaults() default limits}. */
    default PhysicalMemory create() {
        return create(MemoryConfiguration.defaults());
    }
}
