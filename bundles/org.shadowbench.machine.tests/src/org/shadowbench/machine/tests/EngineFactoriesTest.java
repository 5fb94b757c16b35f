package org.shadowbench.machine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;
import org.shadowbench.cpu.CpuFactory;
import org.shadowbench.handlers.PhysicalHandlerRegistryFactory;
import org.shadowbench.machine.EngineFactories;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.memory.MemoryConfiguration;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.PhysicalMemoryFactory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.pool.ShadowPagePoolFactory;

/**
 * The engine factories reach the machine both ways: through {@link java.util.ServiceLoader}
 * ({@link EngineFactories#standard()}, what the plain-class-path runner uses, exercised here inside
 * OSGi) and as Declarative Services components. Both name the same implementation, provided by the
 * bundle that defines the factory interface, and a machine built from given factories uses them for
 * its first engine and for the one a reset builds.
 */
class EngineFactoriesTest {
    private final BundleContext context = FrameworkUtil.getBundle(getClass()).getBundleContext();

    private <T> T service(Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        try {
            T found = tracker.waitForService(10_000);
            assertNotNull(found, "Felix SCR registers the " + type.getSimpleName() + " component");
            return found;
        } finally {
            tracker.close();
        }
    }

    @Test
    void theServicesAndTheServiceLoaderAgreeOnEachBundlesOwnImplementation() throws InterruptedException {
        EngineFactories standard = EngineFactories.standard();
        List<Object> loaded = List.of(standard.memory(), standard.registry(), standard.pool(), standard.cpu());
        List<Class<?>> types = List.of(PhysicalMemoryFactory.class, PhysicalHandlerRegistryFactory.class,
                ShadowPagePoolFactory.class, CpuFactory.class);
        for (int i = 0; i < types.size(); i++) {
            Class<?> type = types.get(i);
            Object registered = service(type);
            assertSame(loaded.get(i).getClass(), registered.getClass(), type.getSimpleName());
            assertSame(FrameworkUtil.getBundle(type), FrameworkUtil.getBundle(registered.getClass()),
                    type.getSimpleName() + " is implemented by the bundle that defines it");
        }
        assertSame(standard, EngineFactories.standard(), "looked up once");
    }

    @Test
    void aMachineBuildsEveryEngineFromTheFactoriesItWasGiven() throws InterruptedException {
        PhysicalMemoryFactory memories = service(PhysicalMemoryFactory.class);
        AtomicInteger built = new AtomicInteger();
        PhysicalMemoryFactory counting = new PhysicalMemoryFactory() {
            @Override
            public PhysicalMemory create(MemoryConfiguration configuration) {
                built.incrementAndGet();
                return memories.create(configuration);
            }
        };
        EngineFactories factories = new EngineFactories(counting, service(PhysicalHandlerRegistryFactory.class),
                service(ShadowPagePoolFactory.class), service(CpuFactory.class));
        MachineConfiguration configuration = MachineConfiguration.defaults().withRam(16L << 20);
        try (Machine machine = new Machine(configuration, factories);
                Machine reference = new Machine(configuration)) {
            assertEquals(1, built.get());
            assertEquals(layout(reference), layout(machine), "the same PC either way");
            assertEquals(List.of(), machine.check());
            machine.start();
            machine.reset().join();
            assertEquals(2, built.get(), "the reset's engine comes from the same factories");
            assertEquals(List.of(), machine.submit(Machine::check).join());
        }
    }

    private static List<String> layout(Machine machine) {
        return machine.memory().ranges().stream().map(range -> describe(range)).toList();
    }

    private static String describe(RamRange range) {
        return Long.toHexString(range.first()) + "-" + Long.toHexString(range.last()) + " " + range.kind() + " "
                + range.description();
    }

    @Test
    void everyFactoryIsRequired() {
        EngineFactories standard = EngineFactories.standard();
        assertThrows(NullPointerException.class,
                () -> new EngineFactories(null, standard.registry(), standard.pool(), standard.cpu()));
        assertThrows(NullPointerException.class,
                () -> new EngineFactories(standard.memory(), standard.registry(), standard.pool(), null));
    }
}
