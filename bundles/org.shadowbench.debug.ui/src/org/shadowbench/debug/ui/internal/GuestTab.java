package org.shadowbench.debug.ui.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.ui.AbstractLaunchConfigurationTab;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.events.SelectionListener;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.shadowbench.debug.ShadowbenchDebug;

/**
 * The "Guest" tab: the kernel file (browse, or the bundled demo guest), its command line and
 * modules, the RAM, the disks, and the debugging options. Every change is checked at once by
 * {@link GuestConfigurationCheck}, whose message the dialog shows.
 */
public final class GuestTab extends AbstractLaunchConfigurationTab {
    private Text guest;
    private Text commandLine;
    private org.eclipse.swt.widgets.List modules;
    private Text ram;
    private org.eclipse.swt.widgets.List disks;
    private Button diskSnapshot;
    private Button stopAtEntry;
    private Button guestEchoes;

    @Override
    public void createControl(Composite parent) {
        Composite page = new Composite(parent, SWT.NONE);
        GridLayoutFactory.swtDefaults().applyTo(page);
        setControl(page);

        Group kernel = group(page, "Guest", 4);
        label(kernel, "Kernel file:");
        guest = text(kernel, 1);
        guest.setData("name", "guest");
        button(kernel, "Browse...", () -> browse(guest, "Multiboot kernel", new String[] { "*.elf;kernel*", "*" }));
        button(kernel, "Demo Guest", this::useDemoGuest);
        label(kernel, "Command line:");
        commandLine = text(kernel, 3);
        commandLine.setMessage("empty: the kernel's file name");
        label(kernel, "Modules:");
        modules = list(kernel);
        listButtons(kernel, modules, "Multiboot module");

        Group machine = group(page, "Machine", 4);
        label(machine, "RAM (MiB):");
        ram = text(machine, 3);
        ram.setData("name", "ram");
        label(machine, "Disks:");
        disks = list(machine);
        listButtons(machine, disks, "Raw disk image");
        new Label(machine, SWT.NONE);
        diskSnapshot = check(machine, "Keep the guest's disk writes in memory (the image files stay unchanged)");

        Group debugging = group(page, "Debugging", 1);
        stopAtEntry = check(debugging, "Stop at the kernel's first instruction");
        guestEchoes = check(debugging, "The guest echoes what is typed on COM1 (hide the echo of typed lines on the console)");
    }

    private static Group group(Composite parent, String title, int columns) {
        Group group = new Group(parent, SWT.NONE);
        group.setText(title);
        GridLayoutFactory.swtDefaults().numColumns(columns).applyTo(group);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(group);
        return group;
    }

    private static void label(Composite parent, String text) {
        Label label = new Label(parent, SWT.NONE);
        label.setText(text);
        GridDataFactory.swtDefaults().align(SWT.BEGINNING, SWT.BEGINNING).indent(0, 3).applyTo(label);
    }

    private Text text(Composite parent, int span) {
        Text text = new Text(parent, SWT.SINGLE | SWT.BORDER);
        GridDataFactory.fillDefaults().grab(true, false).span(span, 1).hint(300, SWT.DEFAULT).applyTo(text);
        text.addModifyListener(event -> changed());
        return text;
    }

    private static org.eclipse.swt.widgets.List list(Composite parent) {
        org.eclipse.swt.widgets.List list = new org.eclipse.swt.widgets.List(parent, SWT.BORDER | SWT.MULTI | SWT.V_SCROLL);
        GridDataFactory.fillDefaults().grab(true, false).hint(300, 48).applyTo(list);
        return list;
    }

    private void listButtons(Composite parent, org.eclipse.swt.widgets.List list, String what) {
        Composite buttons = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().applyTo(buttons);
        GridDataFactory.fillDefaults().span(2, 1).applyTo(buttons);
        button(buttons, "Add...", () -> {
            FileDialog dialog = new FileDialog(getShell(), SWT.OPEN | SWT.MULTI);
            dialog.setText(what);
            if (dialog.open() != null) {
                for (String name : dialog.getFileNames()) {
                    list.add(Path.of(dialog.getFilterPath(), name).toString());
                }
                changed();
            }
        });
        button(buttons, "Remove", () -> {
            list.remove(list.getSelectionIndices());
            changed();
        });
    }

    private void button(Composite parent, String text, Runnable action) {
        Button button = new Button(parent, SWT.PUSH);
        button.setText(text);
        GridDataFactory.fillDefaults().applyTo(button);
        button.addSelectionListener(SelectionListener.widgetSelectedAdapter(event -> action.run()));
    }

    private Button check(Composite parent, String text) {
        Button button = new Button(parent, SWT.CHECK);
        button.setText(text);
        GridDataFactory.swtDefaults().span(parent.getLayout() instanceof org.eclipse.swt.layout.GridLayout grid
                ? Math.max(1, grid.numColumns - 1) : 1, 1).applyTo(button);
        button.addSelectionListener(SelectionListener.widgetSelectedAdapter(event -> changed()));
        return button;
    }

