package org.shadowbench.ui.internal;

import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.part.ViewPart;
import org.shadowbench.ui.MachineSession;

/**
 * A view that shows the machine selected in the Machines view (or the newest one): it starts following
 * once its controls exist, is shown each new snapshot of that machine on the UI thread, throttled, and
 * stops following when it closes. When the followed machine changes, the view is told first
 * ({@link #followedChanged}), so that nothing it kept of one machine is carried to another.
 */
abstract class FollowingView extends ViewPart {
    private SessionFollower follower;
    /** The machine last handed to {@link #show}, or null. */
    private MachineSession shown;

    /** Starts following machines; call last in {@code createPartControl}, when the controls exist. */
    protected final void follow(Composite parent) {
        follower = new SessionFollower(this, parent.getDisplay(), this::update);
    }

    private void update(MachineSession session) {
        if (session != shown) {
            shown = session;
            followedChanged(session);
        }
        show(session);
    }

    /**
     * Called on the UI thread when the view follows another machine (or none, {@code session} null),
     * before {@link #show} is given that machine's first snapshot: forget everything kept of the
     * machine followed before (what changed between its snapshots, events read from it, answers it
     * gave). Not called for the first show when there is no machine at all.
     */
    protected void followedChanged(MachineSession session) {
    }

    /** Shows the followed machine's latest state, or that there is none ({@code session} null). UI thread. */
    protected abstract void show(MachineSession session);

    /** The machine followed now (the one {@link #show} was last given), or null. */
    protected final MachineSession followed() {
        return shown;
    }

    @Override
    public void dispose() {
        if (follower != null) {
            follower.dispose();
        }
        super.dispose();
    }
}
