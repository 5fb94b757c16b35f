package org.shadowbench.ui.internal;

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
final class SessionFollower implements ISelectionListener, MachineSession.Listener, MachineSessions.Listener {
    private final IWorkbenchPage page;
    private final Display display;
    private final Consumer<MachineSession> onChange;
    private final UiThrottle throttle;
    private MachineSession current;
    private boolean disposed;

    /** @param onChange called on the UI thread with the followed session (or null) after a change */
    SessionFollower(IWorkbenchPage page, Display display, Consumer<MachineSession> onChange) {
        this.page = page;
        this.display = display;
        this.onChange = onChange;
        this.throttle = new UiThrottle(display, MachineSession.REFRESH_MILLIS, () -> {
            if (!disposed) {
                onChange.accept(current);
            }
        });
        page.addPostSelectionListener(MachinesView.ID, this);
        UiActivator.sessions().addListener(this);
        follow(fromSelection(page.getSelection(MachinesView.ID)));
    }

    MachineSession current() {
        return current;
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
        page.removePostSelectionListener(MachinesView.ID, this);
        UiActivator.sessions().removeListener(this);
        if (current != null) {
            current.removeListener(this);
        }
    }
}
