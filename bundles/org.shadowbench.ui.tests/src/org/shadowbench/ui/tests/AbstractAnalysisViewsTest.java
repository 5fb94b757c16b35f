package org.shadowbench.ui.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

import org.eclipse.core.runtime.Adapters;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.ui.IPageLayout;
import org.eclipse.ui.part.ViewPart;
import org.eclipse.ui.views.properties.IPropertySource;
import org.eclipse.ui.views.properties.PropertySheet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.PageWalk;
import org.shadowbench.devices.vga.VgaText;
import org.shadowbench.machine.EventStream.Event;
import org.shadowbench.machine.EventStream.Kind;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.machine.PcMemoryLayout;
import org.shadowbench.machine.MachineSnapshot.HandlerSnapshot;
import org.shadowbench.pool.PoolPageInfo;
import org.shadowbench.ui.internal.EventsView;
import org.shadowbench.ui.internal.HandlersView;
import org.shadowbench.ui.internal.MachinesView;
import org.shadowbench.ui.internal.MemoryMapView;
import org.shadowbench.ui.internal.PageWalkView;
import org.shadowbench.ui.internal.PngExport;
import org.shadowbench.ui.internal.PoolView;
import org.shadowbench.ui.internal.StatisticsView;
import org.shadowbench.ui.internal.VgaTextView;
import org.shadowbench.ui.testing.Workbench;

/**
 * The analysis views (Page Walk, Statistics, Events, VGA Text, Properties) on a running guest: each
 * is checked against the snapshot or the engine's own answer after a pause; screenshots go to
 * {@code target/screenshots}. A subclass per {@link TestGuest}.
 */
abstract class AbstractAnalysisViewsTest extends GuestViewsTest {
    AbstractAnalysisViewsTest(TestGuest guest) {
        super(guest);
    }

    @BeforeAll
    void openChartsAndEvents() throws Exception {
        // Opened while the guest runs: the charts sample it, and the events view reads from now on.
        Workbench.page().showView(EventsView.ID);
        StatisticsView statistics = (StatisticsView) Workbench.page().showView(StatisticsView.ID);
        Workbench.await("a few seconds of charts", 20_000, () -> statistics.chartValues("MIPS").length >= 10);
    }

    @AfterAll
    void closeChartsAndEvents() {
        // The next guest's charts and events start from an empty view, as a user's would after reopening.
        Workbench.hide(StatisticsView.ID);
        Workbench.hide(EventsView.ID);
    }

    private boolean shadowMapsEip(MachineSnapshot snapshot) {
        int eip = snapshot.cpu().bases().get(1) + snapshot.cpu().eip();
        return session.machine().submit(m -> m.cpu().walk(eip)).join().hostFrame() >= 0;
    }

    private static boolean walkablePoolTable(PoolPageInfo page) {
        return page.kind().isPageTable() && PageWalkView.coveredLinear(page) != null && page.presentEntries() > 0;
    }

    private static String hex(long value, boolean pae) {
        return pae ? String.format(Locale.ROOT, "%016x", value) : String.format(Locale.ROOT, "%08x", value);
    }

    /** The view's rows are the walk's levels: raw value, flags and index as the engine read them. */
    private static void assertRows(Table table, List<PageWalk.Level> levels, boolean pae) {
        assertEquals(levels.size(), table.getItemCount());
        for (int i = 0; i < levels.size(); i++) {
            TableItem item = table.getItem(i);
            PageWalk.Level level = levels.get(i);
            assertEquals(level.name(), item.getText(0));
            assertEquals(String.valueOf(level.index()), item.getText(2));
            assertEquals(hex(level.entry(), pae), item.getText(3));
            assertEquals(level.flags(), item.getText(4));
        }
    }

    @Test
    @Order(1)
    void pageWalkShowsTheGuestsCodeAddressBothWays() throws Exception {
        MachineSnapshot snapshot = pauseWhere("the shadow maps EIP", this::shadowMapsEip);
        PageWalkView view = (PageWalkView) Workbench.page().showView(PageWalkView.ID);
        int eip = snapshot.cpu().bases().get(1) + snapshot.cpu().eip();
        view.walk(eip);
        Workbench.await("the walk of EIP", 5_000, () -> view.shown() != null && view.shown().walk().linear() == eip);
        PageWalk expected = session.machine().submit(m -> m.cpu().walk(eip)).join();
        PageWalk shown = view.shown().walk();
        assertEquals(expected, shown, "the paused machine's own walk");
        assertEquals(snapshot.instructions(), view.shown().instructions());
        assertNull(shown.guestFault(), "the guest maps its own code");
        assertTrue(shown.hostFrame() >= 0, "the shadow maps the code just executed");
        boolean pae = shown.mode().equals("PAE");
        assertRows(view.guestTable(), shown.guestLevels(), pae);
        assertRows(view.shadowTable(), shown.shadowLevels(), pae);
        Table decisions = view.decisions();
        assertEquals(6, decisions.getItemCount());
        assertEquals("fetch (kernel)", decisions.getItem(2).getText(0));
        assertTrue(decisions.getItem(2).getText(3).startsWith("no trap"), decisions.getItem(2).getText(3));
        Workbench.screenshotMaximized(view, view.guestTable().getParent().getParent().getParent(), guest.screenshot("page-walk-view.png"));
    }

