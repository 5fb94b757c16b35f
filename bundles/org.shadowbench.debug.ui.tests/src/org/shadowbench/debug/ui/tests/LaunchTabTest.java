package org.shadowbench.debug.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.core.runtime.preferences.InstanceScope;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.debug.ui.IDebugUIConstants;
import org.eclipse.debug.ui.ILaunchConfigurationDialog;
import org.eclipse.debug.ui.ILaunchConfigurationTab;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shadowbench.debug.ShadowbenchDebug;
import org.shadowbench.debug.ui.internal.BundledGuests;
import org.shadowbench.debug.ui.internal.GuestLaunchShortcut;
import org.shadowbench.debug.ui.internal.GuestTab;
import org.shadowbench.debug.GuestTarget;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.ui.MachineDefaults;
import org.shadowbench.ui.MachineSession;
import org.shadowbench.ui.MachineSpec;
import org.shadowbench.ui.internal.NewMachineDialog;
import org.shadowbench.ui.internal.UiActivator;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Spinner;
import org.shadowbench.ui.testing.Workbench;

/**
 * The "Guest" tab checks what it is given as the user types, and writes and reads the configuration's
 * attributes; the launch shortcut makes configurations with the preferences' defaults; the launch
 * dialog shows the tab group for the type.
 */
class LaunchTabTest {
    @TempDir
    Path directory;

    @AfterEach
    void resetPreferences() throws Exception {
        var node = InstanceScope.INSTANCE.getNode(MachineDefaults.NODE);
        node.clear();
        node.flush();
        for (ILaunchConfiguration configuration : DebugPlugin.getDefault().getLaunchManager().getLaunchConfigurations()) {
            configuration.delete();
        }
    }

    @Test
    void theTabValidatesWithClearMessagesAndAppliesTheAttributes() throws Exception {
        Shell shell = new Shell(Display.getCurrent());
        shell.setLayout(new FillLayout());
        try {
            GuestTab tab = new GuestTab();
            tab.createControl(shell);
            ILaunchConfigurationWorkingCopy copy = DebugPlugin.getDefault().getLaunchManager()
                    .getLaunchConfigurationType(ShadowbenchDebug.LAUNCH_TYPE).newInstance(null, "tab");
            tab.setDefaults(copy);
            tab.initializeFrom(copy);
            shell.setSize(900, 600);
            shell.open();

            assertFalse(tab.isValid(copy));
            assertEquals("Choose the guest kernel file", tab.getErrorMessage());
            tab.guestText().setText(directory.resolve("missing.elf").toString());
            assertFalse(tab.isValid(copy));
            assertEquals("The guest kernel " + directory.resolve("missing.elf") + " does not exist", tab.getErrorMessage());
            tab.guestText().setText(directory.toString());
            assertFalse(tab.isValid(copy));
            assertTrue(tab.getErrorMessage().endsWith("is a folder, not a file"), tab.getErrorMessage());

            Path demo = BundledGuests.demoFile();
            tab.guestText().setText(demo.toString());
            assertEquals(Integer.toString(ShadowbenchDebug.DEFAULT_RAM_MIB), tab.ramText().getText(), "the default RAM");
            assertTrue(tab.isValid(copy), tab.getErrorMessage());
            tab.ramText().setText("lots");
            assertFalse(tab.isValid(copy));
            assertEquals("RAM must be a whole number of MiB, not 'lots'", tab.getErrorMessage());
            tab.ramText().setText("1");
            assertFalse(tab.isValid(copy));
            assertTrue(tab.getErrorMessage().startsWith("RAM must be between 2 and "), tab.getErrorMessage());
            tab.ramText().setText("32");
            Path disk = Files.write(directory.resolve("disk.img"), new byte[512]);
            for (int i = 0; i < 5; i++) {
                tab.disksList().add(disk.toString());
            }
            assertFalse(tab.isValid(copy));
            assertEquals("5 disks: the IDE controller takes at most 4", tab.getErrorMessage());
            tab.disksList().remove(4);
            tab.modulesList().add(directory.resolve("nothing.bin").toString());
            assertFalse(tab.isValid(copy));
            assertEquals("The module " + directory.resolve("nothing.bin") + " does not exist", tab.getErrorMessage());
            tab.modulesList().removeAll();
            tab.commandLineText().setText("demo rounds=3");
            tab.stopAtEntryButton().setSelection(true);
            assertTrue(tab.isValid(copy), tab.getErrorMessage());
            assertNull(tab.getErrorMessage());
            Workbench.screenshot(shell, "launch-tab.png");

            tab.performApply(copy);
            assertEquals(demo.toString(), copy.getAttribute(ShadowbenchDebug.ATTR_GUEST, ""));
            assertEquals(32, copy.getAttribute(ShadowbenchDebug.ATTR_RAM_MIB, 0));
            assertEquals("demo rounds=3", copy.getAttribute(ShadowbenchDebug.ATTR_COMMAND_LINE, ""));
            assertEquals(List.of(disk.toString(), disk.toString(), disk.toString(), disk.toString()),
                    copy.getAttribute(ShadowbenchDebug.ATTR_DISKS, List.<String>of()));
            assertTrue(copy.getAttribute(ShadowbenchDebug.ATTR_STOP_AT_ENTRY, false));

            GuestTab again = new GuestTab();
            again.createControl(shell);
            again.initializeFrom(copy);
            assertEquals(demo.toString(), again.guestText().getText());
            assertEquals("32", again.ramText().getText());
            assertEquals(4, again.disksList().getItemCount());
        } finally {
            shell.dispose();
        }
    }

