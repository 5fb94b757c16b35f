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
import org.shadowbench.debug.ui.internal.DebugUiActivator;
import org.shadowbench.debug.ui.internal.GuestLaunchShortcut;
import org.shadowbench.debug.ui.internal.GuestTab;
import org.shadowbench.debug.ui.internal.Preferences;

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
        var node = InstanceScope.INSTANCE.getNode(DebugUiActivator.BUNDLE);
        node.remove(Preferences.DEFAULT_RAM_MIB);
        node.remove(Preferences.POOL_PAGES);
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
    void theShortcutMakesOneConfigurationPerKernelWithThePreferencesDefaults() throws Exception {
        var node = InstanceScope.INSTANCE.getNode(DebugUiActivator.BUNDLE);
        node.putInt(Preferences.DEFAULT_RAM_MIB, 48);
        node.putInt(Preferences.POOL_PAGES, 512);
        Path kernel = Files.copy(BundledGuests.demoFile(), directory.resolve("kernel"));
        ILaunchConfiguration made = GuestLaunchShortcut.configurationFor(kernel);
        assertEquals(kernel.toString(), made.getAttribute(ShadowbenchDebug.ATTR_GUEST, ""));
        assertEquals(48, made.getAttribute(ShadowbenchDebug.ATTR_RAM_MIB, 0));
        assertEquals(512, made.getAttribute(ShadowbenchDebug.ATTR_POOL_PAGES, 0));
        assertEquals(made, GuestLaunchShortcut.configurationFor(kernel), "the same kernel finds its configuration again");
        assertEquals(1, new GuestLaunchShortcut().getLaunchConfigurations(new StructuredSelection(kernel)).length);
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
