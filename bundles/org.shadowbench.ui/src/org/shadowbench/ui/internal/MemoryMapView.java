package org.shadowbench.ui.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.jface.viewers.ISelection;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.Font;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.PaletteData;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.layout.RowLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.ScrollBar;
import org.eclipse.ui.ISelectionListener;
import org.eclipse.ui.IWorkbenchPart;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.machine.MachineSnapshot.HandlerSnapshot;
import org.shadowbench.machine.RangeSnapshot;
import org.shadowbench.memory.ByteCount;
import org.shadowbench.memory.PageTracking;
import org.shadowbench.memory.RamRange;
import org.shadowbench.pool.PoolPageInfo;
import org.shadowbench.ui.MachineSession;

/**
 * Every guest-physical range as a band of cells, one cell per page (or per group of pages when
 * zoomed out), coloured by one of the {@link PageColours} schemes. Pages that changed since the
 * previous snapshot flash; the pages of the handler selected in the Access Handlers view, or the
 * guest page of the pool page selected in the Shadow Pool view, are highlighted. Only the rows inside the paint clip are drawn, as one image per band.
 *
 * <p>Zoom: the mouse wheel (Shift+wheel scrolls), the + and - keys or the buttons; it goes from
 * 256 pages per 2-pixel cell to one page per 24-pixel cell.
 */
public final class MemoryMapView extends FollowingView implements ISelectionListener {
    public static final String ID = "org.shadowbench.ui.memoryMap";
    /** Zoom levels: pages per cell, cell size in pixels. */
    public static final int[][] ZOOM = { { 256, 2 }, { 64, 2 }, { 16, 2 }, { 4, 2 }, { 1, 2 }, { 1, 4 }, { 1, 6 }, { 1, 8 },
            { 1, 12 }, { 1, 16 }, { 1, 24 } };
    public static final int DEFAULT_ZOOM = 5;
    public static final int FLASH_MILLIS = 800;
    static final int FLASH_RGB = 0xffe600;
    public static final int HIGHLIGHT_RGB = 0xe0109a;
    private static final int BACKGROUND_RGB = 0xffffff;
    private static final int BAND_GAP = 10;
    private static final long PAGE = 4096;
    private static final PaletteData PALETTE = new PaletteData(0xff0000, 0x00ff00, 0x0000ff);

    /** A range's place on the canvas. */
    private record Band(RangeSnapshot range, int y, int header, int rows, int cells, int height) {
    }

    /** Unassigned space between two ranges: one line of text. */
    private record Gap(long first, long last, int y) {
    }

    private Canvas canvas;
    private Composite legend;
    private Combo scheme;
    private Label status;
    private Font mono;
    private PageColours colours = PageColours.TYPE_AND_STATE;
    private int zoom = DEFAULT_ZOOM;
    /** The followed machine's snapshot shown; changes are marked only between one machine's own snapshots. */
    private MachineSnapshot snapshot;
    private List<Band> bands = List.of();
    private List<Gap> gaps = List.of();
    private int columns = 1;
    private int labelWidth;
    private int lineHeight;
    private int scrollY;
    /** Per range (by first address): until when each page flashes (System.currentTimeMillis()). */
    private final Map<Long, long[]> flashes = new HashMap<>();
    private long flashingUntil;
    private final List<long[]> highlights = new ArrayList<>();
    private String tooltip;
    /** The page picked with a click (guest-physical), or -1; published as a {@link GuestPage}. */
    private long picked = -1;
    private final CanvasSelection selection = new CanvasSelection();

