package org.shadowbench.ui.internal;

import java.lang.reflect.RecordComponent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swtchart.Chart;
import org.eclipse.swtchart.IAxis;
import org.eclipse.swtchart.ILineSeries;
import org.eclipse.swtchart.ISeries;
import org.eclipse.swtchart.Range;
import org.shadowbench.cpu.CpuStatistics;
import org.shadowbench.handlers.RegistryStatistics;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.memory.MemoryStatistics;
import org.shadowbench.pool.PoolStatistics;
import org.shadowbench.ui.MachineSession;

/**
 * The followed machine's counters as its snapshots give them (CPU, shadow pool, access handler
 * registry, guest memory), each with its rate per second between the last two snapshots, a few
 * ratios derived from them, and two charts of the last minute: speed with hit ratios, and the
 * slow paths per second. Everything comes from snapshots, so the view is exact while the guest
 * is paused and never touches the engine.
 */
public final class StatisticsView extends FollowingView {
    public static final String ID = "org.shadowbench.ui.statistics";
    /** How much history the charts keep. */
    static final double HISTORY_SECONDS = 60;

    /**
     * One counter.
     *
     * @param rate per second since the previous snapshot, or NaN where a rate means nothing
     */
    public record Counter(String group, String name, double value, String text, double rate) {
    }

    /** One chart sample: seconds since the view began following the machine, and each line's value. */
    private record Sample(double seconds, double[] values) {
    }

    /** A chart line: its label, colour, and how to compute it from two consecutive snapshots. */
    private record Line(String label, int rgb, boolean rightAxis, Metric metric) {
    }

    @FunctionalInterface
    private interface Metric {
        double of(MachineSnapshot previous, MachineSnapshot current, double seconds, MachineSession session);
    }

    private static final List<Line> SPEED = List.of(
            new Line("MIPS", 0x1f5fbf, false, (p, c, s, session) -> session.mips()),
            new Line("TLB hit %", 0x2e9e4f, true, (p, c, s, session) -> 100 * tlbHitRatio(c.cpuStatistics())),
            new Line("Pool cache hit %", 0xd9822b, true, (p, c, s, session) -> 100 * poolHitRatio(c.poolStatistics())));
    private static final List<Line> SLOW_PATHS = List.of(
            rate("Shadow syncs", 0x1f5fbf, snapshot -> snapshot.cpuStatistics().shadowSyncs()),
            rate("Guest page faults", 0xc0392b, snapshot -> snapshot.cpuStatistics().guestPageFaults()),
            rate("Handler accesses", 0x8e44ad, snapshot -> snapshot.cpuStatistics().handlerAccesses()),
            rate("TLB flushes", 0x2e9e4f, snapshot -> snapshot.cpuStatistics().tlbFlushes()),
            rate("Pool flushes", 0xd9822b, snapshot -> snapshot.poolStatistics().flushes()),
            rate("Monitored writes", 0x7f8c8d, snapshot -> snapshot.poolStatistics().monitorHandled()
                    + snapshot.poolStatistics().monitorFlushed()));

    private TableViewer viewer;
    private Chart speedChart;
    private Chart slowChart;
    private List<Counter> counters = List.of();
    private MachineSnapshot snapshot;
    private MachineSnapshot previous;
    private long previousNanos;
    private long startNanos;
    private final ArrayDeque<Sample> speedHistory = new ArrayDeque<>();
    private final ArrayDeque<Sample> slowHistory = new ArrayDeque<>();

    private static Line rate(String label, int rgb, ToDoubleFunction<MachineSnapshot> counter) {
        return new Line(label + "/s", rgb, false,
                (p, c, s, session) -> Math.max(0, counter.applyAsDouble(c) - counter.applyAsDouble(p)) / s);
    }

