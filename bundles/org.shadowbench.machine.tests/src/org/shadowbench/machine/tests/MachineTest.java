package org.shadowbench.machine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.IoPortHandler;
import org.shadowbench.cpu.Register;
import org.shadowbench.devices.debugexit.DebugExitPort;
import org.shadowbench.devices.serial.Uart16550;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.GuestLoadException;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.machine.MachineDevice;
import org.shadowbench.machine.RunResult;
import org.shadowbench.machine.RunState;
import org.shadowbench.machine.StopCause;

/** Run control on the emulation thread: run, exit, step, pause, breakpoints, reset, requests. */
class MachineTest {
    private static final long CODE = 0x8000;
    private final Machine machine = new Machine(MachineConfiguration.defaults().withRam(16L << 20));
    private final ByteArrayOutputStream serial = new ByteArrayOutputStream();

    MachineTest() {
        machine.attach(new Uart16550("com1", Uart16550.COM1, InputStream.nullInputStream(), serial));
        machine.attach(new DebugExitPort());
    }

    @AfterEach
    void close() {
        machine.close();
        assertEquals(RunState.CLOSED, machine.state());
    }

    private void load(String hex) throws GuestLoadException {
        machine.loadFlat(HexFormat.of().parseHex(hex.replace(" ", "")), CODE);
        machine.start();
    }

    private RunResult run() {
        return machine.run(0, Duration.ofSeconds(30)).join();
    }

    @Test
    void theConfigurationsPoolSettingsReachThePool() throws Exception {
        Machine tuned = new Machine(MachineConfiguration.defaults().withRam(16L << 20).withPoolPages(256)
                .withModificationLimit(7));
        try {
            tuned.start();
            var pool = tuned.submit(m -> m.cpu().pool().configuration()).get(10, TimeUnit.SECONDS);
            assertEquals(256, pool.maxPages());
            assertEquals(7, pool.modificationLimit());
        } finally {
            tuned.close();
        }
        var defaults = MachineConfiguration.defaults();
        assertEquals(0, defaults.modificationLimit(), "0: the pool's default");
        machine.start();
        assertEquals(org.shadowbench.pool.PoolConfiguration.DEFAULT_MODIFICATION_LIMIT,
                machine.submit(m -> m.cpu().pool().configuration().modificationLimit()).get(10, TimeUnit.SECONDS));
        assertThrows(org.shadowbench.memory.PgmException.class, () -> defaults.withModificationLimit(-1));
        assertThrows(org.shadowbench.memory.PgmException.class,
                () -> defaults.withModificationLimit(MachineConfiguration.MAX_MODIFICATION_LIMIT + 1));
    }

    @Test
    void guestWritesToTheSerialPortAndExitsThroughTheDebugPort() throws GuestLoadException {
        // mov dx, 0x3fb ; mov al, 3 ; out dx, al (8 data bits) ; mov dx, 0x3f8 ; mov al, 'h' ; out dx, al ;
        // mov al, 'i' ; out dx, al ; mov al, 0x21 ; out 0xf4, al
        load("66 ba fb 03 b0 03 ee 66 ba f8 03 b0 68 ee b0 69 ee b0 21 e6 f4");
        RunResult result = run();
        assertEquals(StopCause.EXIT, result.cause());
        assertEquals(0x43, result.exitCode(), "(0x21 << 1) | 1");
        assertEquals(10, result.instructions());
        assertEquals("hi", serial.toString(StandardCharsets.US_ASCII));
        assertEquals(RunState.STOPPED, machine.state());
        CompletionException again = assertThrows(CompletionException.class, this::run);
        assertTrue(again.getCause().getMessage().contains("reset"), again.getCause().getMessage());
    }

    @Test
    void anEmulatorErrorStopsTheMachineWithTheGuestsStateInsteadOfKillingTheThread() throws GuestLoadException {
        IllegalStateException bug = new IllegalStateException("a device's bug");
        machine.attach(new MachineDevice() {
            private final IoPortHandler broken = new IoPortHandler() {
                @Override
                public int read(int port, int size) {
                    return 0;
                }

                @Override
                public void write(int port, int size, int value) {
                    throw bug;
                }
            };

            @Override
            public String name() {
                return "broken";
            }

            @Override
            public void attach(DeviceContext context) {
                context.io().register(0x80, 1, broken);
            }

            @Override
            public void detach() {
            }
        });
        // nop ; out 0x80, al
        load("90 e6 80");
        RunResult result = machine.run(0, Duration.ofSeconds(30)).orTimeout(30, TimeUnit.SECONDS).join();
        assertEquals(StopCause.FAILED, result.cause());
        assertEquals(bug, result.failure());
        assertTrue(result.detail().contains("a device's bug") && result.detail().contains("EIP 0x8003"), result.detail());
        assertEquals(RunState.STOPPED, machine.state());
        assertEquals(0x8003, (int) machine.submit(m -> m.cpu().eip()).join(), "the emulation thread still serves requests");
    }

