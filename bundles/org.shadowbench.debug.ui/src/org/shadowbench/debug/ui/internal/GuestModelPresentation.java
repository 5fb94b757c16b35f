package org.shadowbench.debug.ui.internal;

import java.util.Locale;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.DebugException;
import org.eclipse.debug.core.model.IStackFrame;
import org.eclipse.debug.core.model.IThread;
import org.eclipse.debug.core.model.IValue;
import org.eclipse.debug.ui.IDebugModelPresentation;
import org.eclipse.debug.ui.IValueDetailListener;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.swt.graphics.Image;
import org.eclipse.ui.IEditorInput;
import org.shadowbench.debug.GuestTarget;
import org.shadowbench.debug.LinearBreakpoint;
import org.shadowbench.debug.PhysicalWatchpoint;

/**
 * Labels of the Shadowbench debug model in the Debug, Breakpoints and Registers views: the guest
 * and its state, the CPU with why it stopped (a watchpoint's access included), frames as addresses,
 * breakpoints by address. Images are the platform's defaults; there are no source editors (the frames
 * have no source).
 */
public final class GuestModelPresentation extends LabelProvider implements IDebugModelPresentation {
    @Override
    public void setAttribute(String attribute, Object value) {
        // no display options
    }

    @Override
    public Image getImage(Object element) {
        return null;
    }

    @Override
    public String getText(Object element) {
        try {
            if (element instanceof GuestTarget target) {
                return target.getName() + " [" + state(target) + "]";
            }
            if (element instanceof IThread thread && thread.getDebugTarget() instanceof GuestTarget target) {
                return threadLabel(thread, target);
            }
            if (element instanceof IStackFrame frame) {
                return frame.getName();
            }
            if (element instanceof LinearBreakpoint breakpoint) {
                return linearLabel(breakpoint);
            }
            if (element instanceof PhysicalWatchpoint watchpoint) {
                return watchpointLabel(watchpoint);
            }
        } catch (CoreException e) {
            return element + " <" + e.getMessage() + ">";
        }
        return null;
    }

    private static String state(GuestTarget target) {
        if (target.isTerminated()) {
            return "terminated";
        }
        return target.isSuspended() ? "suspended" : "running";
    }

    /** "CPU 0 (Running)", or "CPU 0 (Suspended: why)" with the breakpoint, step or watchpoint access. */
    static String threadLabel(IThread thread, GuestTarget target) {
        if (thread.isTerminated()) {
            return "CPU 0 (Terminated)";
        }
        if (!thread.isSuspended()) {
            return thread.isStepping() ? "CPU 0 (Stepping)" : "CPU 0 (Running)";
        }
        String why = target.suspensionDetail();
        return "CPU 0 (Suspended" + (why == null ? "" : ": " + why) + ")";
    }

    static String linearLabel(LinearBreakpoint breakpoint) {
        Integer address = breakpoint.linearAddress();
        return address == null ? "Linear breakpoint (no address)"
                : String.format(Locale.ROOT, "Linear breakpoint at %#010x", address & 0xffff_ffffL);
    }

    static String watchpointLabel(PhysicalWatchpoint watchpoint) throws CoreException {
        Long address = watchpoint.physicalAddress();
        String access = watchpoint.isAccess() && watchpoint.isModification() ? "read, write"
                : watchpoint.isAccess() ? "read" : "write";
        return address == null ? "Physical watchpoint (no address)"
                : String.format(Locale.ROOT, "Physical watchpoint at %#x, %d byte%s (%s)", address, watchpoint.length(),
                        watchpoint.length() == 1 ? "" : "s", access);
    }

    @Override
    public void computeDetail(IValue value, IValueDetailListener listener) {
        String detail;
        try {
            detail = value.getValueString();
        } catch (DebugException e) {
            detail = e.getMessage();
        }
        listener.detailComputed(value, detail);
    }

    @Override
    public IEditorInput getEditorInput(Object element) {
        return null;
    }

    @Override
    public String getEditorId(IEditorInput input, Object element) {
        return null;
    }
}
