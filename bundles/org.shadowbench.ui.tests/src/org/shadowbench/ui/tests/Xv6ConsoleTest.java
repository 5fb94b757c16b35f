package org.shadowbench.ui.tests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

import org.eclipse.ui.console.ConsolePlugin;
import org.eclipse.ui.console.IConsole;
import org.eclipse.ui.console.IOConsole;
import org.junit.jupiter.api.Test;
import org.shadowbench.ui.MachineSession;
import org.shadowbench.ui.MachineSpec;
import org.shadowbench.ui.internal.NewMachineDialog;
import org.shadowbench.ui.internal.UiActivator;

/**
 * The xv6 preset's kernel boots to its shell on the console, and a command typed there runs. Skipped
 * where the kernel is not on the machine (the POM points {@code shadowbench.xv6} at shared/ beside
 * the checkout).
 */
class Xv6ConsoleTest {
    @Test
    void xv6AnswersACommandTypedOnTheConsole() throws Exception {
        Path kernel = NewMachineDialog.xv6Kernel();
        assumeTrue(kernel != null, "no xv6 kernel on this machine");
        MachineSession session = UiActivator.sessions().launch(MachineSpec.file(kernel, 256L << 20, ""));
        try {
            session.resume();
            IOConsole com1 = null;
            for (IConsole console : ConsolePlugin.getDefault().getConsoleManager().getConsoles()) {
                if (console.getName().equals("COM1 - " + session.name())) {
                    com1 = (IOConsole) console;
                }
            }
            IOConsole console = com1;
            Workbench.await("xv6's shell prompt", 60_000, () -> console.getDocument().get().contains("$ "));
            console.getInputStream().appendData("ls\n");
            Workbench.await("the listing of /", 30_000, () -> console.getDocument().get().contains("README"));
        } finally {
            session.terminate().get();
        }
    }
}
