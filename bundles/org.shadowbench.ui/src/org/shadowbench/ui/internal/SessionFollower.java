package org.shadowbench.ui.internal;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;

import org.eclipse.jface.viewers.ISelection;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.ISelectionListener;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchPart;
import org.shadowbench.ui.MachineSession;
import org.shadowbench.ui.MachineSessions;

/**
 * Lets a view follow the machine selected in the Machines view (or, while nothing is selected
 * there, the newest machine), and calls it on the UI thread, throttled, whenever that machine has
 * a new snapshot.
 */
public final class SessionFollower implements ISelectionListener, MachineSession.Listener, MachineSessions.Listener {
    /** The follower of each open view, for refreshing one on demand (UI thread only). */
    private static final Map<IWorkbenchPart, SessionFollower> BY_PART = new WeakHashMap<>();
    /** While set, snapshots no longer refresh the views by themselves (UI thread only). */
    private static boolean held;

    private final IWorkbenchPart part;
    private final IWorkbenchPage page;
    private final Display display;
    private final Consumer<MachineSession> onChange;
    private final UiThrottle throttle;
    private MachineSession current;
    private boolean disposed;

    /**
     * @param part     the view that follows
     * @param onChange called on the UI thread with the followed session (or null) after a change
     */
    SessionFollower(IWorkbenchPart part, Display display, Consumer<MachineSession> onChange) {
        this.part = part;
        this.page = part.getSite().getPage();
        this.display = display;
        this.onChange = onChange;
        this.throttle = new UiThrottle(display, MachineSession.REFRESH_MILLIS, () -> {
            if (!disposed && !held) {
                onChange.accept(current);
            }
        });
        page.addPostSelectionListener(MachinesView.ID, this);
        UiActivator.sessions().addListener(this);
        follow(fromSelection(page.getSelection(MachinesView.ID)));
        BY_PART.put(part, this);
    }

    /**
     * Stops or restarts the views' own refreshes, so that {@link #refreshNow} finds a view one snapshot
     * behind and does a refresh's whole work. For the views benchmark only.
     */
    public static void holdRefreshes(boolean hold) {
        held = hold;
    }

    /**
     * Brings a view up to date with its machine's latest snapshot now, as its next scheduled refresh
     * would (UI thread). For the views benchmark, which times a refresh and the paint it causes.
     *
     * @return false when the part is not a view that follows machines
     */
    public static boolean refreshNow(IWorkbenchPart part) {
        SessionFollower follower = BY_PART.get(part);
        if (follower == null || follower.disposed) {
            return false;
        }
        follower.onChange.accept(follower.current);
        return true;
    }

    @Override
    public void selectionChanged(IWorkbenchPart part, ISelection selection) {
        MachineSession chosen = fromSelection(selection);
        if (chosen != null) {
            follow(chosen);
        }
    }

    private static MachineSession fromSelection(ISelection selection) {
        if (selection instanceof IStructuredSelection structured
                && structured.getFirstElement() instanceof MachineSession session) {
            return session;
        }
        return null;
    }

    private void follow(MachineSession session) {
        if (session == null) {
            var all = UiActivator.sessions().sessions();
            session = all.isEmpty() ? null : all.get(all.size() - 1);
        }
        if (session == current) {
            return;
        }
        if (current != null) {
            current.removeListener(this);
        }
        current = session;
        if (current != null) {
            current.addListener(this);
        }
        onChange.accept(current);
    }

    @Override
    public void changed(MachineSession session) {
        throttle.request();
    }

    @Override
    public void sessionsChanged() {
        display.asyncExec(() -> {
            if (disposed) {
                return;
            }
            if (current == null || !UiActivator.sessions().sessions().contains(current)) {
                MachineSession gone = current;
                if (gone != null) {
                    gone.removeListener(this);
                    current = null;
                }
                follow(null);
                if (current == null) {
                    onChange.accept(null);
                }
            }
        });
    }

    void dispose() {
        disposed = true;
        BY_PART.remove(part);
        page.removePostSelectionListener(MachinesView.ID, this);
        UiActivator.sessions().removeListener(this);
        if (current != null) {
            current.removeListener(this);
        }
    }
}