    @Override
    public void createPartControl(Composite parent) {
        PngExport.contribute(this, parent);
        GridLayoutFactory.fillDefaults().applyTo(parent);
        SashForm split = new SashForm(parent, SWT.VERTICAL);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(split);
        viewer = Tables.virtual(split, SWT.SINGLE, index -> counters.get(index), () -> counters.size());
        column("Group", 130, SWT.LEFT, Counter::group);
        column("Counter", 250, SWT.LEFT, Counter::name);
        column("Value", 130, SWT.RIGHT, Counter::text);
        column("Per second", 110, SWT.RIGHT, counter -> Double.isNaN(counter.rate()) ? "" : perSecond(counter.rate()));
        // GTK stretches the last column: an empty one keeps "Per second" next to its values.
        column("", 10, SWT.LEFT, counter -> "");
        viewer.setInput(this);
        getSite().setSelectionProvider(viewer); // rows show in the Properties view
        SashForm charts = new SashForm(split, SWT.HORIZONTAL);
        speedChart = chart(charts, "Speed and hit ratios", SPEED, "MIPS", "%");
        slowChart = chart(charts, "Slow paths per second", SLOW_PATHS, "events/s", null);
        split.setWeights(55, 45);
        // In a short, wide place (the perspective's bottom stack) stacked charts would be a few pixels
        // high: the table and the charts then sit side by side.
        parent.addListener(SWT.Resize, event -> {
            var size = parent.getSize();
            int orientation = size.x > 2 * size.y ? SWT.HORIZONTAL : SWT.VERTICAL;
            if (split.getOrientation() != orientation) {
                split.setOrientation(orientation);
                split.setWeights(orientation == SWT.HORIZONTAL ? new int[] { 35, 65 } : new int[] { 55, 45 });
            }
        });
        follow(parent);
    }

    private void column(String title, int width, int style, Function<Counter, String> text) {
        Tables.column(viewer, title, width, style, text);
    }

    private static Chart chart(Composite parent, String title, List<Line> lines, String leftTitle, String rightTitle) {
        Chart chart = new Chart(parent, SWT.NONE);
        chart.getTitle().setText(title);
        chart.getLegend().setPosition(SWT.BOTTOM);
        IAxis x = chart.getAxisSet().getXAxis(0);
        x.getTitle().setText("seconds");
        IAxis left = chart.getAxisSet().getYAxis(0);
        left.getTitle().setText(leftTitle);
        int rightId = -1;
        if (rightTitle != null) {
            rightId = chart.getAxisSet().createYAxis();
            IAxis right = chart.getAxisSet().getYAxis(rightId);
            right.setPosition(IAxis.Position.Secondary);
            right.getTitle().setText(rightTitle);
            right.setRange(new Range(0, 100));
        }
        for (Line line : lines) {
            ILineSeries<?> series = (ILineSeries<?>) chart.getSeriesSet().createSeries(ISeries.SeriesType.LINE, line.label());
            series.setSymbolType(ILineSeries.PlotSymbolType.NONE);
            series.setLineColor(new Color(line.rgb() >> 16, line.rgb() >> 8 & 0xff, line.rgb() & 0xff));
            series.setLineWidth(2);
            if (line.rightAxis()) {
                series.setYAxisId(rightId);
            }
        }
        return chart;
    }

    // ------------------------------------------------------------------ for tests

    public TableViewer viewer() {
        return viewer;
    }

    public List<Counter> counters() {
        return counters;
    }

    public MachineSnapshot shownSnapshot() {
        return snapshot;
    }

    public Chart speedChart() {
        return speedChart;
    }

    public Chart slowPathChart() {
        return slowChart;
    }

    // ------------------------------------------------------------------ model

    static double tlbHitRatio(CpuStatistics cpu) {
        long lookups = cpu.tlbHits() + cpu.tlbFills();
        return lookups == 0 ? 0 : (double) cpu.tlbHits() / lookups;
    }

    static double poolHitRatio(PoolStatistics pool) {
        return pool.allocations() == 0 ? 0 : (double) pool.cacheHits() / pool.allocations();
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }

    private static String perSecond(double rate) {
        return rate >= 100 ? String.format(Locale.ROOT, "%,.0f", rate) : String.format(Locale.ROOT, "%.1f", rate);
    }

