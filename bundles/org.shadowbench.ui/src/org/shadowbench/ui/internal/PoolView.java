package org.shadowbench.ui.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.layout.RowLayout;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.machine.PoolSnapshot;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.PoolPageInfo;
import org.shadowbench.ui.MachineSession;

/**
 * The shadow page pool of the followed machine: a summary line, the age list as a strip from head
 * (most recently used) to tail (the next page to be evicted), the monitor chains (pool pages
 * shadowing the same guest page) as linked boxes, and a virtual table of every page in use.
 * Selecting a page highlights the guest page it shadows in the memory map.
 */
public final class PoolView extends FollowingView {
    public static final String ID = "org.shadowbench.ui.pool";
    private static final int STRIP_HEIGHT = 22;
    private static final int BOX_HEIGHT = 20;

    /** Kind groups and their colours, for the strip, the chains and the legend. */
    public enum KindGroup {
        PHYSICAL("Page table for physical memory", 0x8fa9c9),
        PAGE_TABLE("Page table for a guest page table", 0x4f86e0),
        BIG_PAGE("Page table for a big guest page", 0x3fb0a0),
        DIRECTORY("Page directory or pointer table", 0xf08c1c),
        ROOT("Root", 0xd8443c);

        private final String label;
        private final int rgb;

        KindGroup(String label, int rgb) {
            this.label = label;
            this.rgb = rgb;
        }

        public String label() {
            return label;
        }

        public int rgb() {
            return rgb;
        }

        public static KindGroup of(PoolKind kind) {
            if (kind.isRoot()) {
                return ROOT;
            }
            if (kind.isDirectory()) {
                return DIRECTORY;
            }
            if (kind.isBigPage()) {
                return BIG_PAGE;
            }
            return kind == PoolKind.PT32_FOR_PHYS || kind == PoolKind.PAE_PT_FOR_PHYS ? PHYSICAL : PAGE_TABLE;
        }
    }

    private Label summary;
    private Canvas ageStrip;
    private Canvas chains;
    private TableViewer viewer;
    private MachineSnapshot snapshot;
    private List<PoolPageInfo> rows = List.of();
    private final Map<Integer, PoolPageInfo> byIndex = new HashMap<>();

    @Override
    public void createPartControl(Composite parent) {
        PngExport.contribute(this, parent);
        GridLayoutFactory.fillDefaults().spacing(0, 3).margins(0, 2).applyTo(parent);
        summary = new Label(parent, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).indent(4, 0).applyTo(summary);

        Composite legend = new Composite(parent, SWT.NONE);
        RowLayout layout = new RowLayout(SWT.HORIZONTAL);
        layout.wrap = true;
        layout.center = true;
        layout.spacing = 10;
        legend.setLayout(layout);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(legend);
        for (KindGroup group : KindGroup.values()) {
            Composite item = new Composite(legend, SWT.NONE);
            GridLayoutFactory.fillDefaults().numColumns(2).spacing(4, 0).applyTo(item);
            Canvas swatch = new Canvas(item, SWT.NONE);
            GridDataFactory.swtDefaults().hint(14, 14).applyTo(swatch);
            swatch.addListener(SWT.Paint, event -> {
                event.gc.setBackground(colour(group.rgb()));
                event.gc.fillRectangle(0, 0, 14, 14);
            });
            new Label(item, SWT.NONE).setText(group.label());
        }

        ageStrip = new Canvas(parent, SWT.DOUBLE_BUFFERED);
        GridDataFactory.fillDefaults().grab(true, false).hint(SWT.DEFAULT, STRIP_HEIGHT + 22).applyTo(ageStrip);
        ageStrip.addListener(SWT.Paint, event -> paintAgeList(event.gc));
        ageStrip.addListener(SWT.MouseMove, event -> {
            PoolPageInfo page = ageListPageAt(event.x);
            ageStrip.setToolTipText(page == null ? null : describe(page));
        });

        chains = new Canvas(parent, SWT.DOUBLE_BUFFERED);
        GridDataFactory.fillDefaults().grab(true, false).hint(SWT.DEFAULT, 4 * (BOX_HEIGHT + 6) + 24).applyTo(chains);
        chains.addListener(SWT.Paint, event -> paintChains(event.gc));

        viewer = Tables.virtual(parent, SWT.SINGLE, index -> rows.get(index), () -> rows.size());
        GridDataFactory.fillDefaults().grab(true, true).applyTo(viewer.getControl());
        column("Page", 60, SWT.RIGHT, page -> String.valueOf(page.index()));
        column("Kind", 170, SWT.LEFT, page -> page.kind().name());
        column("Guest-physical", 120, SWT.LEFT, page -> page.gcPhys() < 0 ? "" : String.format(Locale.ROOT, "%#x", page.gcPhys()));
        column("Host frame", 90, SWT.LEFT, page -> String.format(Locale.ROOT, "%#x", page.hostFrame()));
        column("Users", 60, SWT.RIGHT, page -> String.valueOf(page.users().size()));
        column("Present", 70, SWT.RIGHT, page -> page.kind().isPageTable() ? String.valueOf(page.presentEntries()) : "");
        column("Flags", 200, SWT.LEFT, PoolView::flags);
        column("Writes seen", 90, SWT.RIGHT, page -> String.valueOf(page.modifications()));
        viewer.setInput(this);
        getSite().setSelectionProvider(viewer);
        follow(parent);
    }

