package org.shadowbench.ui.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.ISelectionListener;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.machine.MachineSnapshot.HandlerSnapshot;
import org.shadowbench.ui.MachineSession;

/**
 * The physical access handlers of the followed machine: a sortable, filterable virtual table, and
 * above it an address axis with every handler as an interval. The axis is broken between clusters
 * of handlers (a 4 GiB scale would shrink a one-page handler to nothing), each cluster scaled
 * linearly. The selection (a {@link HandlerSnapshot}) is highlighted in the memory map.
 */
public final class HandlersView extends FollowingView {
    public static final String ID = "org.shadowbench.ui.handlers";
    /** Handlers closer than this share a cluster of the axis. */
    private static final long CLUSTER_GAP = 1L << 20;
    private static final int BREAK_WIDTH = 16;
    private static final int LANE_HEIGHT = 12;
    private static final int LANES = 3;

    /** A column: title, width, text and sort order. */
    private record Column(String title, int width, int style, Function<HandlerSnapshot, String> text,
            Comparator<HandlerSnapshot> order) {
    }

    /** An axis cluster: its address span and where it is drawn. */
    private record Cluster(long first, long last, int x, int width) {
        int xOf(long address) {
            double fraction = (double) (address - first) / Math.max(1, last - first + 1);
            return x + (int) Math.round(fraction * width);
        }
    }

    private Text filter;
    private Canvas axis;
    private TableViewer viewer;
    private final List<Column> columns = new ArrayList<>();
    private MachineSnapshot snapshot;
    private List<HandlerSnapshot> rows = List.of();
    private final Map<String, Double> hitRates = new HashMap<>();
    private final Map<String, Long> lastHits = new HashMap<>();
    private long lastNanos;
    private Column sortColumn;
    private ColumnFit columnFit;
    /** Each column's text, in column order, for fitting the widths. */
    private List<Function<HandlerSnapshot, String>> columnTexts;
    private boolean descending;
    private List<Cluster> clusters = List.of();

    @Override
    public void createPartControl(Composite parent) {
        PngExport.contribute(this, parent);
        GridLayoutFactory.fillDefaults().spacing(0, 2).applyTo(parent);
        filter = new Text(parent, SWT.SEARCH | SWT.ICON_CANCEL | SWT.ICON_SEARCH);
        filter.setMessage("Filter: address, kind, type or description");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(filter);
        filter.addListener(SWT.Modify, event -> updateRows());

        axis = new Canvas(parent, SWT.DOUBLE_BUFFERED);
        GridDataFactory.fillDefaults().grab(true, false).hint(SWT.DEFAULT, 48 + LANES * LANE_HEIGHT).applyTo(axis);
        axis.addListener(SWT.Paint, event -> paintAxis(event.gc));
        axis.addListener(SWT.Resize, event -> axis.redraw());
        axis.addListener(SWT.MouseDown, event -> {
            HandlerSnapshot hit = handlerAt(event.x, event.y);
            if (hit != null) {
                viewer.setSelection(new StructuredSelection(hit), true);
            }
        });
        axis.addListener(SWT.MouseMove, event -> {
            HandlerSnapshot hit = handlerAt(event.x, event.y);
            axis.setToolTipText(hit == null ? null : String.format(Locale.ROOT, "%#x-%#x %s: %s (%s)", hit.first(),
                    hit.last(), hit.kind(), hit.description(), hit.type()));
        });

        viewer = Tables.virtual(parent, SWT.SINGLE, index -> rows.get(index), () -> rows.size());
        GridDataFactory.fillDefaults().grab(true, true).applyTo(viewer.getControl());
        Table table = viewer.getTable();
        viewer.setUseHashlookup(true);
        Comparator<HandlerSnapshot> byAddress = Comparator.comparingLong(HandlerSnapshot::first);
        column(new Column("Range", 190, SWT.LEFT,
                h -> String.format(Locale.ROOT, "%#010x-%#010x", h.first(), h.last()), byAddress));
        column(new Column("Kind", 60, SWT.LEFT, HandlerSnapshot::kind, Comparator.comparing(HandlerSnapshot::kind)));
        column(new Column("Type", 120, SWT.LEFT, HandlerSnapshot::type, Comparator.comparing(HandlerSnapshot::type)));
        column(new Column("Description", 220, SWT.LEFT, HandlerSnapshot::description,
                Comparator.comparing(HandlerSnapshot::description)));
        column(new Column("Pages", 110, SWT.RIGHT, HandlersView::pages, Comparator.comparingInt(HandlerSnapshot::pages)));
        column(new Column("Hits", 100, SWT.RIGHT, h -> String.format(Locale.ROOT, "%,d", hits(h)),
                Comparator.comparingLong(HandlersView::hits)));
        column(new Column("Hits/s", 90, SWT.RIGHT, h -> String.format(Locale.ROOT, "%,.0f", rate(h)),
                Comparator.comparingDouble(this::rate)));
        columnFit = new ColumnFit(table);
        columnTexts = columns.stream().map(Column::text).toList();
        sortColumn = columns.get(0);
        table.setSortColumn(table.getColumn(0));
        table.setSortDirection(SWT.UP);
        viewer.setInput(this);
        viewer.addSelectionChangedListener(event -> axis.redraw());
        getSite().setSelectionProvider(viewer);
        follow(parent);
        getSite().getPage().addPostSelectionListener(MemoryMapView.ID, pagePicked);
    }

