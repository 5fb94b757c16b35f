package org.shadowbench.debug.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.core.model.IProcess;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.jface.text.BadLocationException;
import org.eclipse.jface.text.IDocument;
import org.eclipse.ui.console.IConsole;
import org.eclipse.ui.console.IOConsole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.debug.GuestTarget;
import org.shadowbench.debug.ShadowbenchDebug;
import org.shadowbench.debug.ui.internal.BundledGuests;
import org.shadowbench.ui.testing.Workbench;

/**
 * COM1 as the launch's process console: what is typed there reaches the guest, and a guest that
 * echoes (the bundled echo guest; xv6 where it is on the machine) shows each typed line once.
 */
class ConsoleTest {
    private static final long WAIT = 60_000;
    private final List<ILaunch> launches = new ArrayList<>();

    @AfterEach
    void cleanUp() throws CoreException {
        Launches.end(launches, WAIT);
        for (ILaunch launch : launches) {
            if (launch.getLaunchConfiguration() != null) {
                launch.getLaunchConfiguration().delete();
            }
        }
    }

    @BeforeEach
    void screen() {
        DebugViews.useWholeScreen();
    }

    @Test
    void aLineTypedOnTheConsoleReachesTheGuestAndItsEchoShowsOnce() throws Exception {
        ILaunch launch = launch(BundledGuests.file("echo"), 16, ILaunchManager.RUN_MODE);
        GuestTarget target = (GuestTarget) launch.getDebugTargets()[0];
        IOConsole console = console(launch);
        IDocument document = console.getDocument();
        Workbench.await("the echo guest's prompt", WAIT, () -> document.get().equals("echo ready\n> "));

        type(document, "hello\n");
        Workbench.await("the guest's echo", WAIT, () -> target.serialOutput().equals("echo ready\n> hello\n> "));
        Workbench.await("the prompt after the line", WAIT, () -> document.get().equals("echo ready\n> hello\n> "));
        type(document, "again\n");
        Workbench.await("the second line", WAIT, () -> document.get().equals("echo ready\n> hello\n> again\n> "));
        DebugUITools.getConsole(launch.getProcesses()[0]);
        org.eclipse.ui.console.ConsolePlugin.getDefault().getConsoleManager().showConsoleView(console);
        Workbench.spin(500);
        Workbench.screenshotWindow("console-echo.png");
    }

    @Test
    void xv6sShellAnswersACommandTypedOnTheConsole() throws Exception {
        Path kernel = Path.of(System.getProperty("shadowbench.xv6", "../shared/guests/xv6/kernelmemfs"));
        assumeTrue(Files.isRegularFile(kernel), "no xv6 kernel at " + kernel + ": skipped");
        ILaunch launch = launch(kernel, 256, ILaunchManager.RUN_MODE);
        IOConsole console = console(launch);
        IDocument document = console.getDocument();
        Workbench.await("xv6's shell prompt", WAIT, () -> document.get().contains("$ "));
        int before = document.getLength();
        type(document, "echo shadowbench\n");
        Workbench.await("the echo command's output", WAIT, () -> document.get().substring(before).contains("\nshadowbench\n$ "));
        String after = document.get().substring(before);
        assertEquals(1, after.split("echo shadowbench", -1).length - 1, "the typed command shows once: " + after);
        Workbench.screenshotWindow("console-xv6.png");
    }

    private ILaunch launch(Path guest, int ramMiB, String mode) throws CoreException {
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        ILaunchConfigurationWorkingCopy copy = manager.getLaunchConfigurationType(ShadowbenchDebug.LAUNCH_TYPE)
                .newInstance(null, guest.getFileName().toString());
        copy.setAttribute(ShadowbenchDebug.ATTR_GUEST, guest.toString());
        copy.setAttribute(ShadowbenchDebug.ATTR_RAM_MIB, ramMiB);
        ILaunchConfiguration configuration = copy.doSave();
        List<ILaunch> existing = List.of(manager.getLaunches());
        DebugUITools.launch(configuration, mode);
        AtomicReference<ILaunch> found = new AtomicReference<>();
        Workbench.await("the launch", WAIT, () -> {
            for (ILaunch launch : manager.getLaunches()) {
                if (!existing.contains(launch) && launch.getDebugTargets().length == 1) {
                    found.set(launch);
                    return true;
                }
            }
            return false;
        });
        launches.add(found.get());
        return found.get();
    }

    private static IOConsole console(ILaunch launch) {
        IProcess[] processes = launch.getProcesses();
        assertEquals(1, processes.length, "COM1 is the launch's one process");
        AtomicReference<IConsole> console = new AtomicReference<>();
        Workbench.await("the process console", WAIT, () -> {
            console.set(DebugUITools.getConsole(processes[0]));
            return console.get() != null;
        });
        assertTrue(console.get() instanceof IOConsole, "a process console: " + console.get());
        assertNotNull(((IOConsole) console.get()).getDocument());
        return (IOConsole) console.get();
    }

    /** Types at the end of the console, as the keyboard does (the console sends the line on its newline). */
    private static void type(IDocument document, String text) throws BadLocationException {
        for (char c : text.toCharArray()) {
            document.replace(document.getLength(), 0, String.valueOf(c));
            Workbench.spin(5);
        }
        assertFalse(document.get().isEmpty());
    }
}
