package org.shadowbench.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.part.ViewPart;
import org.junit.jupiter.api.Test;
import org.shadowbench.machine.MachineSnapshot.HandlerSnapshot;
import org.shadowbench.machine.RunState;
import org.shadowbench.ui.MachineSession;
import org.shadowbench.ui.MachineSpec;
import org.shadowbench.ui.internal.EventsView;
import org.shadowbench.ui.internal.HandlersView;
import org.shadowbench.ui.internal.MachinesView;
import org.shadowbench.ui.internal.MemoryMapView;
import org.shadowbench.ui.internal.PageWalkView;
import org.shadowbench.ui.internal.ShadowbenchPerspective;
import org.shadowbench.ui.internal.UiActivator;
import org.shadowbench.ui.testing.Workbench;

/**
 * Switching the Machines view between running machines of different RAM sizes: the memory map
 * follows each one, and what flashed on one machine is not carried to the other (their RAM ranges
 * start at the same address with other page counts); nor are the events or the page walk of one
 * machine shown for the other, nor hit rates taken between two machines' counts in the Access
 * Handlers view.
 */
class MachineSwitchTest {
    @Test
    void theViewsFollowMachinesOfOtherSizesBackAndForth() throws Exception {
        PlatformUI.getWorkbench().showPerspective(ShadowbenchPerspective.ID, Workbench.window());
        MachineSession small = UiActivator.sessions().launch(MachineSpec.bundledGuest("demo", 32L << 20, "rounds=100000"));
        MachineSession large = UiActivator.sessions().launch(MachineSpec.bundledGuest("demo", 96L << 20, "rounds=100000"));
        CountDownLatch release = new CountDownLatch(1);
        try {
            small.resume();
            large.resume();
            MachinesView machines = (MachinesView) Workbench.page().showView(MachinesView.ID);
            MemoryMapView map = (MemoryMapView) Workbench.page().showView(MemoryMapView.ID);
            EventsView events = (EventsView) Workbench.page().showView(EventsView.ID);
            PageWalkView walk = (PageWalkView) Workbench.page().showView(PageWalkView.ID);
            for (MachineSession session : new MachineSession[] { small, large, small, large }) {
                select(machines, map, session);
                // Running: its RAM changes between snapshots, so pages flash.
                Workbench.await("pages flashing on " + session.name(), 5_000, () -> map.flashingPages() > 0);
            }
            large.pause().join();
            Workbench.await("the paused machine's last snapshot", 10_000, () -> large.state() == RunState.PAUSED
                    && map.shownSnapshot() == large.snapshot() && large.snapshot().instructions() == instructions(large));
            Workbench.spin(MemoryMapView.FLASH_MILLIS + 100);
            assertEquals(0, map.flashingPages(), "a paused machine has nothing left to flash");
            // Away from the running machine to the paused one: the running one's changes stay behind.
            select(machines, map, small);
            walk.walk(0);
            Workbench.await("pages flashing on " + small.name(), 5_000, () -> map.flashingPages() > 0);
            Workbench.await("events of " + small.name(), 5_000, () -> !events.keptEvents().isEmpty());
            Workbench.await("a walk on " + small.name(), 5_000, () -> walk.shown() != null);
            // The paused machine's emulation thread kept busy: what the views show of it after the switch
            // is what they kept, not what they read from it since.
            large.machine().submit(m -> {
                awaitUninterruptibly(release);
                return null;
            });
            select(machines, map, large);
            Workbench.await("the other views to follow " + large.name(), 5_000, () -> Stream.<ViewPart>of(events, walk)
                    .allMatch(view -> view.getPartName().endsWith(large.name())));
            assertEquals(large.snapshot(), map.shownSnapshot());
            assertEquals(0, map.flashingPages(), "nothing changed on the paused machine");
            assertEquals(List.of(), events.keptEvents(), "the events of " + small.name());
            assertEquals(-1, events.lastRead(), "the event read last from " + small.name());
            assertNull(walk.shown(), "the walk on " + small.name());
            release.countDown();
            Workbench.await("the walk on " + large.name(), 5_000,
                    () -> walk.shown() != null && walk.shown().instructions() == instructions(large));
        } finally {
            release.countDown();
            small.terminate().get();
            large.terminate().get();
        }
    }

    @Test
    void theAccessHandlersViewTakesHitRatesBetweenOneMachinesOwnSnapshotsOnly() throws Exception {
        PlatformUI.getWorkbench().showPerspective(ShadowbenchPerspective.ID, Workbench.window());
        MachineSession busy = UiActivator.sessions().launch(MachineSpec.bundledGuest("demo", 32L << 20, "rounds=100000"));
        // Never resumed: the same devices' handlers, none hit yet.
        MachineSession idle = UiActivator.sessions().launch(MachineSpec.bundledGuest("demo", 32L << 20, "rounds=100000"));
        try {
            busy.resume();
            MachinesView machines = (MachinesView) Workbench.page().showView(MachinesView.ID);
            MemoryMapView map = (MemoryMapView) Workbench.page().showView(MemoryMapView.ID);
            HandlersView handlers = (HandlersView) Workbench.page().showView(HandlersView.ID);
            select(machines, map, busy);
            // The demo writes its first lines to the VGA text screen, through the VGA window's handler.
            Workbench.await("hits on " + busy.name(), 10_000, () -> handlers.shownSnapshot() != null
                    && handlers.getPartName().endsWith(busy.name())
                    && handlers.rows().stream().anyMatch(h -> h.writeHits() > 0));
            select(machines, map, idle);
            Workbench.await("the view to follow " + idle.name(), 5_000,
                    () -> handlers.getPartName().endsWith(idle.name()) && handlers.shownSnapshot() == idle.snapshot());
            assertEquals(0, handlers.rows().stream().mapToLong(h -> h.readHits() + h.writeHits()).sum(), "nothing ran on " + idle.name());
            for (HandlerSnapshot handler : handlers.rows()) {
                // Taken against the other machine's counts, the rates would be negative.
                assertEquals(0.0, handlers.hitRate(handler), handler.description());
            }
        } finally {
            busy.terminate().get();
            idle.terminate().get();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void select(MachinesView machines, MemoryMapView map, MachineSession session) {
        Workbench.page().activate(machines); // as a user's click would
        // The view lists a new machine at its next refresh: until then it cannot be selected.
        Workbench.await(session.name() + " selected in the Machines view", 5_000, () -> {
            machines.viewer().setSelection(new StructuredSelection(session), true);
            return machines.viewer().getStructuredSelection().getFirstElement() == session;
        });
        Workbench.await("the map to follow " + session.name(), 5_000,
                () -> map.getPartName().endsWith(session.name()) && map.shownSnapshot() != null);
    }

    private static long instructions(MachineSession session) {
        return session.machine().submit(m -> m.cpu().instructions()).join();
    }
}
