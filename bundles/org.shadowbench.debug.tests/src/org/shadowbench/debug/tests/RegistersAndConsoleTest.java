package org.shadowbench.debug.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.DebugEvent;
import org.eclipse.debug.core.DebugException;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.IDebugEventSetListener;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.core.model.IProcess;
import org.eclipse.debug.core.model.IRegister;
import org.eclipse.debug.core.model.IRegisterGroup;
import org.eclipse.debug.core.model.IStreamMonitor;
import org.eclipse.debug.core.model.IThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shadowbench.cpu.Register;
import org.shadowbench.debug.GuestTarget;
import org.shadowbench.debug.ShadowbenchDebug;
import org.shadowbench.guests.GuestSuite;

/**
 * Registers written while suspended reach the CPU through the emulation thread, and are refused while
 * the guest runs; COM1 is the launch's process, whose input reaches the guest and whose output hides
 * the echo of typed lines when the guest echoes.
 */
class RegistersAndConsoleTest {
    private static final long WAIT_MILLIS = 60_000;

    @TempDir
    Path directory;

    private final LinkedBlockingQueue<DebugEvent> events = new LinkedBlockingQueue<>();
    private final IDebugEventSetListener listener = set -> events.addAll(List.of(set));
    private final List<ILaunch> launches = new ArrayList<>();

    @BeforeEach
    void listen() {
        DebugPlugin.getDefault().addDebugEventListener(listener);
    }

    @AfterEach
    void cleanUp() throws CoreException {
        for (ILaunch launch : launches) {
            if (!launch.isTerminated()) {
                launch.terminate();
            }
            DebugPlugin.getDefault().getLaunchManager().removeLaunch(launch);
        }
        DebugPlugin.getDefault().removeDebugEventListener(listener);
    }

    @Test
    void registersAreWrittenWhileSuspendedAndRefusedWhileRunning() throws Exception {
        ILaunch launch = launch("demo", true, true);
        GuestTarget target = (GuestTarget) launch.getDebugTargets()[0];
        IThread thread = target.getThreads()[0];
        await("the stop at entry", thread::isSuspended);

        IRegister eax = register(thread, "EAX");
        assertTrue(eax.supportsValueModification());
        assertTrue(eax.verifyValue("0x1234abcd"));
        assertTrue(eax.verifyValue("ffff_ffff"));
        assertFalse(eax.verifyValue("0x1_0000_0000"), "33 bits do not fit");
        assertFalse(eax.verifyValue("hello"));
        DebugException bad = assertThrows(DebugException.class, () -> eax.setValue("12g"));
        assertTrue(bad.getMessage().contains("not a hexadecimal number"), bad.getMessage());

        events.clear();
        eax.setValue("0x1234abcd");
        awaitChange(thread);
        assertEquals("0x1234abcd", register(thread, "EAX").getValue().getValueString());
        assertEquals(0x1234abcd, target.machine().submit(m -> m.cpu().register(Register.EAX)).get(10, TimeUnit.SECONDS));

        IRegister zf = register(thread, "ZF");
        long zfBefore = Long.decode(zf.getValue().getValueString());
        events.clear();
        zf.setValue(zfBefore == 0 ? "1" : "0");
        awaitChange(thread);
        int eflags = target.machine().submit(m -> m.cpu().eflags()).get(10, TimeUnit.SECONDS);
        assertEquals(1 - zfBefore, eflags >>> 6 & 1, "the flag's bit in EFLAGS");
        assertFalse(zf.verifyValue("2"), "a flag is one bit");

        IRegister cs = register(thread, "CS");
        assertFalse(cs.supportsValueModification());
        DebugException readOnly = assertThrows(DebugException.class, () -> cs.setValue("0x8"));
        assertTrue(readOnly.getMessage().contains("read-only"), readOnly.getMessage());

        // Running: the register refuses, with the reason.
        thread.resume();
        assertFalse(eax.supportsValueModification());
        DebugException running = assertThrows(DebugException.class, () -> eax.setValue("0"));
        assertTrue(running.getMessage().contains("suspend it first"), running.getMessage());
    }

    @Test
    void com1IsTheProcessAndTheGuestsEchoOfTypedLinesIsHidden() throws Exception {
        ILaunch launch = launch("echo", false, true);
        GuestTarget target = (GuestTarget) launch.getDebugTargets()[0];
        IProcess[] processes = launch.getProcesses();
        assertEquals(1, processes.length);
        IProcess com1 = processes[0];
        assertEquals(ShadowbenchDebug.PROCESS_TYPE, com1.getAttribute(IProcess.ATTR_PROCESS_TYPE));
        assertEquals(target, com1.getAdapter(GuestTarget.class));
        IStreamMonitor output = com1.getStreamsProxy().getOutputStreamMonitor();
        await("the echo guest's prompt", () -> output.getContents().equals("echo ready\n> "));

        com1.getStreamsProxy().write("hello\n");
        await("the guest's echo", () -> target.serialOutput().endsWith("hello\n> "));
        await("the prompt after the line", () -> output.getContents().equals("echo ready\n> > "));
        assertEquals("echo ready\n> hello\n> ", target.serialOutput(), "the guest did echo the line");

        com1.terminate();
        await("the process to end with its target", () -> com1.isTerminated() && target.isTerminated());
    }

    @Test
    void withoutEchoHidingTheConsoleShowsEverything() throws Exception {
        ILaunch launch = launch("echo", false, false);
        IProcess com1 = launch.getProcesses()[0];
        IStreamMonitor output = com1.getStreamsProxy().getOutputStreamMonitor();
        await("the echo guest's prompt", () -> output.getContents().equals("echo ready\n> "));
        com1.getStreamsProxy().write("ab\n");
        await("the echo shown", () -> output.getContents().equals("echo ready\n> ab\n> "));
    }

    private ILaunch launch(String guest, boolean stopAtEntry, boolean guestEchoes) throws Exception {
        Path file = directory.resolve(guest + ".elf");
        Files.write(file, GuestSuite.image(guest));
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        ILaunchConfigurationWorkingCopy configuration = manager.getLaunchConfigurationType(ShadowbenchDebug.LAUNCH_TYPE)
                .newInstance(null, guest);
        configuration.setAttribute(ShadowbenchDebug.ATTR_GUEST, file.toString());
        configuration.setAttribute(ShadowbenchDebug.ATTR_RAM_MIB, 16);
        configuration.setAttribute(ShadowbenchDebug.ATTR_STOP_AT_ENTRY, stopAtEntry);
        configuration.setAttribute(ShadowbenchDebug.ATTR_GUEST_ECHOES, guestEchoes);
        ILaunch launch = configuration.launch(ILaunchManager.DEBUG_MODE, null);
        launches.add(launch);
        return launch;
    }

    private static IRegister register(IThread thread, String name) throws DebugException {
        for (IRegisterGroup group : thread.getTopStackFrame().getRegisterGroups()) {
            for (IRegister register : group.getRegisters()) {
                if (register.getName().equals(name)) {
                    return register;
                }
            }
        }
        fail("no register " + name);
        return null;
    }

    private void awaitChange(IThread thread) throws InterruptedException, DebugException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            DebugEvent event = events.poll(100, TimeUnit.MILLISECONDS);
            if (event != null && event.getSource() == thread && event.getKind() == DebugEvent.CHANGE) {
                assertNotNull(thread.getTopStackFrame());
                return;
            }
        }
        fail("no change event after the register write");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
