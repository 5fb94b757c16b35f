package org.shadowbench.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.Locale;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.widgets.Event;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.ui.console.IOConsole;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.machine.MachineSnapshot.HandlerSnapshot;
import org.shadowbench.machine.PoolSnapshot;
import org.shadowbench.machine.RangeSnapshot;
import org.shadowbench.pool.PoolPageInfo;
import org.shadowbench.ui.MachineSpec;
import org.shadowbench.ui.internal.HandlersView;
import org.shadowbench.ui.internal.MachinesView;
import org.shadowbench.ui.internal.MemoryMapView;
import org.shadowbench.ui.internal.MachinePresets;
import org.shadowbench.ui.internal.NewMachineDialog;
import org.shadowbench.ui.internal.PageColours;
import org.shadowbench.ui.internal.PoolView;
import org.shadowbench.ui.testing.Workbench;

/**
 * Opens the Shadowbench perspective on a running guest, pauses it, and checks what each view shows
 * against the machine's snapshot; saves screenshots to {@code target/screenshots}. A subclass per
 * {@link TestGuest}.
 */
abstract class AbstractViewsTest extends GuestViewsTest {
    static final long IO_APIC = 0xfec00000L;
    /** Aliased to the virtual-APIC host page. */
    static final long LOCAL_APIC = 0xfee00000L;

    AbstractViewsTest(TestGuest guest) {
        super(guest);
    }

    @Test
    @Order(1)
    void machinesViewShowsTheRunningGuestWithItsSpeed() throws Exception {
        MachinesView view = (MachinesView) Workbench.page().showView(MachinesView.ID);
        Table table = view.viewer().getTable();
        Workbench.await("a MIPS figure", 10_000, () -> {
            TableItem row = row(table, session.name());
            return row != null && row.getText(1).equals("Running") && !row.getText(2).isEmpty()
                    && Double.parseDouble(row.getText(2)) > 0;
        });
        Workbench.screenshotWindow(guest.screenshot("machines-running.png"));
    }

    @Test
    @Order(2)
    void machinesViewShowsThePausedGuest() throws Exception {
        MachineSnapshot snapshot = pauseAndSettle();
        MachinesView view = (MachinesView) Workbench.page().showView(MachinesView.ID);
        Table table = view.viewer().getTable();
        TableItem row = row(table, session.name());
        assertNotNull(row, "a row for " + session.name());
        assertEquals("Paused", row.getText(1));
        assertEquals("", row.getText(2), "no MIPS while paused");
        assertEquals(String.format(Locale.ROOT, "%,d", snapshot.instructions()), row.getText(3));
        assertTrue(row.getText(6).startsWith("PAUSED"), row.getText(6));
        Workbench.screenshotControl(table, guest.screenshot("machines-view.png"));
    }

    @Test
    @Order(3)
    void com1GoesToAConsole() {
        IOConsole com1 = TestGuest.com1(session);
        assertNotNull(com1, "a console for COM1");
        for (String marker : guest.consoleMarkers()) {
            Workbench.await("'" + marker + "' on the console", 10_000, () -> com1.getDocument().get().contains(marker));
        }
    }

    @Test
    @Order(4)
    void memoryMapColoursPagesAsTheSnapshotDescribesThem() throws Exception {
        MemoryMapView view = (MemoryMapView) Workbench.page().showView(MemoryMapView.ID);
        MachineSnapshot snapshot = session.snapshot();
        Workbench.await("the map to show the paused snapshot", 5_000, () -> view.shownSnapshot() == snapshot);
        Workbench.spin(MemoryMapView.FLASH_MILLIS + 200); // let the pause's changes stop flashing
        view.setColours(PageColours.TYPE_AND_STATE);
        view.setZoomLevel(MemoryMapView.DEFAULT_ZOOM);
        assertCell(view, snapshot, guest.kernelPage(), "RAM, allocated");
        assertCell(view, snapshot, guest.untouchedRam(), "Zero page (RAM not yet written)");
        assertCell(view, snapshot, IO_APIC, "MMIO");
        assertCell(view, snapshot, LOCAL_APIC, "MMIO aliased to a host page");
        Workbench.screenshotControl(view.canvas().getParent(), guest.screenshot("memory-map-view.png"));

        view.setColours(PageColours.HANDLER_STATE);
        assertCell(view, snapshot, IO_APIC, "Every access intercepted (ALL)");
        assertCell(view, snapshot, guest.kernelPage(), "No handler");
        Workbench.screenshotControl(view.canvas().getParent(), guest.screenshot("memory-map-handler-state.png"));
        view.setColours(PageColours.SHADOWED);
        assertCell(view, snapshot, guest.untouchedRam(), "Not mapped by a shadow page table");
        view.cellCentre(0); // the picture: low memory, where the shadow tables map pages
        Workbench.spin(100);
        Workbench.screenshotControl(view.canvas().getParent(), guest.screenshot("memory-map-shadowed.png"));

        // Zoomed out, a cell of many pages takes its most notable page's colour.
        view.setColours(PageColours.TYPE_AND_STATE);
        view.setZoomLevel(0);
        assertCell(view, snapshot, IO_APIC, "MMIO");
        view.setZoomLevel(MemoryMapView.ZOOM.length - 1);
        assertCell(view, snapshot, guest.kernelPage(), "RAM, allocated");
        view.setZoomLevel(MemoryMapView.DEFAULT_ZOOM);
    }

