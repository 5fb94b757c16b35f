package org.shadowbench.debug.ui.internal;

import java.util.Locale;

import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.dialogs.TitleAreaDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.events.SelectionListener;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;

/**
 * Asks for a physical watchpoint: the guest-physical address (hexadecimal), the length in bytes, and
 * whether reads, writes or both stop the guest. OK stays disabled while the values are not a
 * watchpoint, and the title area says why.
 */
public final class WatchpointDialog extends TitleAreaDialog {
    /** The largest watch the dialog offers: 1 MiB (the registry wants it inside one RAM range anyway). */
    public static final int MAX_LENGTH = 1 << 20;

    private Text address;
    private Text length;
    private Button reads;
    private Button writes;
    private long chosenAddress;
    private int chosenLength;
    private boolean chosenReads;
    private boolean chosenWrites;

    public WatchpointDialog(Shell parent) {
        super(parent);
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText("Add Physical Watchpoint");
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        Composite area = (Composite) super.createDialogArea(parent);
        setTitle("Physical Watchpoint");
        setMessage("Stops the guest after an instruction reads or writes these guest-physical bytes "
                + "(RAM, ROM or MMIO; page tables included).");
        Composite fields = new Composite(area, SWT.NONE);
        GridLayoutFactory.swtDefaults().numColumns(2).margins(10, 10).applyTo(fields);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(fields);
        new Label(fields, SWT.NONE).setText("Physical address (hex):");
        address = new Text(fields, SWT.SINGLE | SWT.BORDER);
        address.setMessage("e.g. 0x1000");
        GridDataFactory.fillDefaults().grab(true, false).hint(220, SWT.DEFAULT).applyTo(address);
        new Label(fields, SWT.NONE).setText("Length (bytes):");
        length = new Text(fields, SWT.SINGLE | SWT.BORDER);
        length.setText("4");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(length);
        new Label(fields, SWT.NONE).setText("Stop on:");
        Composite kinds = new Composite(fields, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(2).applyTo(kinds);
        reads = new Button(kinds, SWT.CHECK);
        reads.setText("Reads");
        writes = new Button(kinds, SWT.CHECK);
        writes.setText("Writes");
        writes.setSelection(true);
        address.addModifyListener(event -> validate());
        length.addModifyListener(event -> validate());
        reads.addSelectionListener(SelectionListener.widgetSelectedAdapter(event -> validate()));
        writes.addSelectionListener(SelectionListener.widgetSelectedAdapter(event -> validate()));
        return area;
    }

    @Override
    protected void createButtonsForButtonBar(Composite parent) {
        super.createButtonsForButtonBar(parent);
        validate();
    }

    /** The problem with the values, or {@code null} when they make a watchpoint. */
    public static String problem(String addressText, String lengthText, boolean reads, boolean writes) {
        long start;
        try {
            start = AddressParser.parse(addressText, AddressParser.PHYSICAL_LIMIT);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        int bytes;
        try {
            bytes = Integer.parseInt(lengthText.trim());
        } catch (NumberFormatException e) {
            return "The length must be a whole number of bytes, not '" + lengthText.trim() + "'";
        }
        if (bytes < 1 || bytes > MAX_LENGTH) {
            return "The length must be between 1 and " + MAX_LENGTH + " bytes";
        }
        if (start + bytes - 1 > AddressParser.PHYSICAL_LIMIT) {
            return String.format(Locale.ROOT, "The watch would end beyond the last physical address, %#x",
                    AddressParser.PHYSICAL_LIMIT);
        }
        if (!reads && !writes) {
            return "Choose reads, writes or both";
        }
        return null;
    }

    private void validate() {
        if (address == null || length == null || reads == null || writes == null) {
            return;
        }
        String problem = problem(address.getText(), length.getText(), reads.getSelection(), writes.getSelection());
        setErrorMessage(problem);
        Button ok = getButton(IDialogConstants.OK_ID);
        if (ok != null) {
            ok.setEnabled(problem == null);
        }
    }

    @Override
    protected void okPressed() {
        if (problem(address.getText(), length.getText(), reads.getSelection(), writes.getSelection()) != null) {
            return;
        }
        chosenAddress = AddressParser.parse(address.getText(), AddressParser.PHYSICAL_LIMIT);
        chosenLength = Integer.parseInt(length.getText().trim());
        chosenReads = reads.getSelection();
        chosenWrites = writes.getSelection();
        super.okPressed();
    }

    public long address() {
        return chosenAddress;
    }

    public int length() {
        return chosenLength;
    }

    public boolean reads() {
        return chosenReads;
    }

    public boolean writes() {
        return chosenWrites;
    }

    // ------------------------------------------------------------------ for tests

    public Text addressText() {
        return address;
    }

    public Text lengthText() {
        return length;
    }

    public Button readsButton() {
        return reads;
    }

    public Button writesButton() {
        return writes;
    }
}