    @Override
    public void createPartControl(Composite parent) {
        PngExport.contribute(this, parent);
        GridLayoutFactory.fillDefaults().spacing(0, 2).applyTo(parent);
        Composite bar = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(5).margins(4, 2).applyTo(bar);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(bar);
        new Label(bar, SWT.NONE).setText("Colour by:");
        scheme = new Combo(bar, SWT.READ_ONLY);
        for (PageColours each : PageColours.values()) {
            scheme.add(each.title());
        }
        scheme.select(0);
        scheme.addListener(SWT.Selection, event -> setColours(PageColours.values()[scheme.getSelectionIndex()]));
        Button out = new Button(bar, SWT.PUSH);
        out.setText(" - ");
        out.setToolTipText("Zoom out (-, mouse wheel)");
        out.addListener(SWT.Selection, event -> zoom(-1, -1));
        Button in = new Button(bar, SWT.PUSH);
        in.setText(" + ");
        in.setToolTipText("Zoom in (+, mouse wheel)");
        in.addListener(SWT.Selection, event -> zoom(1, -1));
        status = new Label(bar, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).align(SWT.FILL, SWT.CENTER).applyTo(status);

        legend = new Composite(parent, SWT.NONE);
        RowLayout rows = new RowLayout(SWT.HORIZONTAL);
        rows.wrap = true;
        rows.center = true;
        rows.marginLeft = 6;
        rows.spacing = 10;
        legend.setLayout(rows);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(legend);

        canvas = new Canvas(parent, SWT.V_SCROLL | SWT.NO_BACKGROUND | SWT.DOUBLE_BUFFERED);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(canvas);
        mono = JFaceResources.getTextFont();
        GC gc = new GC(canvas);
        gc.setFont(mono);
        labelWidth = gc.textExtent("0x000000000 ").x + 8;
        lineHeight = gc.getFontMetrics().getHeight();
        gc.dispose();
        canvas.addListener(SWT.Paint, event -> paint(event.gc, new Rectangle(event.x, event.y, event.width, event.height)));
        canvas.addListener(SWT.Resize, event -> relayout());
        canvas.addListener(SWT.MouseVerticalWheel, this::wheel);
        canvas.addListener(SWT.KeyDown, this::key);
        canvas.addListener(SWT.MouseMove, event -> hover(event.x, event.y));
        canvas.addListener(SWT.MouseDown, event -> {
            canvas.setFocus();
            if (event.button == 1 && event.x >= labelWidth && event.x < labelWidth + columns * cellPx()) {
                pick(addressAt(event.x, event.y));
            }
        });
        ScrollBar vertical = canvas.getVerticalBar();
        vertical.addListener(SWT.Selection, event -> {
            scrollY = vertical.getSelection();
            canvas.redraw();
        });
        fillLegend();
        getSite().setSelectionProvider(selection);
        getSite().getPage().addPostSelectionListener(HandlersView.ID, this);
        getSite().getPage().addPostSelectionListener(PoolView.ID, this);
        follow(parent);
    }

    // ------------------------------------------------------------------ for tests

    public Canvas canvas() {
        return canvas;
    }

    public MachineSnapshot shownSnapshot() {
        return snapshot;
    }

    /** How many pages flash now, as changed since the previous refresh. */
    public int flashingPages() {
        long now = System.currentTimeMillis();
        int count = 0;
        for (long[] until : flashes.values()) {
            for (long time : until) {
                count += time > now ? 1 : 0;
            }
        }
        return count;
    }

    public PageColours colours() {
        return colours;
    }

    public void setColours(PageColours scheme) {
        colours = scheme;
        this.scheme.select(scheme.ordinal());
        fillLegend();
        canvas.redraw();
    }

    public int zoomLevel() {
        return zoom;
    }

    public void setZoomLevel(int level) {
        zoom = Math.max(0, Math.min(ZOOM.length - 1, level));
        relayout();
    }