    /** A page picked in the memory map selects the handler covering it (the first, by address), or none. */
    private final ISelectionListener pagePicked = (part, selection) -> {
        if (selection instanceof IStructuredSelection structured && structured.getFirstElement() instanceof GuestPage page
                && !viewer.getControl().isDisposed()) {
            HandlerSnapshot covering = null;
            for (HandlerSnapshot handler : rows) {
                if (handler.first() <= page.guestPhysical() + 4095 && handler.last() >= page.guestPhysical()
                        && (covering == null || handler.first() < covering.first())) {
                    covering = handler;
                }
            }
            viewer.setSelection(covering == null ? StructuredSelection.EMPTY : new StructuredSelection(covering), true);
            axis.redraw();
        }
    };

    // ------------------------------------------------------------------ for tests

    public TableViewer viewer() {
        return viewer;
    }

    public Text filter() {
        return filter;
    }

    public Canvas axis() {
        return axis;
    }

    /** Sorts by a column (0-based), as a click on its header does. */
    public void sortBy(int column, boolean down) {
        sortColumn = columns.get(column);
        descending = down;
        Table table = viewer.getTable();
        table.setSortColumn(table.getColumn(column));
        table.setSortDirection(down ? SWT.DOWN : SWT.UP);
        updateRows();
    }

    /** The rows as shown, in order. */
    public List<HandlerSnapshot> rows() {
        return rows;
    }

    /** The snapshot the rows come from (null before the first). */
    public MachineSnapshot shownSnapshot() {
        return snapshot;
    }

    /** The hits per second the rate column shows for a handler of the shown snapshot. */
    public double hitRate(HandlerSnapshot handler) {
        return rate(handler);
    }

    // ------------------------------------------------------------------ model

    private void column(Column column) {
        columns.add(column);
        TableColumn widget = Tables.column(viewer, column.title(), column.width(), column.style(), column.text()).getColumn();
        widget.addListener(SWT.Selection, event -> sortBy(columns.indexOf(column),
                sortColumn == column ? !descending : false));
    }

    static long hits(HandlerSnapshot handler) {
        return handler.readHits() + handler.writeHits();
    }

    private static String key(HandlerSnapshot handler) {
        return handler.first() + ":" + handler.last() + ":" + handler.description();
    }

    private double rate(HandlerSnapshot handler) {
        return hitRates.getOrDefault(key(handler), 0.0);
    }

    private static String pages(HandlerSnapshot handler) {
        StringBuilder text = new StringBuilder(String.valueOf(handler.pages()));
        if (handler.aliasedPages() > 0) {
            text.append(", ").append(handler.aliasedPages()).append(" aliased");
        }
        if (handler.tempOffPages() > 0) {
            text.append(", ").append(handler.tempOffPages()).append(" off");
        }
        return text.toString();
    }

    @Override
    protected void show(MachineSession session) {
        if (viewer.getControl().isDisposed()) {
            return;
        }
        MachineSnapshot next = session == null ? null : session.snapshot();
        setPartName(session == null ? "Access Handlers" : "Access Handlers - " + session.name());
        if (next == snapshot) {
            return;
        }
        long now = System.nanoTime();
        if (next != null) {
            double seconds = lastNanos == 0 ? 0 : (now - lastNanos) / 1e9;
            Map<String, Long> hitsNow = new HashMap<>();
            for (HandlerSnapshot handler : next.handlers()) {
                String key = key(handler);
                hitsNow.put(key, hits(handler));
                Long before = lastHits.get(key);
                hitRates.put(key, before == null || seconds <= 0 ? 0 : (hits(handler) - before) / seconds);
            }
            lastHits.clear();
            lastHits.putAll(hitsNow);
        }
        lastNanos = now;
        snapshot = next;
        updateRows();
    }

