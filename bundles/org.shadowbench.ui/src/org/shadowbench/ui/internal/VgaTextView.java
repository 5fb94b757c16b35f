package org.shadowbench.ui.internal;

import java.util.List;
import java.util.Locale;

import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Font;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.shadowbench.devices.vga.VgaText;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.machine.RunState;
import org.shadowbench.ui.MachineSession;

/**
 * The followed machine's VGA text screen, 80 by 25 characters as the guest wrote them to video memory
 * (from the CRTC's start address), with the cursor where the CRTC puts it. The screen is read on the
 * emulation thread with every new snapshot, one request at a time, so it is the paused guest's exact
 * screen and never holds the guest up.
 */
public final class VgaTextView extends FollowingView {
    public static final String ID = "org.shadowbench.ui.vgaText";

    /** What one request read: the rows and the cursor's character position, with the snapshot it followed. */
    public record Screen(List<String> rows, int cursor, long sequence) {
    }

    private Canvas canvas;
    private Font font;
    private MachineSession shownSession;
    private Screen screen;
    private boolean inFlight;
    private boolean again;

    @Override
    public void createPartControl(Composite parent) {
        PngExport.contribute(this, parent);
        parent.setLayout(new FillLayout());
        canvas = new Canvas(parent, SWT.DOUBLE_BUFFERED);
        font = JFaceResources.getTextFont();
        canvas.addListener(SWT.Paint, event -> paint(event.gc));
        follow(parent);
    }

    // ------------------------------------------------------------------ for tests

    /** The screen shown, or null. */
    public Screen screen() {
        return screen;
    }

    public Canvas canvas() {
        return canvas;
    }

    // ------------------------------------------------------------------ reading

    @Override
    protected void show(MachineSession session) {
        if (canvas.isDisposed()) {
            return;
        }
        setPartName(session == null ? "VGA Text" : "VGA Text - " + session.name());
        if (session != shownSession) {
            shownSession = session;
            screen = null;
            canvas.redraw();
        }
        if (session == null || session.state() == RunState.CLOSED) {
            return;
        }
        MachineSnapshot snapshot = session.snapshot();
        long sequence = snapshot == null ? 0 : snapshot.sequence();
        if (screen == null || screen.sequence() != sequence) {
            request(session, sequence);
        }
    }

    private void request(MachineSession session, long sequence) {
        if (inFlight) {
            again = true;
            return;
        }
        inFlight = true;
        VgaText vga = session.pc().vga();
        var display = canvas.getDisplay();
        session.machine().submit(machine -> new Screen(vga.screen(), vga.cursor(), sequence))
                .whenComplete((read, error) -> {
                    if (!display.isDisposed()) {
                        display.asyncExec(() -> arrived(session, read));
                    }
                });
    }

    private void arrived(MachineSession session, Screen read) {
        if (canvas.isDisposed()) {
            return;
        }
        inFlight = false;
        if (read != null && session == shownSession) {
            screen = read;
            canvas.setToolTipText(String.format(Locale.ROOT, "cursor at row %d, column %d", read.cursor() / VgaText.COLUMNS,
                    read.cursor() % VgaText.COLUMNS));
            canvas.redraw();
        }
        if (again) {
            again = false;
            show(followed());
        }
    }

    // ------------------------------------------------------------------ painting

    private void paint(GC gc) {
        Rectangle area = canvas.getClientArea();
        gc.setFont(font);
        Point cell = gc.textExtent("M");
        // Light grey on black, as a VGA text screen shows attribute 07; the screen is centred.
        gc.setBackground(canvas.getDisplay().getSystemColor(SWT.COLOR_BLACK));
        gc.fillRectangle(area);
        if (screen == null) {
            gc.setForeground(canvas.getDisplay().getSystemColor(SWT.COLOR_GRAY));
            gc.drawString(shownSession == null ? "No machine selected: launch one in the Machines view."
                    : "Reading the screen...", 8, 8, true);
            return;
        }
        int width = VgaText.COLUMNS * cell.x;
        int height = VgaText.ROWS * cell.y;
        int left = Math.max(4, (area.width - width) / 2);
        int top = Math.max(4, (area.height - height) / 2);
        gc.setForeground(canvas.getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
        gc.drawRectangle(left - 3, top - 3, width + 5, height + 5);
        gc.setForeground(canvas.getDisplay().getSystemColor(SWT.COLOR_GRAY));
        List<String> rows = screen.rows();
        for (int row = 0; row < rows.size(); row++) {
            gc.drawString(rows.get(row), left, top + row * cell.y, true);
        }
        int cursor = screen.cursor();
        if (cursor >= 0 && cursor < VgaText.COLUMNS * VgaText.ROWS) {
            gc.setBackground(canvas.getDisplay().getSystemColor(SWT.COLOR_GRAY));
            gc.fillRectangle(left + cursor % VgaText.COLUMNS * cell.x, top + (cursor / VgaText.COLUMNS + 1) * cell.y - 2,
                    cell.x, 2);
        }
    }

    @Override
    public void setFocus() {
        canvas.setFocus();
    }
}
