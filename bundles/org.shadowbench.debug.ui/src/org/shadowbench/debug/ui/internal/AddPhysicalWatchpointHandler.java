package org.shadowbench.debug.ui.internal;

import org.eclipse.core.commands.AbstractHandler;
import org.eclipse.core.commands.ExecutionEvent;
import org.eclipse.core.commands.ExecutionException;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.jface.window.Window;
import org.eclipse.ui.handlers.HandlerUtil;
import org.shadowbench.debug.PhysicalWatchpoint;

/** "Add Physical Watchpoint...": asks for the watched bytes and adds the watchpoint. */
public final class AddPhysicalWatchpointHandler extends AbstractHandler {
    @Override
    public Object execute(ExecutionEvent event) throws ExecutionException {
        WatchpointDialog dialog = new WatchpointDialog(HandlerUtil.getActiveShell(event));
        if (dialog.open() != Window.OK) {
            return null;
        }
        try {
            PhysicalWatchpoint.create(dialog.address(), dialog.length(), dialog.reads(), dialog.writes());
        } catch (CoreException e) {
            throw new ExecutionException("cannot add the watchpoint: " + e.getMessage(), e);
        }
        return null;
    }
}
