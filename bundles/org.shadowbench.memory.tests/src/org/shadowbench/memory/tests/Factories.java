package org.shadowbench.memory.tests;

import java.util.Iterator;
import java.util.ServiceLoader;

import org.shadowbench.memory.PhysicalMemoryFactory;

/**
 * The engine bundles' factories for the tests, found as the headless runner finds them: through
 * {@link ServiceLoader} with the factory interface's own class loader, which sees the provider its
 * bundle lists in {@code META-INF/services} (inside OSGi too). Exactly one provider is expected, so a
 * missing or doubled registration fails the test that needs it.
 */
public final class Factories {
    /** One provider per factory interface, found on first use. */
    private static final ClassValue<Object> PROVIDERS = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> type) {
            Iterator<?> found = ServiceLoader.load(type, type.getClassLoader()).iterator();
            if (!found.hasNext()) {
                throw new IllegalStateException("no provider of " + type.getName());
            }
            Object provider = found.next();
            if (found.hasNext()) {
                throw new IllegalStateException("more than one provider of " + type.getName());
            }
            return provider;
        }
    };

    /** The page model factory. */
    public static final PhysicalMemoryFactory MEMORY = provider(PhysicalMemoryFactory.class);

    private Factories() {
    }

    /** The single provider of a factory interface. */
    public static <T> T provider(Class<T> type) {
        return type.cast(PROVIDERS.get(type));
    }
}