    /** Splits a record component's name into words: {@code cacheHits} becomes "cache hits". */
    static String words(String camel) {
        StringBuilder out = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append(' ').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString().replace("tlb", "TLB").replace("cr3", "CR3").replace("rep ", "REP ");
    }

    /**
     * The counters of a snapshot: a summary of ratios first, then every component of the engine's
     * statistics records, so a counter added to a record shows up here without a change.
     */
    static List<Counter> counters(MachineSnapshot current, MachineSnapshot before, double seconds, double mips) {
        List<Counter> rows = new ArrayList<>();
        CpuStatistics cpu = current.cpuStatistics();
        PoolStatistics pool = current.poolStatistics();
        RegistryStatistics registry = current.registryStatistics();
        MemoryStatistics memory = current.memoryStatistics();
        rows.add(new Counter("Summary", "MIPS", mips, String.format(Locale.ROOT, "%.1f", mips), Double.NaN));
        rows.add(percent("TLB hit ratio", tlbHitRatio(cpu)));
        rows.add(percent("pool cache hit ratio", poolHitRatio(pool)));
        rows.add(percent("handler look-up cache hit ratio", ratio(registry.cacheHits(), registry.lookups())));
        rows.add(percent("range look-up cache hit ratio", ratio(memory.rangeCacheHits(), memory.rangeLookups())));
        Map<String, Long> earlier = new HashMap<>();
        if (before != null) {
            components(before, (group, name, value) -> earlier.put(group + '/' + name, value));
        }
        components(current, (group, name, value) -> {
            Long old = earlier.get(group + '/' + name);
            double rate = old == null || seconds <= 0 || name.endsWith("high") || name.contains("in use")
                    ? Double.NaN : Math.max(0, value - old) / seconds;
            rows.add(new Counter(group, name, value, String.format(Locale.ROOT, "%,d", value), rate));
        });
        return rows;
    }

    private static Counter percent(String name, double ratio) {
        return new Counter("Summary", name, ratio, String.format(Locale.ROOT, "%.2f %%", 100 * ratio), Double.NaN);
    }

    private interface CounterSink {
        void accept(String group, String name, long value);
    }

    private static void components(MachineSnapshot snapshot, CounterSink sink) {
        record(snapshot.cpuStatistics(), component -> "CPU", sink);
        record(snapshot.poolStatistics(), component -> component.startsWith("monitor") ? "Monitored writes"
                : component.startsWith("track") ? "Pool tracking" : "Shadow pool", sink);
        record(snapshot.registryStatistics(), component -> "Access handlers", sink);
        record(snapshot.memoryStatistics(), component -> "Guest memory", sink);
    }

    private static void record(Record statistics, Function<String, String> group, CounterSink sink) {
        for (RecordComponent component : statistics.getClass().getRecordComponents()) {
            try {
                Object value = component.getAccessor().invoke(statistics);
                String name = component.getName();
                String shown = name.startsWith("monitor") && !name.equals("monitoredWrites")
                        ? words(name.substring("monitor".length())).trim() : words(name);
                sink.accept(group.apply(name), shown, ((Number) value).longValue());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(component.toString(), e);
            }
        }
    }

    @Override
    protected void show(MachineSession session) {
        if (viewer.getControl().isDisposed()) {
            return;
        }
        setPartName(session == null ? "Statistics" : "Statistics - " + session.name());
        MachineSnapshot next = session == null ? null : session.snapshot();
        if (next == snapshot) {
            return;
        }
        long now = System.nanoTime();
        if (next != null && snapshot != null && next.instructions() < snapshot.instructions()) {
            forget(); // a reset: the counters start again, and a rate across it means nothing
        }
        previous = snapshot;
        snapshot = next;
        double seconds = (now - previousNanos) / 1e9;
        counters = next == null ? List.of() : counters(next, previous, previous == null ? 0 : seconds,
                session.mips());
        if (next != null && previous != null && seconds > 0) {
            double at = (now - startNanos) / 1e9;
            sample(speedHistory, SPEED, at, seconds, session);
            sample(slowHistory, SLOW_PATHS, at, seconds, session);
            plot(speedChart, SPEED, speedHistory, at);
            plot(slowChart, SLOW_PATHS, slowHistory, at);
        } else if (next == null) {
            plot(speedChart, SPEED, speedHistory, 0);
            plot(slowChart, SLOW_PATHS, slowHistory, 0);
        }
        previousNanos = now;
        viewer.setItemCount(counters.size());
        viewer.refresh();
    }

