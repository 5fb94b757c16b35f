package org.shadowbench.ui.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.MenuItem;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Text;
import org.shadowbench.machine.EventStream;
import org.shadowbench.machine.EventStream.Event;
import org.shadowbench.machine.EventStream.Kind;
import org.shadowbench.ui.MachineSession;

/**
 * The followed machine's engine events (handler hits, shadow syncs, guest faults, pool activity,
 * devices) in a virtual table, oldest first, filtered by kind and by an address range. The view
 * reads the machine's {@link EventStream} with its own reader, which never makes the emulation
 * thread wait: when the guest records events faster than the view reads them, the ring overtakes
 * the reader and the view counts what it lost. It keeps the newest {@value #KEPT} events: once
 * that many are there, the table's row count stays put and a refresh only repaints the visible
 * rows, which keeps a busy guest from flooding the UI thread with row insertions. With "Keep only
 * matching" on, events the filters reject are not kept at all, so that a rare kind (shadow syncs
 * among a guest's flood of local APIC reads) fills the kept events instead of scrolling out.
 */
public final class EventsView extends FollowingView {
    public static final String ID = "org.shadowbench.ui.events";
    /** Events kept; each newer one pushes out the oldest. */
    static final int KEPT = 20_000;
    /** Events taken from the stream per refresh, so a flood cannot stall the UI thread. */
    static final int PER_REFRESH = 1 << 16;

    private TableViewer viewer;
    private Button kindsButton;
    private Menu kindsMenu;
    private Text fromField;
    private Text toField;
    private Button followTail;
    private Button keepMatching;
    /** The "Keep only matching" box's state, read per event without asking the widget. */
    private boolean keepOnlyMatching;
    private Label counts;
    private EventStream.Reader reader;
    private final EventRing events = new EventRing(KEPT);
    /** Indices into {@link #events} of the rows shown. */
    private int[] rows = new int[1024];
    private int rowCount;
    private long dropped;
    /** Events read but not kept because they did not match (with "Keep only matching" on). */
    private long skipped;
    /** The sequence number of the last event read from the stream, kept or not; -1 before the first. */
    private long lastRead = -1;
    private boolean drainScheduled;
    private final Set<Kind> kinds = EnumSet.allOf(Kind.class);
    private long from = 0;
    private long to = Long.MAX_VALUE;

    @Override
    public void createPartControl(Composite parent) {
        PngExport.contribute(this, parent);
        GridLayoutFactory.fillDefaults().margins(2, 2).applyTo(parent);
        Composite bar = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(8).applyTo(bar);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(bar);
        kindsButton = new Button(bar, SWT.PUSH);
        kindsMenu = new Menu(kindsButton);
        Menu menu = kindsMenu;
        for (Kind kind : Kind.values()) {
            MenuItem item = new MenuItem(menu, SWT.CHECK);
            item.setText(label(kind));
            item.setSelection(true);
            item.addListener(SWT.Selection, event -> {
                if (item.getSelection()) {
                    kinds.add(kind);
                } else {
                    kinds.remove(kind);
                }
                updateKindsButton();
                filtersChanged();
            });
        }
        kindsButton.addListener(SWT.Selection, event -> {
            Rectangle bounds = kindsButton.getBounds();
            Point at = kindsButton.getParent().toDisplay(bounds.x, bounds.y + bounds.height);
            menu.setLocation(at);
            menu.setVisible(true);
        });
        updateKindsButton();
        new Label(bar, SWT.NONE).setText("Address from");
        fromField = new Text(bar, SWT.BORDER | SWT.SINGLE);
        fromField.setMessage("0x0");
        new Label(bar, SWT.NONE).setText("to");
        toField = new Text(bar, SWT.BORDER | SWT.SINGLE);
        toField.setMessage("0xffffffff");
        for (Text field : List.of(fromField, toField)) {
            field.setFont(JFaceResources.getTextFont());
            GridDataFactory.swtDefaults().hint(110, SWT.DEFAULT).applyTo(field);
            field.addListener(SWT.Modify, event -> rangeTyped());
        }
        followTail = new Button(bar, SWT.CHECK);
        followTail.setText("Scroll to newest");
        followTail.setSelection(true);
        keepMatching = new Button(bar, SWT.CHECK);
        keepMatching.setText("Keep only matching");
        keepMatching.setToolTipText("Keep only the events that pass the filters, so rare kinds are not pushed out");
        keepMatching.addListener(SWT.Selection, event -> filtersChanged());
        // A line of its own: with every count present it is longer than the filters beside it leave.
        counts = new Label(bar, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).span(8, 1).applyTo(counts);

        viewer = Tables.virtual(parent, SWT.MULTI, index -> events.get(rows[index]), () -> rowCount);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(viewer.getControl());
        column("Sequence", 90, SWT.RIGHT, event -> String.format(Locale.ROOT, "%,d", event.sequence()));
        column("Time (µs)", 110, SWT.RIGHT, event -> String.format(Locale.ROOT, "%,.3f", event.nanos() / 1000.0));
        column("Kind", 130, SWT.LEFT, event -> label(event.kind()));
        column("Address", 110, SWT.LEFT, event -> {
            long address = address(event);
            return address < 0 ? "" : String.format(Locale.ROOT, "%#010x", address);
        });
        column("Details", 360, SWT.LEFT, EventsView::details);
        viewer.setInput(this);
        getSite().setSelectionProvider(viewer); // rows show in the Properties view
        follow(parent);
    }

