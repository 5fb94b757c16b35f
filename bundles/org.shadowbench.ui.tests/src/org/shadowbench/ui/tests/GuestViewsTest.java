package org.shadowbench.ui.tests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.function.Predicate;

import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.machine.RunState;
import org.shadowbench.ui.MachineSession;
import org.shadowbench.ui.internal.ShadowbenchPerspective;
import org.shadowbench.ui.internal.UiActivator;
import org.shadowbench.ui.testing.Workbench;

/**
 * Ordered view tests on one running {@link TestGuest} in the Shadowbench perspective: launches it
 * with its workload going before the first test (skipping them all where the guest is not on this
 * machine), terminates it after the last, and pauses it where a test needs exact state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class GuestViewsTest {
    final TestGuest guest;
    MachineSession session;

    GuestViewsTest(TestGuest guest) {
        this.guest = guest;
    }

    @BeforeAll
    void launchGuest() throws Exception {
        assumeTrue(guest.available(), "no " + guest + " guest on this machine (../shared/guests is absent)");
        var window = Workbench.window();
        window.getShell().setBounds(0, 0, 1400, 900);
        PlatformUI.getWorkbench().showPerspective(ShadowbenchPerspective.ID, window);
        session = UiActivator.sessions().launch(guest.spec());
        guest.startWorkload(session);
    }

    @AfterAll
    void terminateGuest() throws Exception {
        if (session != null) {
            session.terminate().get();
        }
    }

    /** The instructions the machine has run, asked on its emulation thread. */
    long instructions() {
        return session.machine().submit(m -> m.cpu().instructions()).join();
    }

    /** Pauses the guest (if it runs) and waits for the snapshot taken after the pause and two refreshes. */
    MachineSnapshot pauseAndSettle() {
        session.pause().join();
        Workbench.await("a snapshot of the paused guest", 10_000, () -> session.state() == RunState.PAUSED
                && session.snapshot() != null && session.snapshot().instructions() == instructions());
        Workbench.spin(400); // two refresh periods for the views
        return session.snapshot();
    }

    /**
     * Pauses the guest at a moment where {@code wanted} holds for the paused machine, resuming it for a
     * moment between tries: a pause can land right after an address-space switch, when the shadow maps
     * nothing yet and the pool's tables were just flushed.
     */
    MachineSnapshot pauseWhere(String what, Predicate<MachineSnapshot> wanted) {
        for (int attempt = 0; attempt < 20; attempt++) {
            MachineSnapshot snapshot = pauseAndSettle();
            if (wanted.test(snapshot)) {
                return snapshot;
            }
            session.resume();
            Workbench.spin(150);
        }
        throw new AssertionError("the guest never paused where " + what);
    }
}
