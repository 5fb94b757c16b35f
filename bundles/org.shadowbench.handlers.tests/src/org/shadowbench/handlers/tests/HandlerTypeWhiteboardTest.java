package org.shadowbench.handlers.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;
import org.shadowbench.handlers.AccessOrigin;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.handlers.HandlerTypeCatalog;
import org.shadowbench.handlers.HandlerTypeService;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.handlers.PhysicalHandlerRegistryFactory;
import org.shadowbench.handlers.ShadowPageTables;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.tests.Factories;

/**
 * The OSGi whiteboard end to end: a device bundle (built here from the classes in
 * {@code ...tests.device}) publishes a handler type service; a registry owned by an "emulation
 * thread" registers handlers of it; stopping the bundle removes the handlers and restores their
 * pages before the service is gone, and no callback reaches the device afterwards; restarting it
 * brings the type back.
 */
class HandlerTypeWhiteboardTest {
    private static final String DEVICE_PACKAGE = "org/shadowbench/handlers/tests/device";
    private static final String[] DEVICE_CLASSES = { "ProbedDeviceActivator", "ProbedDeviceType" };

    private final BundleContext context = FrameworkUtil.getBundle(getClass()).getBundleContext();
    private final ExecutorService engine = Executors.newSingleThreadExecutor(r -> new Thread(r, "test emulation thread"));
    private final List<String> probed = new CopyOnWriteArrayList<>();
    private final PhysicalMemory memory = Factories.MEMORY.create();
    private final RamRange ram = memory.registerRam(0, 0xfffff, "RAM");
    private final PhysicalHandlerRegistry registry = Factories.provider(PhysicalHandlerRegistryFactory.class)
            .create(memory, ShadowPageTables.NONE, null);
    private ServiceRegistration<?> probeRegistration;
    private Bundle device;

    @AfterEach
    void tearDown() throws Exception {
        if (device != null) {
            device.uninstall();
        }
        if (probeRegistration != null) {
            probeRegistration.unregister();
        }
        engine.shutdownNow();
    }

    private <T> T onEngine(Callable<T> task) throws Exception {
        return engine.submit(task).get(10, TimeUnit.SECONDS);
    }

    private HandlerTypeCatalog catalog() throws InterruptedException {
        ServiceTracker<HandlerTypeCatalog, HandlerTypeCatalog> tracker = new ServiceTracker<>(context,
                HandlerTypeCatalog.class, null);
        tracker.open();
        try {
            HandlerTypeCatalog catalog = tracker.waitForService(10_000);
            assertNotNull(catalog, "Felix SCR activates the whiteboard component");
            return catalog;
        } finally {
            tracker.close();
        }
    }

    private HandlerTypeService awaitDeviceType(HandlerTypeCatalog catalog) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            for (HandlerTypeService type : catalog.types()) {
                if (type.description().equals("probed test device")) {
                    return type;
                }
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the device's handler type never arrived; catalog has " + catalog.types());
    }

    /** Packs the device classes with a manifest into a bundle jar. */
    private byte[] deviceBundle() throws IOException {
        Manifest manifest = new Manifest();
        Attributes attributes = manifest.getMainAttributes();
        attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.putValue("Bundle-ManifestVersion", "2");
        attributes.putValue("Bundle-SymbolicName", "org.shadowbench.handlers.tests.probeddevice");
        attributes.putValue("Bundle-Version", "1.0.0");
        attributes.putValue("Bundle-Activator", "org.shadowbench.handlers.tests.device.ProbedDeviceActivator");
        attributes.putValue("Import-Package",
                "org.osgi.framework;version=\"[1.10,2)\",org.shadowbench.handlers;version=\"[1.0,2)\"");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            for (String name : DEVICE_CLASSES) {
                String path = DEVICE_PACKAGE + "/" + name + ".class";
                try (InputStream in = getClass().getClassLoader().getResourceAsStream(path)) {
                    assertNotNull(in, path + " is in the test bundle");
                    jar.putNextEntry(new JarEntry(path));
                    in.transferTo(jar);
                }
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void departingDeviceTakesItsHandlersAlongAndIsNeverCalledAgain() throws Exception {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("shadowbench.probe", "true");
        Consumer<String> probe = probed::add;
        probeRegistration = context.registerService(Consumer.class.getName(), probe, properties);
        HandlerTypeCatalog catalog = catalog();
        try (AutoCloseable attachment = catalog.attach(registry, engine)) {
            device = context.installBundle("shadowbench:probed-device", new ByteArrayInputStream(deviceBundle()));
            device.start();
            HandlerTypeService service = awaitDeviceType(catalog);

            PhysicalHandler handler = onEngine(() -> {
                HandlerType type = registry.typeFor(service);
                registry.register(0x10000, 0x11fff, type, "regs", null);
                registry.register(0x20000, 0x20fff, type, "more", null);
                return registry.handlerAt(0x10000);
            });
            assertEquals(0x42, (long) onEngine(() -> registry.read(0x10010, 4, AccessOrigin.CPU)));
            onEngine(() -> {
                registry.write(0x20000, 1, 7, AccessOrigin.DEVICE);
                return null;
            });
            assertEquals(List.of("READ 10010 regs", "WRITE 20000 more"), probed);
            assertEquals(PageHandlerState.ALL, ram.handlerState(0x10));

            device.stop();
            assertEquals(0, (int) onEngine(registry::handlerCount), "the handlers left with the service");
            assertTrue(!handler.isRegistered());
            for (int page : new int[] { 0x10, 0x11, 0x20 }) {
                assertEquals(PageHandlerState.NONE, ram.handlerState(page), "page " + page + " restored");
            }
            probed.clear();
            assertEquals(0, (long) onEngine(() -> registry.read(0x10010, 4, AccessOrigin.CPU)), "plain RAM again");
            onEngine(() -> {
                registry.write(0x20000, 1, 7, AccessOrigin.DEVICE);
                return null;
            });
            assertEquals(List.of(), probed, "no callback reaches the departed device");
            assertEquals(List.of(), onEngine(registry::check));
            assertEquals(List.of(), onEngine(memory::check));

            device.start();
            HandlerTypeService again = awaitDeviceType(catalog);
            onEngine(() -> registry.register(0x10000, 0x10fff, registry.typeFor(again), "back", null));
            onEngine(() -> registry.read(0x10000, 1, AccessOrigin.CPU));
            assertEquals(List.of("READ 10000 back"), probed, "the device works again after a restart");
        }
        device.stop();
        assertEquals(1, (int) onEngine(registry::handlerCount), "a detached registry is no longer told");
    }
}