    @Test
    @Order(5)
    void memoryMapTooltipDescribesThePage() throws Exception {
        MemoryMapView view = (MemoryMapView) Workbench.page().showView(MemoryMapView.ID);
        Point centre = view.cellCentre(IO_APIC);
        Event move = new Event();
        move.x = centre.x;
        move.y = centre.y;
        view.canvas().notifyListeners(SWT.MouseMove, move);
        String tip = view.canvas().getToolTipText();
        assertNotNull(tip);
        assertTrue(tip.startsWith("0xfec00000"), tip);
        assertTrue(tip.contains("type MMIO") && tip.contains("handler state ALL") && tip.contains("handler MMIO"), tip);
        // Over the address labels, off the pages, there is nothing to describe.
        move.x = 1;
        view.canvas().notifyListeners(SWT.MouseMove, move);
        assertNull(view.canvas().getToolTipText());
        Workbench.page().showView(MachinesView.ID);
        Workbench.page().showView(MemoryMapView.ID);
        Workbench.spin(300);
        Workbench.screenshotWindow(guest.screenshot("perspective.png"));
    }

    @Test
    @Order(6)
    void handlersViewListsTheSnapshotsHandlersSortedAndFiltered() throws Exception {
        HandlersView view = (HandlersView) Workbench.page().showView(HandlersView.ID);
        MachineSnapshot snapshot = session.snapshot();
        Table table = view.viewer().getTable();
        Workbench.await("a row per handler", 5_000, () -> table.getItemCount() == snapshot.handlers().size());
        assertTrue(table.getItemCount() >= 5, "the PC's devices register handlers: " + table.getItemCount());
        HandlerSnapshot lowest = snapshot.handlers().stream().min(Comparator.comparingLong(HandlerSnapshot::first)).orElseThrow();
        assertEquals(String.format("%#010x-%#010x", lowest.first(), lowest.last()), table.getItem(0).getText(0));
        assertEquals(lowest.description(), table.getItem(0).getText(3));
        assertEquals(String.format(Locale.ROOT, "%,d", lowest.readHits() + lowest.writeHits()), table.getItem(0).getText(5));

        view.sortBy(5, true);
        long most = snapshot.handlers().stream().mapToLong(h -> h.readHits() + h.writeHits()).max().orElseThrow();
        assertEquals(most, view.rows().get(0).readHits() + view.rows().get(0).writeHits());
        assertTrue(most > 0, "the guest's device accesses reach their handlers");
        view.sortBy(0, false);

        view.filter().setText("apic");
        long apics = snapshot.handlers().stream().filter(h -> (h.description() + h.type()).toLowerCase(Locale.ROOT)
                .contains("apic")).count();
        assertEquals(apics, table.getItemCount());
        assertTrue(apics >= 2, "local and I/O APIC");
        view.filter().setText("");
        assertEquals(snapshot.handlers().size(), table.getItemCount());
        Workbench.screenshotControl(view.viewer().getControl().getParent(), guest.screenshot("handlers-view.png"));
    }

    @Test
    @Order(7)
    void selectingAHandlerHighlightsItsPagesInTheMemoryMap() throws Exception {
        MemoryMapView map = (MemoryMapView) Workbench.page().showView(MemoryMapView.ID);
        map.setColours(PageColours.TYPE_AND_STATE);
        HandlersView view = (HandlersView) Workbench.page().showView(HandlersView.ID);
        HandlerSnapshot ioApic = view.rows().stream().filter(h -> h.first() == IO_APIC).findFirst().orElseThrow();
        view.viewer().setSelection(new StructuredSelection(ioApic), true);
        Workbench.spin(300); // post selection is delayed
        Point centre = map.cellCentre(IO_APIC);
        Workbench.spin(100);
        ImageData pixels = Workbench.print(map.canvas());
        int mmio = PageColours.TYPE_AND_STATE.legend().get(9).rgb();
        int expected = MemoryMapView.blend(mmio, MemoryMapView.HIGHLIGHT_RGB, 0.7);
        assertEquals(new RGB(expected >> 16, expected >> 8 & 0xff, expected & 0xff),
                pixels.palette.getRGB(pixels.getPixel(centre.x, centre.y)), "the I/O APIC's page is highlighted");
        // A bigger handler for the picture: the VGA legacy window's 32 pages.
        view.viewer().setSelection(new StructuredSelection(view.rows().stream()
                .filter(h -> h.first() == 0xa0000).findFirst().orElseThrow()), true);
        Workbench.spin(400);
        Workbench.screenshotWindow(guest.screenshot("perspective-handler-selected.png"));
    }

