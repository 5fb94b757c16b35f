package org.shadowbench.debug.ui.internal;

import org.eclipse.core.commands.AbstractHandler;
import org.eclipse.core.commands.ExecutionEvent;
import org.eclipse.core.commands.ExecutionException;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.jface.dialogs.InputDialog;
import org.eclipse.jface.window.Window;
import org.eclipse.ui.handlers.HandlerUtil;
import org.shadowbench.debug.LinearBreakpoint;

/** "Add Linear Breakpoint...": asks for a guest-linear address and adds the breakpoint there. */
public final class AddLinearBreakpointHandler extends AbstractHandler {
    /** The dialog's title (tests find the dialog by it). */
    public static final String TITLE = "Add Linear Breakpoint";

    @Override
    public Object execute(ExecutionEvent event) throws ExecutionException {
        InputDialog dialog = new InputDialog(HandlerUtil.getActiveShell(event), TITLE,
                "Guest-linear address (CS base + EIP) in hexadecimal; the CPU stops before the instruction there:",
                "", text -> AddressParser.problem(text, AddressParser.LINEAR_LIMIT));
        if (dialog.open() != Window.OK) {
            return null;
        }
        long address = AddressParser.parse(dialog.getValue(), AddressParser.LINEAR_LIMIT);
        try {
            LinearBreakpoint.create((int) address);
        } catch (CoreException e) {
            throw new ExecutionException("cannot add the breakpoint: " + e.getMessage(), e);
        }
        return null;
    }
}