    // ------------------------------------------------------------------ for tests

    public TableViewer viewer() {
        return viewer;
    }

    public Canvas ageStrip() {
        return ageStrip;
    }

    public String summary() {
        return summary.getText();
    }

    /** Where the age list's first (most recently used) page is drawn. */
    public Point ageListHead() {
        return new Point(stripLeft() + 1, 4 + STRIP_HEIGHT / 2);
    }

    // ------------------------------------------------------------------ model

    private void column(String title, int width, int style, Function<PoolPageInfo, String> text) {
        Tables.column(viewer, title, width, style, text);
    }

    static String flags(PoolPageInfo page) {
        List<String> flags = new ArrayList<>();
        if (page.monitored()) {
            flags.add("monitored");
        }
        if (page.cached()) {
            flags.add("cached");
        }
        if (page.zeroed()) {
            flags.add("zeroed");
        }
        if (page.cr3Mix()) {
            flags.add("cr3-mix");
        }
        if (page.reusedFlushPending()) {
            flags.add("flush-pending");
        }
        return String.join(", ", flags);
    }

    private static String describe(PoolPageInfo page) {
        return String.format(Locale.ROOT, "pool page %d: %s%s, host frame %#x, %d users%s", page.index(), page.kind(),
                page.gcPhys() < 0 ? "" : String.format(Locale.ROOT, " for %#x", page.gcPhys()), page.hostFrame(),
                page.users().size(), flags(page).isEmpty() ? "" : ", " + flags(page));
    }

    @Override
    protected void show(MachineSession session) {
        if (viewer.getControl().isDisposed()) {
            return;
        }
        setPartName(session == null ? "Shadow Pool" : "Shadow Pool - " + session.name());
        MachineSnapshot next = session == null ? null : session.snapshot();
        if (next == snapshot) {
            return;
        }
        snapshot = next;
        byIndex.clear();
        rows = next == null ? List.of() : next.pool().pages();
        rows.forEach(page -> byIndex.put(page.index(), page));
        if (next != null) {
            PoolSnapshot pool = next.pool();
            summary.setText(String.format(Locale.ROOT,
                    "%d pages in use of %d (%d exist, %d free); age list %d, monitor chains %d, modified %d",
                    pool.pages().size(), pool.maxPages(), pool.currentPages(), pool.freePages(), pool.ageList().size(),
                    pool.monitorChains().size(), pool.modifiedList().size()));
        } else {
            summary.setText("No machine selected.");
        }
        viewer.setItemCount(rows.size());
        viewer.refresh();
        ageStrip.redraw();
        chains.redraw();
    }

    // ------------------------------------------------------------------ age list

    private int stripLeft() {
        return 60;
    }

    /** Pages per pixel column when the list is longer than the strip is wide, else 1. */
    private int pagesPerColumn(int columns, int pages) {
        return Math.max(1, (pages + columns - 1) / columns);
    }