    @Test
    @Order(2)
    void pageWalkFollowsAPoolPageAndTheNextStep() throws Exception {
        PoolView pool = (PoolView) Workbench.page().showView(PoolView.ID);
        MachineSnapshot snapshot = pauseWhere("the pool holds a page table under a root",
                s -> s.pool().pages().stream().anyMatch(AbstractAnalysisViewsTest::walkablePoolTable));
        PoolPageInfo table = snapshot.pool().pages().stream().filter(AbstractAnalysisViewsTest::walkablePoolTable)
                .findFirst().orElseThrow();
        int covered = PageWalkView.coveredLinear(table);
        PageWalkView view = (PageWalkView) Workbench.page().showView(PageWalkView.ID);
        Workbench.page().activate(pool);
        Workbench.await("the pool's rows", 5_000, () -> pool.viewer().getTable().getItemCount() == snapshot.pool().pages().size());
        pool.viewer().setSelection(new StructuredSelection(table), true);
        Workbench.await("the walk of the pool page's first address", 5_000,
                () -> view.shown() != null && view.shown().walk().linear() == covered);
        PageWalk shown = view.shown().walk();
        PageWalk.Level shadowPte = shown.shadowLevels().get(shown.shadowLevels().size() - 1);
        assertEquals("PTE", shadowPte.name());
        assertEquals(table.index(), shadowPte.poolPage(), "the shadow walk goes through the selected pool page");

        // A step: the view walks again and shows the new instruction count.
        long before = instructions();
        session.step().join();
        Workbench.await("the walk after the step", 5_000,
                () -> view.shown() != null && view.shown().instructions() == before + 1);
        assertEquals(session.machine().submit(m -> m.cpu().walk(covered)).join(), view.shown().walk());
        assertNotNull(view.status());
        assertTrue(view.status().contains(String.format(Locale.ROOT, "%,d", before + 1)), view.status());
        Workbench.page().activate(view);
        // At the size the perspective gives it, beside the memory map: nothing may be cut off.
        Workbench.screenshotWindow(guest.screenshot("page-walk-in-perspective.png"));
    }

    @Test
    @Order(3)
    void statisticsShowTheSnapshotsCountersAndChartTheRun() throws Exception {
        MachineSnapshot snapshot = pauseAndSettle();
        StatisticsView view = (StatisticsView) Workbench.page().showView(StatisticsView.ID);
        Workbench.await("the statistics of the paused snapshot", 5_000, () -> view.shownSnapshot() == snapshot);
        List<Long> expected = new ArrayList<>();
        for (Record statistics : List.of(snapshot.cpuStatistics(), snapshot.poolStatistics(),
                snapshot.registryStatistics(), snapshot.memoryStatistics())) {
            for (RecordComponent component : statistics.getClass().getRecordComponents()) {
                expected.add(((Number) component.getAccessor().invoke(statistics)).longValue());
            }
        }
        List<StatisticsView.Counter> counters = view.counters();
        int summary = counters.size() - expected.size();
        assertEquals(5, summary, "MIPS and four hit ratios before the counters");
        Table table = view.viewer().getTable();
        assertEquals(counters.size(), table.getItemCount());
        for (int i = 0; i < expected.size(); i++) {
            StatisticsView.Counter counter = counters.get(summary + i);
            assertEquals(expected.get(i), (long) counter.value(), counter.name());
            assertEquals(String.format(Locale.ROOT, "%,d", expected.get(i)), table.getItem(summary + i).getText(2),
                    counter.name());
        }
        assertEquals("instructions", table.getItem(summary).getText(1));
        assertEquals(String.format(Locale.ROOT, "%,d", snapshot.instructions()), table.getItem(summary).getText(2));
        long hits = snapshot.cpuStatistics().tlbHits();
        long fills = snapshot.cpuStatistics().tlbFills();
        assertEquals(String.format(Locale.ROOT, "%.2f %%", 100.0 * hits / (hits + fills)), table.getItem(1).getText(2));
        assertTrue(counters.stream().anyMatch(c -> c.group().equals("Monitored writes")), "the heuristics' counters");

        double[] mips = view.chartValues("MIPS");
        assertTrue(mips.length >= 5, "samples while the guest ran: " + mips.length);
        assertTrue(Arrays.stream(mips).max().orElse(0) > 0, "the guest ran at some speed");
        assertTrue(Arrays.stream(view.chartValues("Shadow syncs/s")).max().orElse(0) > 0, "the guest syncs shadow entries");
        Workbench.screenshotMaximized(view, table.getParent().getParent(), guest.screenshot("statistics-view.png"));
    }

