package org.shadowbench.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.console.ConsolePlugin;
import org.eclipse.ui.console.IConsole;
import org.eclipse.ui.console.IOConsole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.machine.RunState;
import org.shadowbench.ui.MachineSession;
import org.shadowbench.ui.MachineSpec;
import org.shadowbench.ui.internal.MachinesView;
import org.shadowbench.ui.internal.ShadowbenchPerspective;
import org.shadowbench.ui.internal.UiActivator;

/**
 * Opens the Shadowbench perspective on a running demo guest, pauses it, and checks what each view
 * shows against the machine's snapshot; saves screenshots to {@code target/screenshots}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ViewsTest {
    /** Enough rounds that the demo is still forking when it is paused. */
    static final String DEMO_COMMAND_LINE = "rounds=100000";

    MachineSession session;

    @BeforeAll
    void launchDemo() throws Exception {
        var window = Workbench.window();
        window.getShell().setBounds(0, 0, 1400, 900);
        PlatformUI.getWorkbench().showPerspective(ShadowbenchPerspective.ID, window);
        session = UiActivator.sessions().launch(MachineSpec.bundledGuest("demo", 64L << 20, DEMO_COMMAND_LINE));
        session.resume();
        Workbench.await("the demo to run", 20_000, () -> session.snapshot() != null
                && session.state() == RunState.RUNNING && session.snapshot().instructions() > 5_000_000);
    }

    @AfterAll
    void terminate() throws Exception {
        if (session != null) {
            session.terminate().get();
        }
    }

    /** Pauses the guest and waits for the snapshot taken after the pause. */
    private MachineSnapshot pauseAndSettle() {
        session.pause().join();
        Workbench.await("a snapshot of the paused guest", 10_000, () -> session.state() == RunState.PAUSED
                && session.snapshot() != null && session.snapshot().instructions() == pausedInstructions());
        Workbench.spin(400); // two refresh periods for the views
        return session.snapshot();
    }

    private long pausedInstructions() {
        return session.machine().submit(m -> m.cpu().instructions()).join();
    }

    @Test
    @Order(1)
    void machinesViewShowsTheRunningGuestWithItsSpeed() throws Exception {
        MachinesView view = (MachinesView) Workbench.page().showView(MachinesView.ID);
        Table table = view.viewer().getTable();
        Workbench.await("a MIPS figure", 10_000, () -> {
            TableItem row = row(table, session.name());
            return row != null && row.getText(1).equals("Running") && !row.getText(2).isEmpty()
                    && Double.parseDouble(row.getText(2)) > 0;
        });
        Workbench.screenshotWindow("machines-running.png");
    }

    @Test
    @Order(2)
    void machinesViewShowsThePausedGuest() throws Exception {
        MachineSnapshot snapshot = pauseAndSettle();
        MachinesView view = (MachinesView) Workbench.page().showView(MachinesView.ID);
        Table table = view.viewer().getTable();
        TableItem row = row(table, session.name());
        assertNotNull(row, "a row for " + session.name());
        assertEquals("Paused", row.getText(1));
        assertEquals("", row.getText(2), "no MIPS while paused");
        assertEquals(String.format(Locale.ROOT, "%,d", snapshot.instructions()), row.getText(3));
        assertTrue(row.getText(6).startsWith("PAUSED"), row.getText(6));
        Workbench.screenshotControl(table, "machines-view.png");
    }

    @Test
    @Order(3)
    void com1GoesToAConsole() {
        IOConsole console = null;
        for (IConsole candidate : ConsolePlugin.getDefault().getConsoleManager().getConsoles()) {
            if (candidate.getName().equals("COM1 - " + session.name())) {
                console = (IOConsole) candidate;
            }
        }
        assertNotNull(console, "a console for COM1");
        IOConsole com1 = console;
        Workbench.await("the demo's banner on the console", 10_000,
                () -> com1.getDocument().get().contains("Shadowbench demo guest"));
        assertTrue(com1.getDocument().get().contains("forked 8 processes"), com1.getDocument().get());
    }

    private static TableItem row(Table table, String name) {
        for (TableItem item : table.getItems()) {
            if (item.getText(0).equals(name)) {
                return item;
            }
        }
        return null;
    }
}
