package org.shadowbench.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.shadowbench.cpu.PageWalk;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.machine.RunState;
import org.shadowbench.pool.PoolPageInfo;
import org.shadowbench.ui.MachineSession;
import org.shadowbench.ui.MachineSpec;
import org.shadowbench.ui.internal.PageWalkView;
import org.shadowbench.ui.internal.PoolView;
import org.shadowbench.ui.internal.ShadowbenchPerspective;
import org.shadowbench.ui.internal.UiActivator;

/**
 * The analysis views (Page Walk, Statistics, Events) on a running demo guest: each is checked
 * against the snapshot or the engine's own answer after a pause; screenshots go to
 * {@code target/screenshots}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnalysisViewsTest {
    MachineSession session;

    @BeforeAll
    void launchDemo() throws Exception {
        var window = Workbench.window();
        window.getShell().setBounds(0, 0, 1400, 900);
        PlatformUI.getWorkbench().showPerspective(ShadowbenchPerspective.ID, window);
        session = UiActivator.sessions().launch(MachineSpec.bundledGuest("demo", 64L << 20, ViewsTest.DEMO_COMMAND_LINE));
        session.resume();
        Workbench.await("the demo to run", 20_000, () -> session.snapshot() != null
                && session.state() == RunState.RUNNING && session.snapshot().instructions() > 5_000_000);
    }

    @AfterAll
    void terminate() throws Exception {
        if (session != null) {
            session.terminate().get();
        }
    }

    private long instructions() {
        return session.machine().submit(m -> m.cpu().instructions()).join();
    }

    /** Pauses the guest (if it runs) and waits for the snapshot taken after the pause. */
    private MachineSnapshot pauseAndSettle() {
        session.pause().join();
        Workbench.await("a snapshot of the paused guest", 10_000, () -> session.state() == RunState.PAUSED
                && session.snapshot() != null && session.snapshot().instructions() == instructions());
        Workbench.spin(400);
        return session.snapshot();
    }

    private static String hex(long value, boolean pae) {
        return pae ? String.format(Locale.ROOT, "%016x", value) : String.format(Locale.ROOT, "%08x", value);
    }

    /** The view's rows are the walk's levels: raw value, flags and index as the engine read them. */
    private static void assertRows(Table table, java.util.List<PageWalk.Level> levels, boolean pae) {
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
        MachineSnapshot snapshot = pauseAndSettle();
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
        Workbench.screenshotMaximized(view, view.guestTable().getParent().getParent().getParent(), "page-walk-view.png");
    }

    @Test
    @Order(2)
    void pageWalkFollowsAPoolPageAndTheNextStep() throws Exception {
        PoolView pool = (PoolView) Workbench.page().showView(PoolView.ID);
        MachineSnapshot snapshot = session.snapshot();
        PoolPageInfo table = snapshot.pool().pages().stream()
                .filter(p -> p.kind().isPageTable() && PageWalkView.coveredLinear(p) != null && p.presentEntries() > 0)
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
    }
}
