package org.shadowbench.machine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
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
import org.shadowbench.machine.DeviceCatalog;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.machine.RunResult;
import org.shadowbench.machine.StopCause;

/**
 * Devices arriving and departing while a guest runs: a device bundle (built here from the classes
 * in {@code ...tests.device}) is installed, stopped and started again under a running guest that
 * keeps reading the device's port. While it is there the guest reads its answer; once stopped, the
 * guest reads an unclaimed port (all ones) and no call reaches the device code; after a restart it
 * answers again. The page model, registry and pool stay consistent.
 */
class DeviceWhiteboardTest {
    private static final String DEVICE_PACKAGE = "org/shadowbench/machine/tests/device";
    private static final String[] DEVICE_CLASSES = { "PortDeviceActivator", "PortDeviceActivator$1", "PortDevice" };
    /** Where the guest stores what it read. */
    private static final long RESULT = 0x9000;

    private final BundleContext context = FrameworkUtil.getBundle(getClass()).getBundleContext();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final Machine machine = new Machine(MachineConfiguration.defaults().withRam(16L << 20));
    private ServiceRegistration<?> probeRegistration;
    private Bundle device;

    @AfterEach
    void tearDown() throws Exception {
        machine.close();
        if (device != null) {
            device.uninstall();
        }
        if (probeRegistration != null) {
            probeRegistration.unregister();
        }
    }

    private DeviceCatalog catalog() throws InterruptedException {
        ServiceTracker<DeviceCatalog, DeviceCatalog> tracker = new ServiceTracker<>(context, DeviceCatalog.class, null);
        tracker.open();
        try {
            DeviceCatalog catalog = tracker.waitForService(10_000);
            assertNotNull(catalog, "Felix SCR activates the device whiteboard");
            return catalog;
        } finally {
            tracker.close();
        }
    }

    private byte[] deviceBundle() throws IOException {
        Manifest manifest = new Manifest();
        Attributes attributes = manifest.getMainAttributes();
        attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.putValue("Bundle-ManifestVersion", "2");
        attributes.putValue("Bundle-SymbolicName", "org.shadowbench.machine.tests.portdevice");
        attributes.putValue("Bundle-Version", "1.0.0");
        attributes.putValue("Bundle-Activator", "org.shadowbench.machine.tests.device.PortDeviceActivator");
        attributes.putValue("Import-Package", "org.osgi.framework;version=\"[1.10,2)\","
                + "org.shadowbench.cpu;version=\"[1.0,2)\",org.shadowbench.machine;version=\"[0.2,0.3)\"");
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

    /** Waits until the byte the guest last read satisfies the condition. */
    private void awaitResult(LongPredicate condition, String what) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            long value = machine.submit(m -> m.memory().read(RESULT, 1)).join();
            if (condition.test(value)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the guest never saw " + what + "; calls " + calls);
    }

    @Test
    void deviceBundleComesAndGoesUnderARunningGuest() throws Exception {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("shadowbench.probe", "true");
        Consumer<String> probe = calls::add;
        probeRegistration = context.registerService(Consumer.class.getName(), probe, properties);
        // L: mov dx, 0x600 ; in al, dx ; mov [0x9000], al ; jmp L
        machine.loadFlat(HexFormat.of().parseHex("66ba0006eca200900000ebf4"), 0x8000);
        machine.start();
        DeviceCatalog catalog = catalog();
        try (AutoCloseable connection = catalog.connect(machine)) {
            var running = machine.run(0, Duration.ofMinutes(1));
            awaitResult(v -> v == 0xff, "an unclaimed port before the device arrives");
            device = context.installBundle("shadowbench:port-device", new ByteArrayInputStream(deviceBundle()));
            device.start();
            awaitResult(v -> v == 0x42, "the device's answer");
            assertTrue(catalog.deviceNames().contains("test-port-device"), catalog.deviceNames().toString());
            device.stop();
            int callsAtStop = calls.size();
            assertEquals("detach", calls.get(callsAtStop - 1), "detached before the service was gone");
            awaitResult(v -> v == 0xff, "an unclaimed port after the device left");
            Thread.sleep(50);
            assertEquals(callsAtStop, calls.size(), "no call reached the departed device");
            device.start();
            awaitResult(v -> v == 0x42, "the device's answer after a restart");
            machine.pause().join();
            RunResult result = running.join();
            assertEquals(StopCause.PAUSED, result.cause());
            List<String> problems = machine.submit(Machine::check).join();
            assertEquals(List.of(), problems);
            assertEquals(List.of(), catalog.refusals());
        }
        assertEquals("detach", calls.get(calls.size() - 1), "closing the connection detached the device");
    }
}