    @Test
    @Order(4)
    void eventsShowWhatTheEngineRecordedAndFilter() throws Exception {
        pauseAndSettle();
        EventsView view = (EventsView) Workbench.page().showView(EventsView.ID);
        long recorded = session.machine().events().recorded();
        Workbench.await("the events up to the pause", 10_000, () -> {
            List<Event> kept = view.keptEvents();
            return !kept.isEmpty() && kept.get(kept.size() - 1).sequence() == recorded - 1;
        });
        List<Event> kept = view.keptEvents();
        assertEquals(kept, view.shownEvents(), "no filter: every kept event shown");
        // Consecutive sequence numbers, except where the ring overtook the view (counted as lost).
        long gaps = 0;
        for (int i = 1; i < kept.size(); i++) {
            gaps += kept.get(i).sequence() - kept.get(i - 1).sequence() - 1;
        }
        assertTrue(gaps <= view.lost(), gaps + " missing, " + view.lost() + " counted lost");
        assertTrue(view.counts().contains(String.format(Locale.ROOT, "%,d lost", view.lost())), view.counts());
        Table table = view.viewer().getTable();
        assertEquals(kept.size(), table.getItemCount());
        Event first = kept.get(0);
        assertEquals(String.format(Locale.ROOT, "%,d", first.sequence()), table.getItem(0).getText(0));

        // Shadow syncs where the guest's last events hold some (the demo's do; xv6's idle loop can fill
        // the view with local APIC reads), else the kind of the last event.
        Kind kind = kept.stream().anyMatch(e -> e.kind() == Kind.SHADOW_SYNC) ? Kind.SHADOW_SYNC
                : kept.get(kept.size() - 1).kind();
        view.setKinds(EnumSet.of(kind));
        List<Event> ofKind = kept.stream().filter(e -> e.kind() == kind).toList();
        assertEquals(ofKind, view.shownEvents());
        assertEquals(ofKind.size(), table.getItemCount());
        String label = table.getItem(0).getText(2);
        assertTrue(Arrays.stream(table.getItems()).allMatch(item -> item.getText(2).equals(label)), kind + " rows only");
        if (kind == Kind.SHADOW_SYNC) {
            assertEquals("Shadow sync", label);
        }

        long page = ofKind.get(ofKind.size() - 1).a() & ~0xfffL;
        view.setAddressRange(String.format(Locale.ROOT, "%x", page), String.format(Locale.ROOT, "%x", page + 0xfff));
        List<Event> inPage = ofKind.stream().filter(e -> e.a() >= page && e.a() <= page + 0xfff
                || e.b() >= page && e.b() <= page + 0xfff).toList();
        assertTrue(!inPage.isEmpty());
        assertEquals(inPage, view.shownEvents());
        assertEquals(inPage.size(), table.getItemCount());
        Workbench.screenshotMaximized(view, table.getParent(), guest.screenshot("events-filtered.png"));

        view.setAddressRange("", "");
        view.setKinds(EnumSet.allOf(Kind.class));
        assertEquals(kept.size(), table.getItemCount());
        Workbench.screenshotMaximized(view, table.getParent(), guest.screenshot("events-view.png"));

        // Keeping only shadow syncs: run for a moment, and the view has kept syncs alone, however many
        // other events (xv6's local APIC reads) the guest recorded meanwhile.
        view.setKinds(EnumSet.of(Kind.SHADOW_SYNC));
        view.setKeepOnlyMatching(true);
        assertTrue(view.keptEvents().stream().allMatch(e -> e.kind() == Kind.SHADOW_SYNC), "the others dropped");
        session.resume();
        Workbench.spin(1_000);
        pauseAndSettle();
        long last = session.machine().events().recorded() - 1;
        Workbench.await("the events up to the pause", 10_000, () -> view.lastRead() == last);
        List<Event> syncs = view.keptEvents();
        assertTrue(syncs.size() > kept.stream().filter(e -> e.kind() == Kind.SHADOW_SYNC).count(),
                "more syncs kept than before: " + syncs.size());
        assertTrue(syncs.stream().allMatch(e -> e.kind() == Kind.SHADOW_SYNC), "syncs only");
        assertEquals(syncs, view.shownEvents());
        assertTrue(view.counts().contains("not kept (did not match)"), view.counts());
        Workbench.screenshotMaximized(view, table.getParent(), guest.screenshot("events-syncs-kept.png"));
        view.setKeepOnlyMatching(false);
        view.setKinds(EnumSet.allOf(Kind.class));
    }

