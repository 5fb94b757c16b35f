package org.example.shadowbench.ticker.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;
import org.shadowbench.devices.debugexit.DebugExitPort;
import org.shadowbench.devices.pic.Pic8259Pair;
import org.shadowbench.devices.serial.Uart16550;
import org.shadowbench.guests.GuestSuite;
import org.shadowbench.handlers.HandlerTypeCatalog;
import org.shadowbench.machine.DeviceCatalog;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.machine.RunResult;
import org.shadowbench.machine.StopCause;

/**
 * The sample device end to end, as a user would use it: a guest waits for the ticker in a running
 * machine, the ticker's bundle (the jar this build made) is installed and started, the machine
 * picks the device up through the whiteboard, and the guest drives it to a passing end. Stopping
 * the bundle afterwards takes the device and its handler type away cleanly.
 */
class TickerInstallTest {
    private final BundleContext context = FrameworkUtil.getBundle(getClass()).getBundleContext();

    private <T> T service(Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        try {
            T service = tracker.waitForService(10_000);
            assertNotNull(service, type.getSimpleName() + " is active");
            return service;
        } finally {
            tracker.close();
        }
    }

    private static void awaitOutput(ByteArrayOutputStream serial, String text) throws InterruptedException {
        for (int i = 0; i < 1000 && !serial.toString(StandardCharsets.UTF_8).contains(text); i++) {
            Thread.sleep(10);
        }
        assertTrue(serial.toString(StandardCharsets.UTF_8).contains(text), "the guest printed '" + text + "'");
    }

    @Test
    void installedIntoARunningMachineTheTickerIsDrivenByTheGuest() throws Exception {
        Path jar = Path.of(System.getProperty("ticker.bundle", "ticker.bundle is not set"));
        assertTrue(Files.isRegularFile(jar), "the device bundle was built: " + jar);
        assertFalse(List.of(context.getBundles()).stream().anyMatch(b -> b.getSymbolicName().equals("org.example.shadowbench.ticker")),
                "the device is not in the framework before the test installs it");
        DeviceCatalog devices = service(DeviceCatalog.class);
        HandlerTypeCatalog handlerTypes = service(HandlerTypeCatalog.class);
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        Bundle ticker = null;
        try (Machine machine = new Machine(MachineConfiguration.defaults().withRam(16L << 20))) {
            machine.attach(new Uart16550("com1", Uart16550.COM1, InputStream.nullInputStream(), serial));
            machine.attach(new DebugExitPort());
            machine.attach(new Pic8259Pair());
            machine.loadMultiboot(GuestSuite.image("ticker"), "ticker", List.of());
            machine.start();
            try (AutoCloseable connection = devices.connect(machine)) {
                CompletableFuture<RunResult> running = machine.run(0, Duration.ofMinutes(2));
                awaitOutput(serial, "waiting for the ticker");
                ticker = context.installBundle(jar.toUri().toString());
                ticker.start();
                RunResult result = running.join();
                String output = serial.toString(StandardCharsets.UTF_8);
                assertEquals(StopCause.EXIT, result.cause(), output);
                assertEquals(0, result.exitCode(), output);
                assertTrue(output.contains("ticker: 6 passed, 0 failed"), output);
                assertTrue(devices.deviceNames().contains("example-ticker"), devices.deviceNames().toString());
                assertTrue(handlerTypes.types().stream().anyMatch(t -> t.description().equals("example ticker registers")));
                assertTrue(machine.submit(m -> m.registry().isRegistered(0xfeb0_0000L)).join(), "its registers are mapped");

                ticker.stop();
                assertFalse(machine.submit(m -> m.registry().isRegistered(0xfeb0_0000L)).join(), "gone with its bundle");
                assertTrue(machine.submit(m -> m.memory().rangeAt(0xfeb0_0000L) == null).join(), "and so is its range");
                List<String> problems = machine.submit(Machine::check).join();
                assertEquals(List.of(), problems);
                // The framework's own COM1, PIC and debug-exit services are refused (the test attached its
                // own, to read the serial output); the ticker never is.
                assertTrue(devices.refusals().stream().noneMatch(r -> r.startsWith("example-ticker")), devices.refusals().toString());
            }
        } finally {
            if (ticker != null) {
                ticker.uninstall();
            }
        }
    }
}