    /** Another machine's handlers: hit rates are taken between one machine's own snapshots only. */
    @Override
    protected void followedChanged(MachineSession session) {
        lastHits.clear();
        hitRates.clear();
        lastNanos = 0;
    }

    /** Filters and sorts the snapshot's handlers, keeping the selected handler selected. */
    private void updateRows() {
        HandlerSnapshot selected = ((IStructuredSelection) viewer.getSelection()).getFirstElement() instanceof HandlerSnapshot h
                ? h : null;
        String needle = filter.getText().trim().toLowerCase(Locale.ROOT);
        List<HandlerSnapshot> shown = new ArrayList<>();
        if (snapshot != null) {
            for (HandlerSnapshot handler : snapshot.handlers()) {
                if (needle.isEmpty() || matches(handler, needle)) {
                    shown.add(handler);
                }
            }
        }
        Comparator<HandlerSnapshot> order = sortColumn.order();
        shown.sort(descending ? order.reversed() : order);
        rows = shown;
        Table table = viewer.getTable();
        viewer.setItemCount(rows.size());
        viewer.refresh();
        columnFit.fit(rows, columnTexts);
        if (selected != null) {
            // Re-select by identity of the handler, without a selection event: it is the same handler.
            int index = -1;
            for (int i = 0; i < rows.size() && index < 0; i++) {
                if (key(rows.get(i)).equals(key(selected))) {
                    index = i;
                }
            }
            if (index >= 0) {
                table.setSelection(index);
            } else {
                table.deselectAll();
            }
        }
        clusters = List.of();
        axis.redraw();
    }

    private static boolean matches(HandlerSnapshot handler, String needle) {
        String range = String.format(Locale.ROOT, "%#010x-%#010x", handler.first(), handler.last());
        return range.contains(needle) || handler.kind().toLowerCase(Locale.ROOT).contains(needle)
                || handler.type().toLowerCase(Locale.ROOT).contains(needle)
                || handler.description().toLowerCase(Locale.ROOT).contains(needle);
    }

    // ------------------------------------------------------------------ the address axis

    private List<Cluster> clusters(int width) {
        if (snapshot == null || snapshot.handlers().isEmpty()) {
            return List.of();
        }
        List<long[]> spans = new ArrayList<>();
        List<HandlerSnapshot> sorted = new ArrayList<>(snapshot.handlers());
        sorted.sort(Comparator.comparingLong(HandlerSnapshot::first));
        for (HandlerSnapshot handler : sorted) {
            long[] last = spans.isEmpty() ? null : spans.get(spans.size() - 1);
            if (last != null && handler.first() <= last[1] + CLUSTER_GAP) {
                last[1] = Math.max(last[1], handler.last());
            } else {
                spans.add(new long[] { handler.first(), handler.last() });
            }
        }
        // Widths grow with the logarithm of the span: small clusters stay visible beside big ones.
        double[] weights = new double[spans.size()];
        double total = 0;
        for (int i = 0; i < spans.size(); i++) {
            weights[i] = 1 + Math.log((spans.get(i)[1] - spans.get(i)[0] + 1) / 4096.0 + 1) / Math.log(2);
            total += weights[i];
        }
        int usable = Math.max(spans.size(), width - 8 - BREAK_WIDTH * (spans.size() - 1));
        List<Cluster> laidOut = new ArrayList<>();
        int x = 4;
        for (int i = 0; i < spans.size(); i++) {
            int w = Math.max(6, (int) (usable * weights[i] / total));
            laidOut.add(new Cluster(spans.get(i)[0], spans.get(i)[1], x, w));
            x += w + BREAK_WIDTH;
        }
        return laidOut;
    }

    private Cluster clusterOf(long address) {
        for (Cluster cluster : clusters) {
            if (address >= cluster.first() && address <= cluster.last()) {
                return cluster;
            }
        }
        return null;
    }

    /** Lane of each handler: the first lane whose previous bar ends left of it. */
    private Map<HandlerSnapshot, Integer> lanes() {
        Map<HandlerSnapshot, Integer> lanes = new HashMap<>();
        int[] ends = new int[LANES];
        Arrays.fill(ends, Integer.MIN_VALUE);
        List<HandlerSnapshot> sorted = new ArrayList<>(snapshot.handlers());
        sorted.sort(Comparator.comparingLong(HandlerSnapshot::first));
        for (HandlerSnapshot handler : sorted) {
            Cluster cluster = clusterOf(handler.first());
            int x0 = cluster.xOf(handler.first());
            int lane = 0;
            while (lane < LANES - 1 && ends[lane] >= x0) {
                lane++;
            }
            ends[lane] = Math.max(cluster.xOf(handler.last() + 1), x0 + 3);
            lanes.put(handler, lane);
        }
        return lanes;
    }

