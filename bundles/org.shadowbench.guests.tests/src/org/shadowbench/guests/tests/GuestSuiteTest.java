package org.shadowbench.guests.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.shadowbench.cpu.CpuTracer;
import org.shadowbench.devices.ide.IdeController;
import org.shadowbench.devices.keyboard.Keyboard8042;
import org.shadowbench.devices.vga.VgaText;
import org.shadowbench.guests.GuestSuite;
import org.shadowbench.machine.EventStream;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.machine.RunResult;
import org.shadowbench.machine.StopCause;
import org.shadowbench.pc.StandardPc;

/**
 * Runs every self-checking guest on the {@link StandardPc} (the VGA text console mirrors the serial
 * output): all checks pass, the guest
 * ends through the shutdown port, and the page model, registry and pool are consistent at the end
 * and, in the checked mode (32 MiB of RAM to keep the checkers quick), after every trap-handler call.
 */
class GuestSuiteTest {
    static final List<String> GUESTS = GuestSuite.SELF_CHECKING;
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) passed, (\\d+) failed");

    /** The checkers after every trap, recording the first violations. */
    private static final class CheckingTracer implements CpuTracer {
        private final Machine machine;
        final List<String> problems = new ArrayList<>();
        long traps;
        long syncs;

        CheckingTracer(Machine machine) {
            this.machine = machine;
        }

        @Override
        public void shadowSync(int linear, long physical, boolean write) {
            syncs++;
        }

        @Override
        public void trapHandled(int linear) {
            traps++;
            if (problems.isEmpty()) {
                problems.addAll(machine.check());
                if (!problems.isEmpty()) {
                    problems.add(0, String.format("after trap %d at linear %#x", traps, linear));
                }
            }
        }
    }

    private static void runGuest(String name, long ram, boolean checkEveryTrap) {
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        try (Machine machine = new Machine(MachineConfiguration.defaults().withRam(ram))) {
            // The PC every other entry point builds (runner, views, debugger), so the suite checks that one.
            StandardPc pc = StandardPc.attach(machine, InputStream.nullInputStream(), serial, new IdeController());
            VgaText vga = pc.vga();
            Keyboard8042 keyboard = pc.devices().stream().filter(Keyboard8042.class::isInstance)
                    .map(Keyboard8042.class::cast).findFirst().orElseThrow();
            // The platform guest reads keys typed by the host from IRQ 1 (8259, then I/O APIC) when it says it waits for them.
            boolean typing = name.equals("platform");
            // Installed before loading: the firmware step already reads the GDT through the shadow tables.
            CheckingTracer tracer = new CheckingTracer(machine);
            if (checkEveryTrap) {
                machine.setTracer(tracer);
            }
            machine.loadMultiboot(GuestSuite.image(name), typing ? name + " keys=1" : name, List.of());
            machine.start();
            CompletableFuture<RunResult> running = machine.run(500_000_000L, Duration.ofMinutes(2));
            if (typing) {
                awaitOutput(serial, "waiting for keys");
                machine.execute(m -> keyboard.type("Hello\n")).join();
                // Then again once the kernel has moved the keyboard to the I/O APIC.
                awaitOutput(serial, "waiting for APIC keys");
                machine.execute(m -> keyboard.type("World\n")).join();
            }
            RunResult result = running.join();
            String output = serial.toString(StandardCharsets.UTF_8);
            assertEquals(StopCause.EXIT, result.cause(), () -> result + "\n" + output);
            assertEquals(0, result.exitCode(), () -> "exit code; serial output:\n" + output);
            assertFalse(output.contains("FAIL"), output);
            Matcher summary = SUMMARY.matcher(output);
            assertTrue(summary.find(), output);
            assertTrue(Integer.parseInt(summary.group(1)) >= 10, "a real suite ran: " + summary.group());
            assertEquals("0", summary.group(2));
            List<String> problems = machine.submit(Machine::check).join();
            assertEquals(List.of(), problems, "consistency at the end");
            List<String> screen = machine.submit(m -> vga.screen()).join();
            assertTrue(screen.stream().anyMatch(row -> row.contains(summary.group())),
                    "the VGA console shows the summary too: " + screen);
            if (checkEveryTrap) {
                assertTrue(tracer.traps > 0, "the checked mode saw traps");
                assertEquals(List.of(), tracer.problems, "consistency after every trap");
                EventStream events = machine.events();
                assertEquals(tracer.syncs, events.total(EventStream.Kind.SHADOW_SYNC), "the event stream saw every sync");
                assertTrue(events.total(EventStream.Kind.POOL_ALLOC) > 0, "the event stream saw the pool at work");
                assertEquals(pc.devices().size(), events.total(EventStream.Kind.DEVICE_ARRIVED));
            }
        } catch (org.shadowbench.machine.GuestLoadException e) {
            throw new AssertionError(name + " does not load: " + e.getMessage(), e);
        }
    }

    private static void awaitOutput(ByteArrayOutputStream serial, String text) {
        for (int i = 0; i < 1000; i++) {
            if (serial.toString(StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("the guest never printed '" + text + "': " + serial.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @FieldSource("GUESTS")
    void guestPasses(String name) {
        runGuest(name, 128L << 20, false);
    }

    @ParameterizedTest
    @FieldSource("GUESTS")
    void guestPassesWithTheCheckersAfterEveryTrap(String name) {
        runGuest(name, 32L << 20, true);
    }
}
