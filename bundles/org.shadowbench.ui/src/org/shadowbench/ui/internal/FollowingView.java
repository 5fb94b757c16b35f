package org.shadowbench.ui.internal;

import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.part.ViewPart;
import org.shadowbench.ui.MachineSession;

/**
 * A view that shows the machine selected in the Machines view (or the newest one): it starts following
 * once its controls exist, is shown each new snapshot of that machine on the UI thread, throttled, and
 * stops following when it closes.
 */
abstract class FollowingView extends ViewPart {
    private SessionFollower follower;

    /** Starts following machines; call last in {@code createPartControl}, when the controls exist. */
    protected final void follow(Composite parent) {
        follower = new SessionFollower(this, parent.getDisplay(), this::show);
    }

    /** Shows the followed machine's latest state, or that there is none ({@code session} null). UI thread. */
    protected abstract void show(MachineSession session);

    /** The machine followed now, or null. */
    protected final MachineSession followed() {
        return follower == null ? null : follower.current();
    }

    @Override
    public void dispose() {
        if (follower != null) {
            follower.dispose();
        }
        super.dispose();
    }
}