    @Test
    void bochsShutdownPortExitsWithZero() throws GuestLoadException {
        // mov dx, 0x8900 ; then "Shutdown" one byte at a time
        StringBuilder code = new StringBuilder("66 ba 00 89");
        for (char c : "Shutdown".toCharArray()) {
            code.append(String.format(" b0 %02x ee", (int) c));
        }
        load(code.toString());
        RunResult result = run();
        assertEquals(StopCause.EXIT, result.cause());
        assertEquals(0, result.exitCode());
    }

    @Test
    void stepExecutesExactlyTheCount() throws GuestLoadException {
        load("40 eb fd");
        RunResult result = machine.step(11).join();
        assertEquals(StopCause.INSTRUCTION_LIMIT, result.cause());
        assertEquals(11, result.instructions());
        assertEquals(6, machine.submit(m -> m.cpu().register(Register.EAX)).join(), "six INCs among eleven");
        assertEquals(RunState.PAUSED, machine.state());
    }

    @Test
    void pauseStopsARunningGuestAndRunResumesIt() throws Exception {
        load("40 eb fd");
        var running = machine.run(0, null);
        Thread.sleep(50);
        assertEquals(RunState.RUNNING, machine.state());
        machine.pause().get(10, TimeUnit.SECONDS);
        RunResult paused = running.get(10, TimeUnit.SECONDS);
        assertEquals(StopCause.PAUSED, paused.cause());
        assertTrue(paused.instructions() > 1000, "it ran: " + paused);
        int eax = machine.submit(m -> m.cpu().register(Register.EAX)).join();
        assertEquals(StopCause.INSTRUCTION_LIMIT, machine.step(2).join().cause());
        assertEquals(eax + 1, machine.submit(m -> m.cpu().register(Register.EAX)).join());
    }

    @Test
    void breakpointPausesBeforeTheInstruction() throws GuestLoadException {
        // inc eax ; inc eax ; inc ebx ; hlt
        load("40 40 43 f4");
        machine.addBreakpoint((int) CODE + 2).join();
        RunResult result = run();
        assertEquals(StopCause.BREAKPOINT, result.cause());
        assertEquals(CODE + 2, machine.submit(m -> m.cpu().eip()).join() & 0xffffffffL);
        assertEquals(StopCause.HALTED, run().cause(), "resumes over the breakpoint, then HLT with IF clear");
    }

    @Test
    void timeoutEndsAnEndlessGuest() throws GuestLoadException {
        load("eb fe");
        RunResult result = machine.run(0, Duration.ofMillis(100)).join();
        assertEquals(StopCause.TIMEOUT, result.cause());
        assertTrue(result.elapsed().toMillis() >= 100);
    }

    @Test
    void tripleFaultShutsDown() throws GuestLoadException {
        // ud2 with no IDT worth the name
        load("0f 0b");
        machine.execute(m -> m.cpu().loadDescriptorTables(0, 0, 0, 0)).join();
        RunResult result = run();
        assertEquals(StopCause.SHUTDOWN, result.cause());
        assertTrue(result.detail().contains("triple fault"), result.detail());
    }

    @Test
    void resetReloadsTheGuest() throws GuestLoadException {
        // mov byte [0x9000], 0x55 ; mov al, 1 ; out 0xf4, al
        load("c6 05 00 90 00 00 55 b0 01 e6 f4");
        assertEquals(StopCause.EXIT, run().cause());
        assertEquals(0x55, machine.submit(m -> m.memory().read(0x9000, 1)).join());
        machine.reset().join();
        assertEquals(RunState.PAUSED, machine.state());
        assertEquals(0, machine.submit(m -> m.memory().read(0x9000, 1)).join(), "fresh memory");
        assertEquals(CODE, machine.submit(m -> m.cpu().eip()).join() & 0xffffffffL);
        RunResult again = run();
        assertEquals(StopCause.EXIT, again.cause());
        assertEquals(3, again.exitCode());
    }

    @Test
    void requestsRunBetweenInstructionsOfARunningGuest() throws Exception {
        load("40 eb fd");
        var running = machine.run(0, null);
        for (int i = 0; i < 20; i++) {
            long instructions = machine.submit(m -> m.cpu().instructions()).get(5, TimeUnit.SECONDS);
            assertTrue(instructions >= 0);
        }
        machine.pause().join();
        assertEquals(StopCause.PAUSED, running.join().cause());
    }
}
