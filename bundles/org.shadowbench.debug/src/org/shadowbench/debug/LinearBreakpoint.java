package org.shadowbench.debug;

import java.util.Locale;

import org.eclipse.core.resources.IMarker;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.IWorkspaceRunnable;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.model.Breakpoint;
import org.eclipse.debug.core.model.IBreakpoint;

/**
 * A breakpoint on a guest linear address: the CPU stops before executing the instruction that starts
 * there, whatever the page tables map it to. It is kept as a marker of the type
 * {@value #MARKER_TYPE} (on the workspace root unless another resource is given), so the breakpoint
 * manager persists and restores it like any other.
 */
public final class LinearBreakpoint extends Breakpoint {
    /** The marker type behind these breakpoints. */
    public static final String MARKER_TYPE = "org.shadowbench.debug.linearBreakpointMarker";
    /** The marker attribute holding the linear address (an int, the address's 32 bits). */
    public static final String ADDRESS = "org.shadowbench.debug.linearAddress";

    /** For the breakpoint manager, which restores breakpoints from their markers. */
    public LinearBreakpoint() {
    }

    private LinearBreakpoint(IResource resource, int linearAddress) throws CoreException {
        IWorkspaceRunnable body = monitor -> {
            IMarker marker = resource.createMarker(MARKER_TYPE);
            setMarker(marker);
            marker.setAttribute(IBreakpoint.ENABLED, Boolean.TRUE);
            marker.setAttribute(IBreakpoint.ID, getModelIdentifier());
            marker.setAttribute(ADDRESS, linearAddress);
            marker.setAttribute(IMarker.MESSAGE, String.format(Locale.ROOT, "Linear breakpoint at %#010x",
                    linearAddress & 0xffff_ffffL));
        };
        run(getMarkerRule(resource), body);
    }

    /**
     * Creates a breakpoint at a linear address on the workspace root and adds it to the breakpoint
     * manager, which gives it to every Shadowbench debug target.
     */
    public static LinearBreakpoint create(int linearAddress) throws CoreException {
        return create(ResourcesPlugin.getWorkspace().getRoot(), linearAddress);
    }

    /** Creates a breakpoint whose marker lives on {@code resource} and registers it. */
    public static LinearBreakpoint create(IResource resource, int linearAddress) throws CoreException {
        LinearBreakpoint breakpoint = new LinearBreakpoint(resource, linearAddress);
        DebugPlugin.getDefault().getBreakpointManager().addBreakpoint(breakpoint);
        return breakpoint;
    }

    @Override
    public String getModelIdentifier() {
        return ShadowbenchDebug.MODEL_ID;
    }

    /** The linear address, or {@code null} when the marker is gone or has none. */
    public Integer linearAddress() {
        IMarker marker = getMarker();
        if (marker == null || !marker.exists()) {
            return null;
        }
        try {
            return marker.getAttribute(ADDRESS) instanceof Integer address ? address : null;
        } catch (CoreException e) {
            return null;
        }
    }
}