    @Test
    @Order(5)
    void everyViewExportsItselfAsPng() throws Exception {
        for (String id : List.of(MachinesView.ID, MemoryMapView.ID, HandlersView.ID, PoolView.ID, PageWalkView.ID,
                StatisticsView.ID, EventsView.ID)) {
            ViewPart view = (ViewPart) Workbench.page().showView(id);
            Workbench.spin(200);
            Control control = PngExport.exportedControl(view);
            assertNotNull(control, "an export action in " + id);
            File file = new File(Workbench.SCREENSHOTS, guest.screenshot("export-" + id.substring(id.lastIndexOf('.') + 1) + ".png"));
            PngExport.save(control, file);
            ImageData saved = new ImageLoader().load(file.getPath())[0];
            assertEquals(control.getSize().x, saved.width, id);
            assertEquals(control.getSize().y, saved.height, id);
            int corner = saved.getPixel(0, 0);
            boolean drawn = false;
            for (int y = 0; y < saved.height && !drawn; y += 7) {
                for (int x = 0; x < saved.width && !drawn; x += 7) {
                    drawn = saved.getPixel(x, y) != corner;
                }
            }
            assertTrue(drawn, "something painted in the export of " + id);
        }
    }

    @Test
    @Order(6)
    void selectionsShowInThePropertiesView() throws Exception {
        MachineSnapshot snapshot = session.snapshot();
        PoolPageInfo page = snapshot.pool().pages().stream().filter(p -> p.gcPhys() >= 0).findFirst().orElseThrow();
        IPropertySource source = Adapters.adapt(page, IPropertySource.class);
        assertNotNull(source, "pool pages adapt to property sources");
        assertEquals(String.format(Locale.ROOT, "%#x", page.gcPhys()), source.getPropertyValue("gcPhys"));
        assertEquals(page.kind().name(), source.getPropertyValue("kind"));
        assertNotNull(Adapters.adapt(session, IPropertySource.class), "machines too");
        assertEquals(session.name(), Adapters.adapt(session, IPropertySource.class).getPropertyValue("name"));

        PoolView pool = (PoolView) Workbench.page().showView(PoolView.ID);
        PropertySheet sheet = (PropertySheet) Workbench.page().showView(IPageLayout.ID_PROP_SHEET);
        Workbench.page().activate(pool);
        pool.viewer().setSelection(new StructuredSelection(page), true);
        Tree tree = (Tree) sheet.getCurrentPage().getControl();
        Workbench.await("the pool page's properties", 5_000, () -> Arrays.stream(tree.getItems())
                .anyMatch(item -> item.getText(0).equals("gc phys")
                        && item.getText(1).equals(String.format(Locale.ROOT, "%#x", page.gcPhys()))));
        // The sheet shares a small stack by default: maximized, its rows are legible in the picture.
        Workbench.screenshotMaximized(sheet, tree, guest.screenshot("properties-pool-page.png"));
    }
    @Test
    @Order(7)
    void aPagePickedInTheMemoryMapSelectsItsHandlerAndIsWalkedWhereverTheGuestMapsIt() throws Exception {
        int twice = guest.linearMappedTwice();
        MachineSnapshot snapshot = pauseWhere("the guest maps " + Integer.toHexString(twice),
                s -> session.machine().submit(m -> m.cpu().walk(twice)).join().guestFault() == null);
        long physical = session.machine().submit(m -> m.cpu().walk(twice)).join().guestPhysical() & -4096L;
        MemoryMapView map = (MemoryMapView) Workbench.page().showView(MemoryMapView.ID);
        PageWalkView walk = (PageWalkView) Workbench.page().showView(PageWalkView.ID);
        HandlersView handlers = (HandlersView) Workbench.page().showView(HandlersView.ID);
        Workbench.page().activate(map);
        Workbench.await("the map to hold the page", 5_000, () -> {
            map.pick(physical);
            return map.picked() == physical;
        });
        // The status lists the mappings once the picked page's walk is done (an earlier walk may
        // have been of the same page).
        String mappedAt = String.format(Locale.ROOT, "guest-physical %#x is mapped at", physical);
        Workbench.await("the walk of the picked page", 5_000, () -> walk.shown() != null
                && (walk.shown().walk().guestPhysical() & -4096L) == physical && walk.status().contains(mappedAt));
        assertEquals(snapshot.instructions(), walk.shown().instructions(), "walked in the paused machine");
        assertEquals(guest.lowestMapping(physical), walk.shown().walk().linear() & 0xffff_ffffL,
                "the lowest mapping is walked");
        assertTrue(walk.status().contains(String.format(Locale.ROOT, "%#x", guest.otherMapping(physical))),
                walk.status());
        assertTrue(handlers.viewer().getSelection().isEmpty(), "RAM the guest owns has no handler");
        Object picked = ((StructuredSelection) map.getSite().getSelectionProvider().getSelection()).getFirstElement();
        IPropertySource properties = Adapters.adapt(picked, IPropertySource.class);
        assertNotNull(properties, "a picked page shows in the Properties view");
        assertEquals(String.format(Locale.ROOT, "%#x", physical), properties.getPropertyValue("guestPhysical"));
        assertEquals("RAM", properties.getPropertyValue("type"));

        long ioApic = 0xfec0_0000L;
        map.pick(ioApic);
        Workbench.await("the I/O APIC's handler selected", 5_000,
                () -> handlers.viewer().getStructuredSelection().getFirstElement() instanceof HandlerSnapshot h
                        && h.first() == ioApic);
        String mapping = guest.mapsDevicesAtTheirAddresses()
                ? String.format(Locale.ROOT, "guest-physical %#x is mapped at %#x", ioApic, ioApic)
                : "is not mapped by the current page tables";
        Workbench.await("the I/O APIC's mapping reported", 5_000, () -> walk.status().contains(mapping));
        Workbench.page().activate(map);
        Workbench.screenshotWindow(guest.screenshot("memory-map-page-picked.png"));
    }
    @Test
    @Order(8)
    void theVgaTextViewMirrorsTheGuestsScreen() throws Exception {
        MachineSnapshot snapshot = pauseAndSettle();
        VgaTextView view = (VgaTextView) Workbench.page().showView(VgaTextView.ID);
        Workbench.await("the screen of the paused guest", 5_000,
                () -> view.screen() != null && view.screen().sequence() == snapshot.sequence());
        List<String> expected = session.machine().submit(m -> session.pc().vga().screen()).join();
        assertEquals(expected, view.screen().rows(), "the rows the VGA device shows");
        assertEquals((int) session.machine().submit(m -> session.pc().vga().cursor()).join(), view.screen().cursor());
        assertTrue(guest.screenShowsWorkload(expected), expected.toString());
        assertArrayEquals(session.machine().submit(m -> session.pc().vga().attributes()).join(), view.screen().attributes());
        Workbench.screenshotMaximized(view, view.canvas(), guest.screenshot("vga-text-view.png"));

        // Yellow on blue in the top row's last cell (a blank one in both guests): after a step the
        // view reads the screen again and paints the cell in the attribute's colours.
        long lastCellOfTopRow = PcMemoryLayout.VGA_LFB + 2 * (VgaText.COLUMNS - 1);
        session.machine().submit(m -> {
            m.memory().write(lastCellOfTopRow + 1, 1, 0x1e);
            return null;
        }).join();
        long before = instructions();
        session.step().join();
        Workbench.await("the screen after the step", 5_000, () -> view.screen() != null
                && view.screen().attribute(0, VgaText.COLUMNS - 1) == 0x1e);
        Workbench.spin(100);
        Rectangle cell = view.cellBounds(0, VgaText.COLUMNS - 1);
        ImageData pixels = Workbench.print(view.canvas());
        int blue = VgaTextView.colourRgb(1);
        assertEquals(new RGB(blue >> 16, blue >> 8 & 0xff, blue & 0xff),
                pixels.palette.getRGB(pixels.getPixel(cell.x + cell.width / 2, cell.y + cell.height / 2)),
                "the blank cell's background is attribute 1e's blue");
        assertEquals(before + 1, instructions());
    }
}