    private void paintAxis(GC gc) {
        Rectangle area = axis.getClientArea();
        gc.setBackground(axis.getDisplay().getSystemColor(SWT.COLOR_WHITE));
        gc.fillRectangle(area);
        if (snapshot == null) {
            return;
        }
        clusters = clusters(area.width);
        gc.setFont(JFaceResources.getTextFont());
        int baseline = 4 + LANES * LANE_HEIGHT;
        Color axisColour = axis.getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY);
        gc.setForeground(axisColour);
        for (int i = 0; i < clusters.size(); i++) {
            Cluster cluster = clusters.get(i);
            gc.drawLine(cluster.x(), baseline, cluster.x() + cluster.width(), baseline);
            gc.drawLine(cluster.x(), baseline - 2, cluster.x(), baseline + 3);
            if (i > 0) {
                int mid = cluster.x() - BREAK_WIDTH / 2;
                gc.drawLine(mid - 4, baseline + 4, mid, baseline - 4);
                gc.drawLine(mid, baseline + 4, mid + 4, baseline - 4);
            }
        }
        // Cluster start addresses where there is room for them.
        int freeFrom = 0;
        for (Cluster cluster : clusters) {
            String label = String.format(Locale.ROOT, "%#x", cluster.first());
            int labelWidth = gc.textExtent(label).x;
            if (cluster.x() >= freeFrom) {
                gc.drawString(label, cluster.x(), baseline + 4, true);
                freeFrom = cluster.x() + labelWidth + 8;
            }
        }
        // The kinds' colours, on a line of their own under the addresses.
        int legendX = 4;
        int legendY = baseline + 4 + gc.getFontMetrics().getHeight();
        for (String kind : List.of("MMIO", "ALL", "WRITE")) {
            gc.setBackground(colourOf(kindRgb(kind)));
            gc.fillRectangle(legendX, legendY + 3, 10, 10);
            gc.drawString(kind, legendX + 14, legendY, true);
            legendX += 14 + gc.textExtent(kind).x + 12;
        }
        gc.drawString("(grey: filtered out)", legendX, legendY, true);
        HandlerSnapshot selected = ((IStructuredSelection) viewer.getSelection()).getFirstElement() instanceof HandlerSnapshot h
                ? h : null;
        Set<String> shown = new HashSet<>();
        rows.forEach(row -> shown.add(key(row)));
        Map<HandlerSnapshot, Integer> lanes = lanes();
        for (HandlerSnapshot handler : snapshot.handlers()) {
            Rectangle bar = bar(handler, lanes.get(handler));
            boolean isSelected = selected != null && key(selected).equals(key(handler));
            int rgb = !shown.contains(key(handler)) ? 0xd0d0d0 : isSelected ? MemoryMapView.HIGHLIGHT_RGB : kindRgb(handler.kind());
            gc.setBackground(colourOf(rgb));
            gc.fillRectangle(bar);
            if (isSelected) {
                gc.setForeground(axis.getDisplay().getSystemColor(SWT.COLOR_BLACK));
                gc.drawRectangle(bar.x - 1, bar.y - 1, bar.width + 1, bar.height + 1);
            }
        }
    }

    private Rectangle bar(HandlerSnapshot handler, int lane) {
        Cluster cluster = clusterOf(handler.first());
        int x0 = cluster.xOf(handler.first());
        int x1 = Math.max(x0 + 3, cluster.xOf(handler.last() + 1));
        return new Rectangle(x0, 4 + lane * LANE_HEIGHT, x1 - x0, LANE_HEIGHT - 3);
    }

    private static Color colourOf(int rgb) {
        return new Color(rgb >> 16, rgb >> 8 & 0xff, rgb & 0xff);
    }

    static int kindRgb(String kind) {
        return switch (kind) {
            case "WRITE" -> 0xf08c1c;
            case "ALL" -> 0xa0306f;
            default -> 0xd8443c;
        };
    }

    private HandlerSnapshot handlerAt(int x, int y) {
        if (snapshot == null || clusters.isEmpty()) {
            return null;
        }
        Map<HandlerSnapshot, Integer> lanes = lanes();
        for (HandlerSnapshot handler : snapshot.handlers()) {
            Rectangle bar = bar(handler, lanes.get(handler));
            bar.x -= 1;
            bar.width += 2;
            if (bar.contains(x, y)) {
                return rows.stream().filter(row -> key(row).equals(key(handler))).findFirst().orElse(null);
            }
        }
        return null;
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }

    @Override
    public void dispose() {
        getSite().getPage().removePostSelectionListener(MemoryMapView.ID, pagePicked);
        super.dispose();
    }
}