    @Test
    void theShortcutAndNewMachineUseThePreferencesAndTheMachinesHonourThem() throws Exception {
        var node = InstanceScope.INSTANCE.getNode(MachineDefaults.NODE);
        node.putInt(MachineDefaults.RAM_MIB, 48);
        node.putInt(MachineDefaults.POOL_PAGES, 512);
        node.putInt(MachineDefaults.MODIFICATION_LIMIT, 12);
        node.putInt(MachineDefaults.REFRESH_MILLIS, 250);
        Path kernel = Files.copy(BundledGuests.demoFile(), directory.resolve("kernel"));
        ILaunchConfiguration made = GuestLaunchShortcut.configurationFor(kernel);
        assertEquals(kernel.toString(), made.getAttribute(ShadowbenchDebug.ATTR_GUEST, ""));
        assertEquals(48, made.getAttribute(ShadowbenchDebug.ATTR_RAM_MIB, 0));
        assertEquals(512, made.getAttribute(ShadowbenchDebug.ATTR_POOL_PAGES, 0));
        assertEquals(made, GuestLaunchShortcut.configurationFor(kernel), "the same kernel finds its configuration again");
        assertEquals(1, new GuestLaunchShortcut().getLaunchConfigurations(new StructuredSelection(kernel)).length);
        assertEquals(12, made.getAttribute(ShadowbenchDebug.ATTR_MODIFICATION_LIMIT, 0));

        // The launch builds the machine with them.
        ILaunch launch = made.launch(ILaunchManager.RUN_MODE, null);
        try {
            MachineConfiguration launched = ((GuestTarget) launch.getDebugTargets()[0]).machine().configuration();
            assertEquals(48L << 20, launched.ramSize());
            assertEquals(512, launched.poolPages());
            assertEquals(12, launched.modificationLimit());
        } finally {
            launch.terminate();
            DebugPlugin.getDefault().getLaunchManager().removeLaunch(launch);
        }

        // The views' machines too: New Machine starts at the RAM, the registry's machines get the pool
        // settings, and the sessions refresh at the period.
        NewMachineDialog dialog = new NewMachineDialog(Workbench.window().getShell());
        dialog.setBlockOnOpen(false);
        dialog.open();
        try {
            assertTrue(DebugUiTest.texts(dialog.getShell()).size() >= 1);
            assertEquals(48, spinner(dialog.getShell()).getSelection(), "New Machine's RAM");
        } finally {
            dialog.close();
        }
        MachineSession session = UiActivator.sessions().launch(MachineSpec.bundledGuest("demo", 48L << 20, ""));
        try {
            assertEquals(512, session.machine().configuration().poolPages());
            assertEquals(12, session.machine().configuration().modificationLimit());
        } finally {
            session.terminate().get();
        }
        Workbench.await("the refresh period", 5_000, () -> UiActivator.sessions().refreshMillis() == 250);
    }

    private static Spinner spinner(Control control) {
        if (control instanceof Spinner spinner) {
            return spinner;
        }
        if (control instanceof Composite composite) {
            for (Control child : composite.getChildren()) {
                Spinner found = spinner(child);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    @Test
    void theLaunchDialogShowsTheGuestTab() throws Exception {
        ILaunchConfigurationWorkingCopy copy = DebugPlugin.getDefault().getLaunchManager()
                .getLaunchConfigurationType(ShadowbenchDebug.LAUNCH_TYPE).newInstance(null, "demo guest");
        copy.setAttribute(ShadowbenchDebug.ATTR_GUEST, BundledGuests.demoFile().toString());
        copy.setAttribute(ShadowbenchDebug.ATTR_RAM_MIB, 64);
        ILaunchConfiguration saved = copy.doSave();
        AtomicReference<String> seen = new AtomicReference<>();
        Display display = Display.getCurrent();
        display.asyncExec(() -> {
            Shell dialogShell = display.getActiveShell();
            if (dialogShell != null && dialogShell.getData() instanceof ILaunchConfigurationDialog dialog) {
                StringBuilder tabs = new StringBuilder();
                for (ILaunchConfigurationTab tab : dialog.getTabs()) {
                    tabs.append(tab.getName()).append(',');
                }
                seen.set(tabs.toString());
                dialogShell.setSize(1100, 760);
                Workbench.screenshot(dialogShell, "launch-dialog.png");
            }
            if (dialogShell != null) {
                dialogShell.close();
            }
        });
        DebugUITools.openLaunchConfigurationDialog(Workbench.window().getShell(), saved,
                IDebugUIConstants.ID_DEBUG_LAUNCH_GROUP, null);
        assertNotNull(seen.get(), "the launch configuration dialog opened");
        assertTrue(seen.get().startsWith("Guest,Common"), seen.get());
    }
}