    private void browse(Text target, String title, String[] extensions) {
        FileDialog dialog = new FileDialog(getShell(), SWT.OPEN);
        dialog.setText(title);
        dialog.setFilterExtensions(extensions);
        String chosen = dialog.open();
        if (chosen != null) {
            target.setText(chosen);
        }
    }

    private void useDemoGuest() {
        try {
            guest.setText(BundledGuests.demoFile().toString());
            if (ram.getText().isBlank()) {
                ram.setText(Integer.toString(ShadowbenchDebug.DEFAULT_RAM_MIB));
            }
        } catch (IOException e) {
            setErrorMessage("The bundled demo guest could not be copied out: " + e.getMessage());
        }
    }

    private void changed() {
        setDirty(true);
        updateLaunchConfigurationDialog();
    }

    @Override
    public String getName() {
        return "Guest";
    }

    @Override
    public void setDefaults(ILaunchConfigurationWorkingCopy configuration) {
        Preferences.applyDefaults(configuration);
        configuration.setAttribute(ShadowbenchDebug.ATTR_STOP_AT_ENTRY, false);
        configuration.setAttribute(ShadowbenchDebug.ATTR_GUEST_ECHOES, true);
    }

    @Override
    public void initializeFrom(ILaunchConfiguration configuration) {
        try {
            guest.setText(configuration.getAttribute(ShadowbenchDebug.ATTR_GUEST, ""));
            commandLine.setText(configuration.getAttribute(ShadowbenchDebug.ATTR_COMMAND_LINE, ""));
            modules.setItems(configuration.getAttribute(ShadowbenchDebug.ATTR_MODULES, List.<String>of()).toArray(String[]::new));
            ram.setText(Integer.toString(configuration.getAttribute(ShadowbenchDebug.ATTR_RAM_MIB, Preferences.defaultRamMiB())));
            disks.setItems(configuration.getAttribute(ShadowbenchDebug.ATTR_DISKS, List.<String>of()).toArray(String[]::new));
            diskSnapshot.setSelection(configuration.getAttribute(ShadowbenchDebug.ATTR_DISK_SNAPSHOT, false));
            stopAtEntry.setSelection(configuration.getAttribute(ShadowbenchDebug.ATTR_STOP_AT_ENTRY, false));
            guestEchoes.setSelection(configuration.getAttribute(ShadowbenchDebug.ATTR_GUEST_ECHOES, true));
        } catch (CoreException e) {
            setErrorMessage("Cannot read the configuration: " + e.getMessage());
        }
    }

    @Override
    public void performApply(ILaunchConfigurationWorkingCopy configuration) {
        configuration.setAttribute(ShadowbenchDebug.ATTR_GUEST, guest.getText().trim());
        configuration.setAttribute(ShadowbenchDebug.ATTR_COMMAND_LINE, commandLine.getText().trim());
        configuration.setAttribute(ShadowbenchDebug.ATTR_MODULES, items(modules));
        try {
            configuration.setAttribute(ShadowbenchDebug.ATTR_RAM_MIB, Integer.parseInt(ram.getText().trim()));
        } catch (NumberFormatException e) {
            // isValid() reports it; the stored value stays the last good one
        }
        configuration.setAttribute(ShadowbenchDebug.ATTR_DISKS, items(disks));
        configuration.setAttribute(ShadowbenchDebug.ATTR_DISK_SNAPSHOT, diskSnapshot.getSelection());
        configuration.setAttribute(ShadowbenchDebug.ATTR_STOP_AT_ENTRY, stopAtEntry.getSelection());
        configuration.setAttribute(ShadowbenchDebug.ATTR_GUEST_ECHOES, guestEchoes.getSelection());
    }

    private static List<String> items(org.eclipse.swt.widgets.List list) {
        return new ArrayList<>(Arrays.asList(list.getItems()));
    }

    @Override
    public boolean isValid(ILaunchConfiguration configuration) {
        String problem = GuestConfigurationCheck.problem(guest.getText(), ram.getText(), items(modules), items(disks));
        setErrorMessage(problem);
        return problem == null;
    }

    // ------------------------------------------------------------------ for tests

    /** The widgets, for tests that fill the tab in as a user would. */
    public Text guestText() {
        return guest;
    }

    public Text ramText() {
        return ram;
    }

    public Text commandLineText() {
        return commandLine;
    }

    public Button stopAtEntryButton() {
        return stopAtEntry;
    }

    public org.eclipse.swt.widgets.List modulesList() {
        return modules;
    }

    public org.eclipse.swt.widgets.List disksList() {
        return disks;
    }
}