    private void paintAgeList(GC gc) {
        Rectangle area = ageStrip.getClientArea();
        gc.setBackground(ageStrip.getDisplay().getSystemColor(SWT.COLOR_WHITE));
        gc.fillRectangle(area);
        gc.setFont(JFaceResources.getDefaultFont());
        gc.setForeground(ageStrip.getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
        gc.drawString("Age list", 4, 6, true);
        if (snapshot == null) {
            return;
        }
        List<Integer> ages = snapshot.pool().ageList();
        int left = stripLeft();
        int width = Math.max(1, area.width - left - 8);
        if (ages.isEmpty()) {
            gc.drawString("empty", left, 6, true);
            return;
        }
        int perColumn = pagesPerColumn(width, ages.size());
        int cell = perColumn > 1 ? 1 : Math.max(1, Math.min(14, width / ages.size()));
        int columns = (ages.size() + perColumn - 1) / perColumn;
        for (int column = 0; column < columns; column++) {
            PoolPageInfo page = byIndex.get(ages.get(column * perColumn));
            int rgb = page == null ? 0xc0c0c0 : KindGroup.of(page.kind()).rgb();
            gc.setBackground(colour(rgb));
            gc.fillRectangle(left + column * cell, 4, cell > 3 ? cell - 1 : cell, STRIP_HEIGHT);
        }
        int right = left + columns * cell;
        gc.drawString("head (most recently used)", left, STRIP_HEIGHT + 5, true);
        String tail = "tail (evicted next)";
        Point extent = gc.textExtent(tail);
        gc.drawString(tail, Math.max(left + 200, right - extent.x), STRIP_HEIGHT + 5, true);
    }

    private PoolPageInfo ageListPageAt(int x) {
        if (snapshot == null || snapshot.pool().ageList().isEmpty()) {
            return null;
        }
        List<Integer> ages = snapshot.pool().ageList();
        int width = Math.max(1, ageStrip.getClientArea().width - stripLeft() - 8);
        int perColumn = pagesPerColumn(width, ages.size());
        int cell = perColumn > 1 ? 1 : Math.max(1, Math.min(14, width / ages.size()));
        int index = (x - stripLeft()) / cell * perColumn;
        return x < stripLeft() || index >= ages.size() ? null : byIndex.get(ages.get(index));
    }

    // ------------------------------------------------------------------ monitor chains

    private void paintChains(GC gc) {
        Rectangle area = chains.getClientArea();
        gc.setBackground(chains.getDisplay().getSystemColor(SWT.COLOR_WHITE));
        gc.fillRectangle(area);
        gc.setFont(JFaceResources.getDefaultFont());
        gc.setForeground(chains.getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
        if (snapshot == null) {
            return;
        }
        List<List<Integer>> all = snapshot.pool().monitorChains();
        gc.drawString(String.format(Locale.ROOT, "Monitor chains (%d): pool pages monitoring the same guest page, head first",
                all.size()), 4, 2, true);
        int x = 4;
        int y = 22;
        int drawn = 0;
        for (List<Integer> chain : all) {
            // A chain: the guest page, then its pool pages linked by arrows.
            PoolPageInfo head = byIndex.get(chain.get(0));
            String guest = head == null ? "?" : String.format(Locale.ROOT, "%#x:", head.gcPhys());
            int width = gc.textExtent(guest).x + 6 + chain.size() * 44;
            if (x > 4 && x + width > area.width) {
                x = 4;
                y += BOX_HEIGHT + 6;
            }
            if (y + BOX_HEIGHT > area.height) {
                gc.setForeground(chains.getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY));
                gc.drawString(String.format(Locale.ROOT, "... %d more", all.size() - drawn), x, y - BOX_HEIGHT - 6, true);
                break;
            }
            gc.setForeground(chains.getDisplay().getSystemColor(SWT.COLOR_BLACK));
            gc.drawString(guest, x, y + 2, true);
            int bx = x + gc.textExtent(guest).x + 6;
            for (int i = 0; i < chain.size(); i++) {
                PoolPageInfo page = byIndex.get(chain.get(i));
                gc.setBackground(colour(page == null ? 0xc0c0c0 : KindGroup.of(page.kind()).rgb()));
                gc.fillRectangle(bx, y, 32, BOX_HEIGHT);
                gc.setForeground(chains.getDisplay().getSystemColor(SWT.COLOR_BLACK));
                String label = String.valueOf(chain.get(i));
                gc.drawString(label, bx + (32 - gc.textExtent(label).x) / 2, y + 2, true);
                if (i + 1 < chain.size()) {
                    gc.drawLine(bx + 32, y + BOX_HEIGHT / 2, bx + 44, y + BOX_HEIGHT / 2);
                    gc.drawLine(bx + 40, y + BOX_HEIGHT / 2 - 3, bx + 44, y + BOX_HEIGHT / 2);
                    gc.drawLine(bx + 40, y + BOX_HEIGHT / 2 + 3, bx + 44, y + BOX_HEIGHT / 2);
                }
                bx += 44;
            }
            x += width + 16;
            drawn++;
        }
    }

    private static Color colour(int rgb) {
        return new Color(rgb >> 16, rgb >> 8 & 0xff, rgb & 0xff);
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }
}
