package org.shadowbench.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Event;
import org.junit.jupiter.api.Test;
import org.shadowbench.ui.MachineSpec;
import org.shadowbench.ui.internal.MachinePresets;
import org.shadowbench.ui.internal.MachinesView;
import org.shadowbench.ui.internal.NewMachineDialog;
import org.shadowbench.ui.testing.Workbench;

/** The demo preset is one machine, whether the New Machine dialog or the launch at start makes it. */
class MachinePresetsTest {
    @Test
    void theDialogsDemoPresetIsTheDemoMachine() {
        NewMachineDialog dialog = new NewMachineDialog(Workbench.window().getShell());
        dialog.setBlockOnOpen(false);
        dialog.open();
        try {
            dialog.guestField().setText("");
            dialog.ramField().setSelection(8);
            dialog.commandLineField().setText("");
            dialog.demoPreset().notifyListeners(SWT.Selection, new Event());
            dialog.accept();
            assertEquals(MachinePresets.DEMO, dialog.spec());
        } finally {
            dialog.close();
        }
    }

    @Test
    void theDemoLaunchedAtStartIsTheDemoMachine() {
        assertEquals(MachinePresets.DEMO, MachinesView.startSpec("bundled:demo"));
        // Other guests have no preset: no workload, the start's RAM.
        assertEquals(MachineSpec.bundledGuest("other", 64L << 20, ""), MachinesView.startSpec("bundled:other"));
        assertEquals(MachineSpec.file(Path.of("/tmp/kernel"), 64L << 20, ""), MachinesView.startSpec("/tmp/kernel"));
    }
}