    /** Another machine's counters: a rate or a history across two machines means nothing. */
    @Override
    protected void followedChanged(MachineSession session) {
        forget();
        counters = List.of();
        if (!viewer.getControl().isDisposed()) {
            // Emptied now: with no machine to follow, no snapshot would clear them.
            plot(speedChart, SPEED, speedHistory, 0);
            plot(slowChart, SLOW_PATHS, slowHistory, 0);
            viewer.setItemCount(0);
            viewer.refresh();
        }
    }

    private void forget() {
        snapshot = null;
        previous = null;
        speedHistory.clear();
        slowHistory.clear();
        startNanos = System.nanoTime();
        previousNanos = startNanos;
    }

    private void sample(ArrayDeque<Sample> history, List<Line> lines, double at, double seconds, MachineSession session) {
        double[] values = new double[lines.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = lines.get(i).metric().of(previous, snapshot, seconds, session);
        }
        history.addLast(new Sample(at, values));
        while (!history.isEmpty() && history.peekFirst().seconds() < at - HISTORY_SECONDS) {
            history.removeFirst();
        }
    }

    private static void plot(Chart chart, List<Line> lines, ArrayDeque<Sample> history, double now) {
        double[] x = new double[history.size()];
        double[][] y = new double[lines.size()][history.size()];
        int i = 0;
        for (Sample sample : history) {
            // Seconds before the newest sample, so the right edge is always "now".
            x[i] = sample.seconds() - now;
            for (int line = 0; line < lines.size(); line++) {
                y[line][i] = sample.values()[line];
            }
            i++;
        }
        for (int line = 0; line < lines.size(); line++) {
            ISeries<?> series = chart.getSeriesSet().getSeries(lines.get(line).label());
            series.setXSeries(x);
            series.setYSeries(y[line]);
        }
        // The axis spans the history there is (at least 10 s), up to a minute.
        double span = history.isEmpty() ? 10 : now - history.peekFirst().seconds();
        chart.getAxisSet().getXAxis(0).setRange(new Range(-Math.min(HISTORY_SECONDS, Math.max(10, Math.ceil(span))), 0));
        double leftMax = 0;
        double rightMin = 100;
        for (int line = 0; line < lines.size(); line++) {
            for (double value : y[line]) {
                if (lines.get(line).rightAxis()) {
                    rightMin = Math.min(rightMin, value);
                } else {
                    leftMax = Math.max(leftMax, value);
                }
            }
        }
        chart.getAxisSet().getYAxis(0).setRange(new Range(0, Math.max(1, leftMax * 1.1)));
        if (chart.getAxisSet().getYAxisIds().length > 1) {
            // Hit ratios live near 100 %: a range from just below the lowest keeps their movement visible.
            double low = Math.max(0, Math.floor((rightMin - 1) / 5) * 5);
            chart.getAxisSet().getYAxis(chart.getAxisSet().getYAxisIds()[1]).setRange(new Range(low, 100.5));
        }
        if (chart.isVisible()) {
            chart.redraw();
        }
    }

    /** The samples each chart line holds now, oldest first (for tests). */
    public double[] chartValues(String label) {
        for (Chart chart : List.of(speedChart, slowChart)) {
            ISeries<?> series = chart.getSeriesSet().getSeries(label);
            if (series != null) {
                return series.getYSeries();
            }
        }
        return null;
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }
}