    @Test
    @Order(8)
    void poolViewShowsThePagesAgeListAndChains() throws Exception {
        PoolView view = (PoolView) Workbench.page().showView(PoolView.ID);
        MachineSnapshot snapshot = session.snapshot();
        PoolSnapshot pool = snapshot.pool();
        Table table = view.viewer().getTable();
        Workbench.await("a row per pool page", 5_000, () -> table.getItemCount() == pool.pages().size());
        Workbench.spin(300); // laid out and painted
        assertTrue(pool.pages().size() > 8, "the guest's processes have shadow tables: " + pool.pages().size());
        assertEquals(String.valueOf(pool.pages().get(0).index()), table.getItem(0).getText(0));
        assertEquals(pool.pages().get(0).kind().name(), table.getItem(0).getText(1));
        assertTrue(view.summary().startsWith(pool.pages().size() + " pages in use of " + pool.maxPages()), view.summary());
        assertTrue(view.summary().contains("age list " + pool.ageList().size()), view.summary());

        int head = pool.ageList().get(0);
        PoolPageInfo headPage = pool.pages().stream().filter(p -> p.index() == head).findFirst().orElseThrow();
        int rgb = PoolView.KindGroup.of(headPage.kind()).rgb();
        Point at = view.ageListHead();
        ImageData pixels = Workbench.print(view.ageStrip());
        assertEquals(new RGB(rgb >> 16, rgb >> 8 & 0xff, rgb & 0xff), pixels.palette.getRGB(pixels.getPixel(at.x, at.y)),
                "the age list's head has its kind's colour");
        Workbench.spin(200);
        Workbench.screenshotControl(table.getParent(), guest.screenshot("pool-view.png"));
    }

    @Test
    @Order(9)
    void whatIsTypedOnTheConsoleReachesTheGuestsUart() {
        IOConsole com1 = TestGuest.com1(session);
        com1.getInputStream().appendData("x");
        Workbench.await("COM1's data-ready bit", 5_000,
                () -> (session.machine().submit(m -> m.io().read(0x3fd, 1)).join() & 1) != 0);
        assertEquals('x', session.machine().submit(m -> m.io().read(0x3f8, 1)).join());
    }

    @Test
    @Order(10)
    void newMachineDialogFillsInTheDemoPreset() {
        NewMachineDialog dialog = new NewMachineDialog(Workbench.window().getShell());
        dialog.setBlockOnOpen(false);
        dialog.open();
        try {
            dialog.guestField().setText("");
            dialog.commandLineField().setText("");
            dialog.ramField().setSelection(8);
            dialog.demoPreset().notifyListeners(SWT.Selection, new Event());
            assertEquals("bundled:demo", dialog.guestField().getText());
            assertEquals(64, dialog.ramField().getSelection());
            assertEquals(MachinePresets.DEMO.commandLine(), dialog.commandLineField().getText(), "a workload to watch");
            dialog.commandLineField().setText("rounds=2");
            Workbench.spin(200);
            Workbench.screenshotControl(dialog.getShell(), guest.screenshot("new-machine-dialog.png"));
            dialog.accept();
            assertEquals(MachineSpec.bundledGuest("demo", 64L << 20, "rounds=2"), dialog.spec());
        } finally {
            dialog.close();
        }
    }

    /** The pixel at the centre of the address's cell has the colour the snapshot's page calls for. */
    private static void assertCell(MemoryMapView view, MachineSnapshot snapshot, long address, String expectedLegend) {
        RangeSnapshot range = snapshot.ranges().stream()
                .filter(r -> address >= r.first() && address <= r.last()).findFirst().orElseThrow();
        int page = (int) ((address - range.first()) >> 12);
        PageColours scheme = view.colours();
        PageColours.Entry entry = scheme.legend().get(scheme.index(range, page));
        assertEquals(expectedLegend, entry.label(), String.format("legend of %#x", address));
        Point centre = view.cellCentre(address);
        assertNotNull(centre, String.format("a cell for %#x", address));
        Workbench.spin(100);
        ImageData pixels = Workbench.print(view.canvas());
        RGB actual = pixels.palette.getRGB(pixels.getPixel(centre.x, centre.y));
        int rgb = entry.rgb();
        assertEquals(new RGB(rgb >> 16, rgb >> 8 & 0xff, rgb & 0xff), actual,
                String.format("colour of %#x (%s) at %s", address, expectedLegend, centre));
    }

    private static TableItem row(Table table, String name) {
        for (TableItem item : table.getItems()) {
            if (item.getText(0).equals(name)) {
                return item;
            }
        }
        return null;
    }
}
