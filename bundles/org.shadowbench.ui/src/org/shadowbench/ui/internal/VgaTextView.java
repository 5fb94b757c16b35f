package org.shadowbench.ui.internal;

import java.util.List;
import java.util.Locale;

import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
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
 * (from the CRTC's start address), in their attributes' colours, with the cursor where the CRTC puts it. The screen is read on the
 * emulation thread with every new snapshot, one request at a time, so it is the paused guest's exact
 * screen and never holds the guest up.
 */
public final class VgaTextView extends FollowingView {
    public static final String ID = "org.shadowbench.ui.vgaText";

    /**
     * What one request read: the rows, each cell's attribute byte (row by row), and the cursor's
     * character position, with the snapshot it followed.
     */
    public record Screen(List<String> rows, byte[] attributes, int cursor, long sequence) {
        /** A cell's attribute; 07 (light grey on black) outside the screen. */
        public int attribute(int row, int column) {
            int cell = row * VgaText.COLUMNS + column;
            return cell < attributes.length ? attributes[cell] & 0xff : 0x07;
        }
    }

    /** The 16 colours of the text modes' default palette (CGA's, with brown for colour 6). */
    private static final int[] PALETTE = { 0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa,
            0x555555, 0x5555ff, 0x55ff55, 0x55ffff, 0xff5555, 0xff55ff, 0xffff55, 0xffffff };
    private static final Color[] COLOURS = new Color[PALETTE.length];
    static {
        for (int i = 0; i < PALETTE.length; i++) {
            COLOURS[i] = new Color(PALETTE[i] >> 16, PALETTE[i] >> 8 & 0xff, PALETTE[i] & 0xff);
        }
    }

    /** A text-mode colour (0-15) as 0xRRGGBB. */
    public static int colourRgb(int colour) {
        return PALETTE[colour];
    }

    private Canvas canvas;
    private Font font;
    private Screen screen;
    /** Where the last paint put the screen: x and y of its top left corner, a cell's width and height. */
    private Rectangle cellGrid;
    private EmulationQuery query;

    @Override
    public void createPartControl(Composite parent) {
        PngExport.contribute(this, parent);
        parent.setLayout(new FillLayout());
        canvas = new Canvas(parent, SWT.DOUBLE_BUFFERED);
        font = JFaceResources.getTextFont();
        canvas.addListener(SWT.Paint, event -> paint(event.gc));
        query = new EmulationQuery(parent.getDisplay(), () -> show(followed()));
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

    /** Where the last paint drew a cell, in the canvas's coordinates; null before the first. */
    public Rectangle cellBounds(int row, int column) {
        return cellGrid == null ? null
                : new Rectangle(cellGrid.x + column * cellGrid.width, cellGrid.y + row * cellGrid.height, cellGrid.width,
                        cellGrid.height);
    }

    // ------------------------------------------------------------------ reading

    @Override
    protected void show(MachineSession session) {
        if (canvas.isDisposed()) {
            return;
        }
        setPartName(session == null ? "VGA Text" : "VGA Text - " + session.name());
        if (session == null || session.state() == RunState.CLOSED) {
            return;
        }
        MachineSnapshot snapshot = session.snapshot();
        long sequence = snapshot == null ? 0 : snapshot.sequence();
        if (screen == null || screen.sequence() != sequence) {
            request(session, sequence);
        }
    }

    /** Another machine's screen is read afresh; the last one's stays no longer. */
    @Override
    protected void followedChanged(MachineSession session) {
        screen = null;
        if (!canvas.isDisposed()) {
            canvas.redraw();
        }
    }

    private void request(MachineSession session, long sequence) {
        VgaText vga = session.pc().vga();
        query.ask(session.machine(), machine -> new Screen(vga.screen(), vga.attributes(), vga.cursor(), sequence),
                read -> arrived(session, read));
    }

    private void arrived(MachineSession session, Screen read) {
        if (canvas.isDisposed() || read == null || session != followed()) {
            return;
        }
        screen = read;
        canvas.setToolTipText(String.format(Locale.ROOT, "cursor at row %d, column %d", read.cursor() / VgaText.COLUMNS,
                read.cursor() % VgaText.COLUMNS));
        canvas.redraw();
    }

    // ------------------------------------------------------------------ painting

    private void paint(GC gc) {
        Rectangle area = canvas.getClientArea();
        gc.setFont(font);
        Point cell = gc.textExtent("M");
        // Black around the screen, which is centred.
        gc.setBackground(canvas.getDisplay().getSystemColor(SWT.COLOR_BLACK));
        gc.fillRectangle(area);
        if (screen == null) {
            gc.setForeground(canvas.getDisplay().getSystemColor(SWT.COLOR_GRAY));
            gc.drawString(followed() == null ? "No machine selected: launch one in the Machines view."
                    : "Reading the screen...", 8, 8, true);
            return;
        }
        int width = VgaText.COLUMNS * cell.x;
        int height = VgaText.ROWS * cell.y;
        int left = Math.max(4, (area.width - width) / 2);
        int top = Math.max(4, (area.height - height) / 2);
        cellGrid = new Rectangle(left, top, cell.x, cell.y);
        gc.setForeground(canvas.getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
        gc.drawRectangle(left - 3, top - 3, width + 5, height + 5);
        List<String> rows = screen.rows();
        for (int row = 0; row < VgaText.ROWS; row++) {
            String text = row < rows.size() ? rows.get(row) : "";
            // One fill and one string per run of cells with the same attribute.
            int column = 0;
            while (column < VgaText.COLUMNS) {
                int attribute = screen.attribute(row, column);
                int end = column + 1;
                while (end < VgaText.COLUMNS && screen.attribute(row, end) == attribute) {
                    end++;
                }
                int x = left + column * cell.x;
                int y = top + row * cell.y;
                // Bit 7 blinks on a real screen: shown steady, as the background's colours 0-7.
                gc.setBackground(COLOURS[attribute >> 4 & 7]);
                gc.fillRectangle(x, y, (end - column) * cell.x, cell.y);
                if (column < text.length()) {
                    gc.setForeground(COLOURS[attribute & 0x0f]);
                    gc.drawString(text.substring(column, Math.min(end, text.length())), x, y, true);
                }
                column = end;
            }
        }
        int cursor = screen.cursor();
        if (cursor >= 0 && cursor < VgaText.COLUMNS * VgaText.ROWS) {
            // The cursor takes the colour of the character under it, as the hardware draws it.
            gc.setBackground(COLOURS[screen.attribute(cursor / VgaText.COLUMNS, cursor % VgaText.COLUMNS) & 0x0f]);
            gc.fillRectangle(left + cursor % VgaText.COLUMNS * cell.x, top + (cursor / VgaText.COLUMNS + 1) * cell.y - 2,
                    cell.x, 2);
        }
    }

    @Override
    public void setFocus() {
        canvas.setFocus();
    }
}
