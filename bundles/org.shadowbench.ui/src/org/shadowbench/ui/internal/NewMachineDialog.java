package org.shadowbench.ui.internal;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.dialogs.TitleAreaDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;
import org.shadowbench.ui.MachineSpec;

/**
 * Asks for a guest (a multiboot file, or one of the presets), RAM and command line. The xv6 preset
 * is offered when its kernel is found: the system property {@value #XV6_PROPERTY}, or
 * {@value #XV6_RELATIVE} relative to the working directory.
 */
public final class NewMachineDialog extends TitleAreaDialog {
    static final String XV6_PROPERTY = "shadowbench.xv6";
    static final String XV6_RELATIVE = "../shared/guests/xv6/kernelmemfs";

    private Text guest;
    private Spinner ram;
    private Text commandLine;
    private Button runAtOnce;
    private MachineSpec spec;
    private boolean run;

    private Button demoPreset;

    public NewMachineDialog(Shell parent) {
        super(parent);
    }

    /** What to launch, after OK. */
    public MachineSpec spec() {
        return spec;
    }

    public boolean runAtOnce() {
        return run;
    }

    /** For tests: the guest field, the RAM spinner and the demo preset. */
    public Text guestField() {
        return guest;
    }

    public Spinner ramField() {
        return ram;
    }

    public Text commandLineField() {
        return commandLine;
    }

    public Button demoPreset() {
        return demoPreset;
    }

    /** Presses OK, as the button does. */
    public void accept() {
        okPressed();
    }

    /** The xv6 kernel (memfs build), or null when it is not on this machine. */
    public static Path xv6Kernel() {
        String configured = System.getProperty(XV6_PROPERTY);
        Path path = configured != null ? Path.of(configured) : Path.of(System.getProperty("user.dir"), XV6_RELATIVE);
        return Files.isRegularFile(path) ? path.normalize() : null;
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText("New Machine");
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        setTitle("New Machine");
        setMessage("A PC with the headless runner's devices; COM1 goes to a console.");
        Composite area = (Composite) super.createDialogArea(parent);
        Composite body = new Composite(area, SWT.NONE);
        GridLayoutFactory.swtDefaults().numColumns(3).applyTo(body);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(body);

        new Label(body, SWT.NONE).setText("Presets:");
        Composite presets = new Composite(body, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).applyTo(presets);
        GridDataFactory.fillDefaults().span(2, 1).applyTo(presets);
        Button demo = new Button(presets, SWT.PUSH);
        demoPreset = demo;
        demo.setText("Demo guest");
        demo.addListener(SWT.Selection, event -> preset(MachinePresets.DEMO));
        Button xv6 = new Button(presets, SWT.PUSH);
        Path xv6Kernel = xv6Kernel();
        xv6.setText("xv6");
        xv6.setEnabled(xv6Kernel != null);
        xv6.setToolTipText(xv6Kernel != null ? xv6Kernel.toString()
                : "not found: set -D" + XV6_PROPERTY + "=FILE or put it at " + XV6_RELATIVE);
        xv6.addListener(SWT.Selection, event -> preset(MachineSpec.file(xv6Kernel, 256L << 20, "")));

        new Label(body, SWT.NONE).setText("Guest:");
        guest = new Text(body, SWT.BORDER);
        GridDataFactory.fillDefaults().grab(true, false).hint(360, SWT.DEFAULT).applyTo(guest);
        guest.addListener(SWT.Modify, event -> validate());
        Button browse = new Button(body, SWT.PUSH);
        browse.setText("Browse...");
        browse.addListener(SWT.Selection, event -> {
            FileDialog files = new FileDialog(getShell(), SWT.OPEN);
            files.setText("Multiboot guest");
            String chosen = files.open();
            if (chosen != null) {
                guest.setText(chosen);
            }
        });

        new Label(body, SWT.NONE).setText("RAM (MiB):");
        ram = new Spinner(body, SWT.BORDER);
        // larger guests make the first snapshot slow to copy
        ram.setValues(Math.max(2, Math.min(4096, org.shadowbench.ui.MachineDefaults.ramMiB())), 2, 4096, 0, 16, 256);
        GridDataFactory.fillDefaults().span(2, 1).applyTo(ram);

        new Label(body, SWT.NONE).setText("Command line:");
        commandLine = new Text(body, SWT.BORDER);
        GridDataFactory.fillDefaults().grab(true, false).span(2, 1).applyTo(commandLine);

        new Label(body, SWT.NONE);
        runAtOnce = new Button(body, SWT.CHECK);
        runAtOnce.setText("Run at once");
        runAtOnce.setSelection(true);
        GridDataFactory.fillDefaults().span(2, 1).applyTo(runAtOnce);

        // The demo's guest and workload, in the RAM of the preferences.
        guest.setText(MachinePresets.guestText(MachinePresets.DEMO));
        commandLine.setText(MachinePresets.DEMO.commandLine());
        return area;
    }

    private void preset(MachineSpec preset) {
        guest.setText(MachinePresets.guestText(preset));
        ram.setSelection((int) (preset.ramSize() >> 20));
        commandLine.setText(preset.commandLine());
    }

    private void validate() {
        String text = guest.getText().trim();
        String problem = null;
        if (text.isEmpty()) {
            problem = "Choose a guest file or a preset.";
        } else if (!text.startsWith(MachinePresets.BUNDLED_PREFIX) && !Files.isRegularFile(Path.of(text))) {
            problem = "No such file: " + text;
        }
        setErrorMessage(problem);
        Button ok = getButton(IDialogConstants.OK_ID);
        if (ok != null) {
            ok.setEnabled(problem == null);
        }
    }

    @Override
    protected void okPressed() {
        String text = guest.getText().trim();
        long ramBytes = (long) ram.getSelection() << 20;
        spec = text.startsWith(MachinePresets.BUNDLED_PREFIX)
                ? MachineSpec.bundledGuest(text.substring(MachinePresets.BUNDLED_PREFIX.length()), ramBytes, commandLine.getText())
                : MachineSpec.file(Path.of(text), ramBytes, commandLine.getText());
        run = runAtOnce.getSelection();
        super.okPressed();
    }
}