    /** Scrolls the address into view and returns the centre of its cell in canvas coordinates, or null. */
    public Point cellCentre(long address) {
        reveal(address);
        for (Band band : bands) {
            RangeSnapshot range = band.range();
            if (address >= range.first() && address <= range.last()) {
                int cell = (int) ((address - range.first()) / PAGE / pagesPerCell());
                int cellPx = cellPx();
                int x = labelWidth + (cell % columns) * cellPx + cellPx / 2;
                int y = band.y() + band.header() + (cell / columns) * cellPx + cellPx / 2 - scrollY;
                return new Point(x, y);
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ model

    private int pagesPerCell() {
        return ZOOM[zoom][0];
    }

    private int cellPx() {
        return ZOOM[zoom][1];
    }

    @Override
    protected void show(MachineSession session) {
        if (canvas.isDisposed()) {
            return;
        }
        MachineSnapshot next = session == null ? null : session.snapshot();
        if (next != snapshot) {
            if (snapshot != null && next != null) {
                markChanges(snapshot, next);
            } else {
                flashes.clear();
            }
            snapshot = next;
            relayout();
        }
        setPartName(session == null ? "Guest Memory Map" : "Guest Memory Map - " + session.name());
    }

    /** Another machine: its ranges have other sizes, and nothing of it "changed" since the last one's. */
    @Override
    protected void followedChanged(MachineSession session) {
        snapshot = null;
        flashes.clear();
        flashingUntil = 0;
        relayout();
    }

    /** Flashes every page whose descriptor changed; unchanged chunks are skipped by identity. */
    private void markChanges(MachineSnapshot before, MachineSnapshot after) {
        Map<Long, RangeSnapshot> old = new HashMap<>();
        for (RangeSnapshot range : before.ranges()) {
            old.put(range.first(), range);
        }
        long now = System.currentTimeMillis();
        for (RangeSnapshot range : after.ranges()) {
            RangeSnapshot previous = old.get(range.first());
            if (previous == range || previous == null || previous.pageCount() != range.pageCount()) {
                continue;
            }
            long[] until = null;
            int chunks = (range.pageCount() + RamRange.CHUNK_PAGES - 1) / RamRange.CHUNK_PAGES;
            for (int chunk = 0; chunk < chunks; chunk++) {
                if (range.sharesChunk(previous, chunk)) {
                    continue;
                }
                int end = Math.min(range.pageCount(), (chunk + 1) * RamRange.CHUNK_PAGES);
                for (int page = chunk * RamRange.CHUNK_PAGES; page < end; page++) {
                    if (changed(previous, range, page)) {
                        if (until == null) {
                            until = flashes.computeIfAbsent(range.first(), key -> new long[range.pageCount()]);
                        }
                        until[page] = now + FLASH_MILLIS;
                        flashingUntil = now + FLASH_MILLIS;
                    }
                }
            }
        }
    }

    private static boolean changed(RangeSnapshot a, RangeSnapshot b, int page) {
        return a.pageType(page) != b.pageType(page) || a.pageState(page) != b.pageState(page)
                || a.handlerState(page) != b.handlerState(page) || a.hostFrame(page) != b.hostFrame(page)
                || a.tracking(page) != b.tracking(page);
    }

    private void relayout() {
        if (canvas.isDisposed()) {
            return;
        }
        Rectangle area = canvas.getClientArea();
        int cellPx = cellPx();
        int fit = Math.max(1, (area.width - labelWidth - 8) / cellPx);
        columns = Integer.highestOneBit(fit); // a power of two keeps row addresses round
        List<Band> laidOut = new ArrayList<>();
        List<Gap> holes = new ArrayList<>();
        int y = 4;
        int header = lineHeight + 6;
        if (snapshot != null) {
            long next = 0;
            for (RangeSnapshot range : snapshot.ranges()) {
                if (range.first() > next) {
                    // The whole address space is shown: unassigned stretches get a line, not cells.
                    holes.add(new Gap(next, range.first() - 1, y));
                    y += lineHeight + BAND_GAP;
                }
                next = range.last() + 1;
                int cells = (range.pageCount() + pagesPerCell() - 1) / pagesPerCell();
                int rows = (cells + columns - 1) / columns;
                // At least a text line high, so that a one-row band's address label stays inside it.
                Band band = new Band(range, y, header, rows, cells, header + Math.max(rows * cellPx, lineHeight));
                laidOut.add(band);
                y += band.height() + BAND_GAP;
            }
        }
        bands = laidOut;
        gaps = holes;
        ScrollBar bar = canvas.getVerticalBar();
        bar.setMaximum(Math.max(y, 1));
        bar.setThumb(Math.max(1, Math.min(area.height, y)));
        bar.setPageIncrement(Math.max(1, area.height - lineHeight));
        bar.setIncrement(Math.max(cellPx * 4, lineHeight));
        scrollY = Math.max(0, Math.min(scrollY, y - area.height));
        bar.setSelection(scrollY);
        updateStatus();
        canvas.redraw();
    }

    private void updateStatus() {
        long rowBytes = (long) columns * pagesPerCell() * PAGE;
        String zoomText = pagesPerCell() == 1 ? String.format(Locale.ROOT, "1 page per %d px cell", cellPx())
                : String.format(Locale.ROOT, "%d pages per cell", pagesPerCell());
        String text = zoomText + ", " + ByteCount.format(rowBytes) + " per row";
        if (snapshot != null) {
            text += "   snapshot " + snapshot.sequence();
        }
        status.setText(text);
    }

    private void fillLegend() {
        for (Control child : legend.getChildren()) {
            child.dispose();
        }
        List<PageColours.Entry> entries = new ArrayList<>(colours.legend());
        entries.add(new PageColours.Entry("Changed just now", FLASH_RGB));
        entries.add(new PageColours.Entry("Selected handler or pool page", HIGHLIGHT_RGB));
        for (PageColours.Entry entry : entries) {
            Composite item = new Composite(legend, SWT.NONE);
            GridLayoutFactory.fillDefaults().numColumns(2).spacing(4, 0).applyTo(item);
            Canvas swatch = new Canvas(item, SWT.NONE);
            GridDataFactory.swtDefaults().hint(14, 14).applyTo(swatch);
            int rgb = entry.rgb();
            swatch.addListener(SWT.Paint, event -> {
                Color colour = new Color(rgb >> 16, rgb >> 8 & 0xff, rgb & 0xff);
                event.gc.setBackground(colour);
                event.gc.fillRectangle(0, 0, 14, 14);
                event.gc.setForeground(event.display.getSystemColor(SWT.COLOR_DARK_GRAY));
                event.gc.drawRectangle(0, 0, 13, 13);
            });
            new Label(item, SWT.NONE).setText(entry.label());
        }
        legend.getParent().layout(true, true);
    }

    // ------------------------------------------------------------------ painting

    private void paint(GC gc, Rectangle clip) {
        gc.setBackground(canvas.getDisplay().getSystemColor(SWT.COLOR_WHITE));
        gc.fillRectangle(clip);
        gc.setFont(mono);
        gc.setForeground(canvas.getDisplay().getSystemColor(SWT.COLOR_BLACK));
        if (snapshot == null) {
            gc.drawString("No machine selected: launch one in the Machines view.", 8, 8, true);
            return;
        }
        long now = System.currentTimeMillis();
        gc.setForeground(canvas.getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
        for (Gap gap : gaps) {
            int top = gap.y() - scrollY;
            if (top + lineHeight >= clip.y && top <= clip.y + clip.height) {
                gc.drawString(String.format(Locale.ROOT, "%#011x-%#011x  unassigned  (%s)", gap.first(), gap.last(),
                        ByteCount.format(gap.last() - gap.first() + 1)), 4, top, true);
            }
        }
        for (Band band : bands) {
            int top = band.y() - scrollY;
            if (top > clip.y + clip.height) {
                break;
            }
            if (top + band.height() < clip.y) {
                continue;
            }
            paintBand(gc, band, top, clip, now);
        }
        Point at = picked < 0 ? null : cellPosition(picked);
        if (at != null) {
            // The picked cell: framed, so it stays visible whatever colour the page has.
            gc.setLineWidth(2);
            gc.setForeground(canvas.getDisplay().getSystemColor(SWT.COLOR_BLACK));
            gc.drawRectangle(at.x - 1, at.y - 1, cellPx() + 1, cellPx() + 1);
            gc.setLineWidth(1);
        }
        if (flashingUntil > now) {
            canvas.getDisplay().timerExec(50, () -> {
                if (!canvas.isDisposed()) {
                    canvas.redraw();
                }
            });
        }
    }

    private void paintBand(GC gc, Band band, int top, Rectangle clip, long now) {
        RangeSnapshot range = band.range();
        int cellPx = cellPx();
        gc.setForeground(canvas.getDisplay().getSystemColor(SWT.COLOR_BLACK));
        gc.drawString(String.format(Locale.ROOT, "%#011x-%#011x  %-5s %s  (%s, %,d page%s)", range.first(), range.last(),
                range.kind(), range.description(), ByteCount.format(range.last() - range.first() + 1), range.pageCount(),
                range.pageCount() == 1 ? "" : "s"), 4, top + 3, true);
        int gridTop = top + band.header();
        int firstRow = Math.max(0, (clip.y - gridTop) / cellPx);
        int lastRow = Math.min(band.rows() - 1, (clip.y + clip.height - gridTop) / cellPx);
        if (firstRow > lastRow) {
            return;
        }
        int width = columns * cellPx;
        ImageData image = new ImageData(width, (lastRow - firstRow + 1) * cellPx, 24, PALETTE);
        int[] line = new int[width];
        int[] gapLine = new int[width];
        Arrays.fill(gapLine, BACKGROUND_RGB);
        boolean gaps = cellPx >= 6;
        long[] until = flashes.get(range.first());
        for (int row = firstRow; row <= lastRow; row++) {
            for (int column = 0; column < columns; column++) {
                int cell = row * columns + column;
                int rgb = cell < band.cells() ? cellRgb(range, cell, until, now) : BACKGROUND_RGB;
                int x = column * cellPx;
                Arrays.fill(line, x, x + cellPx, rgb);
                if (gaps) {
                    line[x + cellPx - 1] = BACKGROUND_RGB;
                }
            }
            int y = (row - firstRow) * cellPx;
            for (int py = 0; py < cellPx; py++) {
                image.setPixels(0, y + py, width, gaps && py == cellPx - 1 ? gapLine : line, 0);
            }
        }
        Image drawn = new Image(canvas.getDisplay(), image);
        gc.drawImage(drawn, labelWidth, gridTop + firstRow * cellPx);
        drawn.dispose();
        // Row addresses, as often as the font allows.
        gc.setForeground(canvas.getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
        int every = Math.max(1, (lineHeight + cellPx - 1) / cellPx);
        long rowBytes = (long) columns * pagesPerCell() * PAGE;
        for (int row = firstRow - firstRow % every; row <= lastRow; row += every) {
            if (row >= 0) {
                gc.drawString(String.format(Locale.ROOT, "%#011x", range.first() + row * rowBytes), 4,
                        gridTop + row * cellPx, true);
            }
        }
    }

    /** A cell's colour: its most notable page's, flashing if one changed, tinted if highlighted. */
    private int cellRgb(RangeSnapshot range, int cell, long[] until, long now) {
        int first = cell * pagesPerCell();
        int end = Math.min(range.pageCount(), first + pagesPerCell());
        int best = 0;
        long flash = 0;
        for (int page = first; page < end; page++) {
            best = Math.max(best, colours.index(range, page));
            if (until != null) {
                flash = Math.max(flash, until[page]);
            }
        }
        int rgb = colours.legend().get(best).rgb();
        if (flash > now) {
            rgb = blend(rgb, FLASH_RGB, Math.min(1.0, 0.3 + (flash - now) / (double) FLASH_MILLIS));
        }
        long firstAddress = range.first() + first * PAGE;
        long lastAddress = range.first() + end * PAGE - 1;
        for (long[] highlight : highlights) {
            if (highlight[0] <= lastAddress && highlight[1] >= firstAddress) {
                rgb = blend(rgb, HIGHLIGHT_RGB, 0.7);
                break;
            }
        }
        return rgb;
    }

    public static int blend(int rgb, int towards, double amount) {
        int r = (int) Math.round((rgb >> 16 & 0xff) * (1 - amount) + (towards >> 16 & 0xff) * amount);
        int g = (int) Math.round((rgb >> 8 & 0xff) * (1 - amount) + (towards >> 8 & 0xff) * amount);
        int b = (int) Math.round((rgb & 0xff) * (1 - amount) + (towards & 0xff) * amount);
        return r << 16 | g << 8 | b;
    }

    // ------------------------------------------------------------------ interaction

    private void wheel(Event event) {
        if ((event.stateMask & SWT.SHIFT) != 0 || event.count == 0) {
            return; // the scroll bar scrolls
        }
        event.doit = false;
        zoom(event.count > 0 ? 1 : -1, event.y);
    }

    private void key(Event event) {
        switch (event.character) {
            case '+', '=' -> zoom(1, -1);
            case '-', '_' -> zoom(-1, -1);
            default -> {
                int delta = switch (event.keyCode) {
                    case SWT.ARROW_DOWN -> lineHeight;
                    case SWT.ARROW_UP -> -lineHeight;
                    case SWT.PAGE_DOWN -> canvas.getClientArea().height;
                    case SWT.PAGE_UP -> -canvas.getClientArea().height;
                    default -> 0;
                };
                if (delta != 0) {
                    scrollTo(scrollY + delta);
                }
            }
        }
    }

    /** Zooms one level, keeping the address at {@code anchorY} (or the top row) where it is. */
    private void zoom(int direction, int anchorY) {
        int next = Math.max(0, Math.min(ZOOM.length - 1, zoom + direction));
        if (next == zoom) {
            return;
        }
        int y = anchorY < 0 ? 0 : anchorY;
        long anchor = addressAt(labelWidth, y);
        zoom = next;
        relayout();
        if (anchor >= 0) {
            Point at = cellPosition(anchor);
            if (at != null) {
                scrollTo(scrollY + at.y - y);
            }
        }
    }

    private void scrollTo(int y) {
        ScrollBar bar = canvas.getVerticalBar();
        scrollY = Math.max(0, Math.min(y, bar.getMaximum() - bar.getThumb()));
        bar.setSelection(scrollY);
        canvas.redraw();
    }

    private void reveal(long address) {
        Point at = cellPosition(address);
        if (at != null) {
            int height = canvas.getClientArea().height;
            if (at.y < 0 || at.y + cellPx() > height) {
                scrollTo(scrollY + at.y - height / 3);
            }
        }
    }

    /** A cell's top left in canvas coordinates, or null when no range holds the address. */
    private Point cellPosition(long address) {
        for (Band band : bands) {
            RangeSnapshot range = band.range();
            if (address >= range.first() && address <= range.last()) {
                int cell = (int) ((address - range.first()) / PAGE / pagesPerCell());
                return new Point(labelWidth + (cell % columns) * cellPx(),
                        band.y() + band.header() + (cell / columns) * cellPx() - scrollY);
            }
        }
        return null;
    }

    /** The first guest-physical address of the cell under a canvas point (the band's start over its header), or -1. */
    private long addressAt(int x, int y) {
        int cellPx = cellPx();
        for (Band band : bands) {
            int gridTop = band.y() + band.header() - scrollY;
            if (y < band.y() - scrollY || y >= gridTop + band.rows() * cellPx) {
                continue;
            }
            if (y < gridTop) {
                return band.range().first();
            }
            int column = Math.max(0, Math.min(columns - 1, (x - labelWidth) / cellPx));
            int cell = (y - gridTop) / cellPx * columns + column;
            if (cell >= band.cells()) {
                return -1;
            }
            return band.range().first() + (long) cell * pagesPerCell() * PAGE;
        }
        return -1;
    }

    private void hover(int x, int y) {
        String text = null;
        if (x >= labelWidth && x < labelWidth + columns * cellPx()) {
            long address = addressAt(x, y);
            for (Band band : bands) {
                RangeSnapshot range = band.range();
                int gridTop = band.y() + band.header() - scrollY;
                if (address >= range.first() && address <= range.last() && y >= gridTop) {
                    text = describe(range, (int) ((address - range.first()) / PAGE));
                }
            }
        }
        if (!Objects.equals(text, tooltip)) {
            tooltip = text;
            canvas.setToolTipText(text);
        }
    }

    /** The tooltip of a cell: its first page's descriptor and the handlers covering it. */
    String describe(RangeSnapshot range, int page) {
        long address = range.first() + page * PAGE;
        StringBuilder text = new StringBuilder();
        if (pagesPerCell() > 1) {
            int count = Math.min(pagesPerCell(), range.pageCount() - page);
            text.append(String.format(Locale.ROOT, "%d pages from %#x; the first:%n", count, address));
        }
        text.append(String.format(Locale.ROOT, "%#x  page %d of %s (%s)%n", address, page, range.description(), range.kind()));
        text.append(String.format(Locale.ROOT, "type %s, state %s, handler state %s%n", range.pageType(page),
                range.pageState(page), range.handlerState(page)));
        text.append(String.format(Locale.ROOT, "host frame %#x, pool tracking %s", range.hostFrame(page),
                range.tracking(page) == PageTracking.NONE ? "none" : PageTracking.describe(range.tracking(page))));
        for (HandlerSnapshot handler : snapshot.handlers()) {
            if (handler.first() <= address + PAGE - 1 && handler.last() >= address) {
                text.append(String.format(Locale.ROOT, "%nhandler %s: %s (%s)", handler.kind(), handler.description(),
                        handler.type()));
            }
        }
        return text.toString();
    }

    // ------------------------------------------------------------------ page selection

    /**
     * Picks the page at a guest-physical address, as a click on its cell does, and tells the other views;
     * an address in no range (or -1) clears the pick.
     */
    public void pick(long address) {
        RangeSnapshot holder = null;
        for (Band band : bands) {
            if (address >= band.range().first() && address <= band.range().last()) {
                holder = band.range();
            }
        }
        picked = holder == null ? -1 : address & -PAGE;
        GuestPage page = null;
        if (holder != null) {
            int index = (int) ((picked - holder.first()) / PAGE);
            page = new GuestPage(picked, holder.description(), String.valueOf(holder.pageType(index)),
                    String.valueOf(holder.pageState(index)), String.valueOf(holder.handlerState(index)),
                    holder.hostFrame(index), holder.tracking(index) == PageTracking.NONE ? "none"
                            : PageTracking.describe(holder.tracking(index)));
        }
        selection.setSelection(page == null ? StructuredSelection.EMPTY : new StructuredSelection(page));
        canvas.redraw();
    }

    /** The picked page, or -1. */
    public long picked() {
        return picked;
    }

    // ------------------------------------------------------------------ handler selection

    @Override
    public void selectionChanged(IWorkbenchPart part, ISelection selection) {
        highlights.clear();
        if (selection instanceof IStructuredSelection structured) {
            for (Object element : structured.toList()) {
                if (element instanceof HandlerSnapshot handler) {
                    highlights.add(new long[] { handler.first(), handler.last() });
                } else if (element instanceof PoolPageInfo page && page.gcPhys() >= 0) {
                    highlights.add(new long[] { page.gcPhys() & -PAGE, (page.gcPhys() & -PAGE) + PAGE - 1 });
                }
            }
        }
        if (!highlights.isEmpty()) {
            reveal(highlights.get(0)[0]);
        }
        canvas.redraw();
    }

    @Override
    public void setFocus() {
        canvas.setFocus();
    }

    @Override
    public void dispose() {
        getSite().getPage().removePostSelectionListener(HandlersView.ID, this);
        getSite().getPage().removePostSelectionListener(PoolView.ID, this);
        super.dispose();
    }
}