    private void column(String title, int width, int style, Function<Event, String> text) {
        Tables.column(viewer, title, width, style, text);
    }

    // ------------------------------------------------------------------ for tests

    public TableViewer viewer() {
        return viewer;
    }

    /** The events shown, after the filters, oldest first. */
    public List<Event> shownEvents() {
        List<Event> shown = new ArrayList<>(rowCount);
        for (int i = 0; i < rowCount; i++) {
            shown.add(events.get(rows[i]));
        }
        return shown;
    }

    /** Every event kept, before the filters. */
    public List<Event> keptEvents() {
        List<Event> kept = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            kept.add(events.get(i));
        }
        return kept;
    }

    public String counts() {
        return counts.getText();
    }

    public void setKinds(Set<Kind> shown) {
        kinds.clear();
        kinds.addAll(shown);
        for (MenuItem item : kindsMenu.getItems()) {
            item.setSelection(shown.stream().anyMatch(kind -> label(kind).equals(item.getText())));
        }
        updateKindsButton();
        filtersChanged();
    }

    public void setKeepOnlyMatching(boolean keep) {
        keepMatching.setSelection(keep);
        filtersChanged();
    }

    /** The sequence number of the last event read from the stream, kept or not; -1 before the first. */
    public long lastRead() {
        return lastRead;
    }

    public void setAddressRange(String first, String last) {
        fromField.setText(first);
        toField.setText(last); // each field's modify listener filters again
    }

    // ------------------------------------------------------------------ model

    static String label(Kind kind) {
        String name = kind.name().toLowerCase(Locale.ROOT).replace('_', ' ').replace("tlb", "TLB").replace("cr3", "CR3");
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** The address an event is about, or -1: physical for handler hits, linear for syncs, guest page for the pool. */
    static long address(Event event) {
        return switch (event.kind()) {
            case HANDLER_READ, HANDLER_WRITE, SHADOW_SYNC -> event.a();
            case POOL_ALLOC, POOL_CACHE_HIT, POOL_FLUSH, MONITOR_ON, MONITOR_OFF -> event.b();
            default -> -1;
        };
    }

    static String details(Event event) {
        return switch (event.kind()) {
            case HANDLER_READ, HANDLER_WRITE -> event.b() + " bytes";
            case SHADOW_SYNC -> String.format(Locale.ROOT, "guest-physical %#x", event.b());
            case GUEST_FAULT -> String.format(Locale.ROOT, "vector %#x%s", event.a(),
                    event.b() < 0 || event.b() == 0xffff_ffffL ? "" : String.format(Locale.ROOT, ", error code %#x", event.b()));
            case TLB_FLUSH -> "by the pool";
            case CR3_SYNC -> event.a() == 1 ? "pool cleared first" : "";
            case POOL_ALLOC, POOL_CACHE_HIT, POOL_FLUSH, MONITOR_ON, MONITOR_OFF -> "pool page " + event.a();
            case POOL_EVICT -> "pool page " + event.a() + " (least recently used)";
            case DEVICE_ARRIVED, DEVICE_DEPARTED -> event.detail() + ", " + event.a() + " devices attached";
        };
    }

    private boolean matches(Event event) {
        if (!kinds.contains(event.kind())) {
            return false;
        }
        if (from == 0 && to == Long.MAX_VALUE) {
            return true;
        }
        // A shadow sync is about a linear and a guest-physical address: either may match.
        long address = address(event);
        return address >= 0 && address >= from && address <= to
                || event.kind() == Kind.SHADOW_SYNC && event.b() >= from && event.b() <= to;
    }

    private void rangeTyped() {
        long first = parse(fromField.getText(), 0);
        long last = parse(toField.getText(), Long.MAX_VALUE);
        boolean valid = first >= 0 && last >= 0;
        fromField.setForeground(first >= 0 ? null : fromField.getDisplay().getSystemColor(SWT.COLOR_RED));
        toField.setForeground(last >= 0 ? null : toField.getDisplay().getSystemColor(SWT.COLOR_RED));
        if (valid) {
            from = first;
            to = last;
            filtersChanged();
        }
    }

    /** With "Keep only matching" on, the kept events shrink to those the filters now pass. */
    private void filtersChanged() {
        keepOnlyMatching = keepMatching.getSelection();
        if (keepOnlyMatching) {
            List<Event> matching = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                if (matches(events.get(i))) {
                    matching.add(events.get(i));
                }
            }
            skipped += events.size() - matching.size();
            events.retainOnly(matching);
        }
        refilter();
    }

    private void take(Event event) {
        lastRead = event.sequence();
        if (keepOnlyMatching && !matches(event)) {
            skipped++;
        } else {
            events.add(event);
        }
    }

    /** A hexadecimal address, the default when empty, or -1 when it is not one. */
    private static long parse(String text, long empty) {
        String digits = text.trim().toLowerCase(Locale.ROOT).replace("_", "");
        if (digits.isEmpty()) {
            return empty;
        }
        try {
            return Long.parseUnsignedLong(digits.startsWith("0x") ? digits.substring(2) : digits, 16) & Long.MAX_VALUE;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void updateKindsButton() {
        kindsButton.setText(String.format(Locale.ROOT, "Kinds (%d of %d) \u25be", kinds.size(), Kind.values().length));
        kindsButton.getParent().layout();
    }

    private void refilter() {
        rowCount = 0;
        for (int i = 0; i < events.size(); i++) {
            if (isRow(i)) {
                addRow(i);
            }
        }
        viewer.setItemCount(rowCount);
        viewer.getTable().clearAll(); // rows come back through updateElement as they are painted
        scrollToNewest();
        updateCounts();
    }

    /**
     * Whether a kept event passes the filters. With "Keep only matching" on, every kept event was
     * matched when it was taken, and the kept ones were matched again whenever the filters changed
     * ({@link #filtersChanged}): each is a row without matching it a second time.
     */
    private boolean isRow(int index) {
        return keepOnlyMatching || matches(events.get(index));
    }

    private void addRow(int index) {
        if (rowCount == rows.length) {
            rows = Arrays.copyOf(rows, rows.length * 2);
        }
        rows[rowCount++] = index;
    }

    @Override
    protected void show(MachineSession session) {
        if (viewer.getControl().isDisposed()) {
            return;
        }
        setPartName(session == null ? "Events" : "Events - " + session.name());
        if (reader == null) {
            updateCounts();
            return;
        }
        long droppedBefore = events.dropped();
        int before = events.size();
        int taken = reader.poll(this::take, PER_REFRESH);
        dropped = events.dropped();
        if (dropped != droppedBefore) {
            refilter(); // the rows' indices moved: at most KEPT events to match again
        } else if (events.size() > before) {
            for (int i = before; i < events.size(); i++) {
                if (isRow(i)) {
                    addRow(i);
                }
            }
            viewer.setItemCount(rowCount);
            updateCounts();
        }
        scrollToNewest();
        if (taken == PER_REFRESH && !drainScheduled) {
            // More than one refresh may take: read on soon even when no snapshot comes (paused).
            drainScheduled = true;
            viewer.getControl().getDisplay().timerExec(MachineSession.REFRESH_MILLIS, () -> {
                drainScheduled = false;
                if (!viewer.getControl().isDisposed() && followed() == session) {
                    show(session);
                }
            });
        }
    }

    /** Events of another machine: those of the one followed before go, with their counts. */
    @Override
    protected void followedChanged(MachineSession session) {
        events.clear();
        dropped = 0;
        skipped = 0;
        lastRead = -1;
        // The reader starts at the present: the view shows what happens while it follows.
        reader = session == null ? null : session.machine().events().reader();
        if (!viewer.getControl().isDisposed()) {
            refilter();
        }
    }

    private void scrollToNewest() {
        if (followTail.getSelection() && rowCount > 0) {
            viewer.getTable().setTopIndex(Math.max(0, rowCount - visibleRows()));
        }
    }

    private int visibleRows() {
        Table table = viewer.getTable();
        return Math.max(1, (table.getClientArea().height - table.getHeaderHeight()) / Math.max(1, table.getItemHeight()));
    }

    private void updateCounts() {
        long lost = reader == null ? 0 : reader.lost();
        counts.setText(String.format(Locale.ROOT, "%,d shown of %,d kept; %,d lost (the ring overtook the view)%s%s", rowCount,
                events.size(), lost, dropped == 0 ? "" : String.format(Locale.ROOT, "; %,d older dropped", dropped),
                skipped == 0 ? "" : String.format(Locale.ROOT, "; %,d not kept (did not match)", skipped)));
    }

    /** Events the ring overwrote before the view read them. */
    public long lost() {
        return reader == null ? 0 : reader.lost();
    }

    /** The newest events, oldest first, in a fixed array: adding to a full ring drops the oldest. */
    private static final class EventRing {
        private final Event[] slots;
        private int head;
        private int size;
        private long dropped;

        EventRing(int capacity) {
            slots = new Event[capacity];
        }

        void add(Event event) {
            if (size == slots.length) {
                slots[head] = event;
                head = (head + 1) % slots.length;
                dropped++;
            } else {
                slots[(head + size) % slots.length] = event;
                size++;
            }
        }

        Event get(int index) {
            return slots[(head + index) % slots.length];
        }

        int size() {
            return size;
        }

        long dropped() {
            return dropped;
        }

        /** Keeps just these events (a subset of the kept ones, in order); the dropped count stays. */
        void retainOnly(List<Event> kept) {
            Arrays.fill(slots, null);
            head = 0;
            size = 0;
            for (Event event : kept) {
                slots[size++] = event;
            }
        }

        void clear() {
            Arrays.fill(slots, null);
            head = 0;
            size = 0;
            dropped = 0;
        }
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }
}
