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
import org.eclipse.debug.core.model.IWatchpoint;

/**
 * A watchpoint on guest-physical memory: the guest is suspended after an instruction (or a device)
 * reads ({@linkplain #isAccess() access}) or writes ({@linkplain #isModification() modification}) a byte
 * of [address, address + length). A debug target installs it as an overlay handler of the type
 * "debugger watch" in the machine's physical handler registry, so it works on any RAM, ROM or MMIO
 * page, including guest page tables the shadow pool monitors, and it shows in every handler list with
 * its hit counts. Kept as a marker of the type {@value #MARKER_TYPE}, persisted by the breakpoint
 * manager like any other breakpoint.
 */
public final class PhysicalWatchpoint extends Breakpoint implements IWatchpoint {
    /** The marker type behind these watchpoints. */
    public static final String MARKER_TYPE = "org.shadowbench.debug.physicalWatchpointMarker";
    /** The marker attribute holding the guest-physical address (a String, hexadecimal with 0x). */
    public static final String ADDRESS = "org.shadowbench.debug.physicalAddress";
    /** The marker attribute holding the length in bytes (an int, at least 1). */
    public static final String LENGTH = "org.shadowbench.debug.length";
    /** The marker attribute saying whether reads stop the guest (a boolean). */
    public static final String ACCESS = "org.shadowbench.debug.access";
    /** The marker attribute saying whether writes stop the guest (a boolean). */
    public static final String MODIFICATION = "org.shadowbench.debug.modification";

    /** For the breakpoint manager, which restores breakpoints from their markers. */
    public PhysicalWatchpoint() {
    }

    private PhysicalWatchpoint(IResource resource, long address, int length, boolean access, boolean modification)
            throws CoreException {
        IWorkspaceRunnable body = monitor -> {
            IMarker marker = resource.createMarker(MARKER_TYPE);
            setMarker(marker);
            marker.setAttribute(IBreakpoint.ENABLED, Boolean.TRUE);
            marker.setAttribute(IBreakpoint.ID, getModelIdentifier());
            marker.setAttribute(ADDRESS, String.format(Locale.ROOT, "%#x", address));
            marker.setAttribute(LENGTH, length);
            marker.setAttribute(ACCESS, access);
            marker.setAttribute(MODIFICATION, modification);
            marker.setAttribute(IMarker.MESSAGE, String.format(Locale.ROOT, "Physical watchpoint [%s%s] at %#x, %d bytes",
                    access ? "R" : "", modification ? "W" : "", address, length));
        };
        run(getMarkerRule(resource), body);
    }

    /**
     * Creates a watchpoint on the workspace root and adds it to the breakpoint manager, which gives it to
     * every Shadowbench debug target.
     *
     * @param address      first guest-physical byte
     * @param length       bytes watched, at least 1; the range must lie inside one RAM range of the machine
     * @param access       whether reads stop the guest
     * @param modification whether writes stop the guest
     */
    public static PhysicalWatchpoint create(long address, int length, boolean access, boolean modification)
            throws CoreException {
        return create(ResourcesPlugin.getWorkspace().getRoot(), address, length, access, modification);
    }

    /** Creates a watchpoint whose marker lives on {@code resource} and registers it. */
    public static PhysicalWatchpoint create(IResource resource, long address, int length, boolean access,
            boolean modification) throws CoreException {
        if (address < 0 || length < 1) {
            throw new IllegalArgumentException("a watchpoint needs an address and at least one byte: " + address + ", " + length);
        }
        PhysicalWatchpoint watchpoint = new PhysicalWatchpoint(resource, address, length, access, modification);
        DebugPlugin.getDefault().getBreakpointManager().addBreakpoint(watchpoint);
        return watchpoint;
    }

    @Override
    public String getModelIdentifier() {
        return ShadowbenchDebug.MODEL_ID;
    }

    /** The first guest-physical byte, or {@code null} when the marker is gone or has none. */
    public Long physicalAddress() {
        IMarker marker = getMarker();
        if (marker == null || !marker.exists()) {
            return null;
        }
        try {
            return marker.getAttribute(ADDRESS) instanceof String text ? Long.decode(text) : null;
        } catch (CoreException | NumberFormatException e) {
            return null;
        }
    }

    /** Bytes watched (0 when the marker is gone). */
    public int length() {
        IMarker marker = getMarker();
        return marker == null || !marker.exists() ? 0 : marker.getAttribute(LENGTH, 0);
    }

    @Override
    public boolean isAccess() throws CoreException {
        return ensureMarker().getAttribute(ACCESS, false);
    }

    @Override
    public void setAccess(boolean access) throws CoreException {
        setAttribute(ACCESS, access);
    }

    @Override
    public boolean isModification() throws CoreException {
        return ensureMarker().getAttribute(MODIFICATION, true);
    }

    @Override
    public void setModification(boolean modification) throws CoreException {
        setAttribute(MODIFICATION, modification);
    }

    @Override
    public boolean supportsAccess() {
        return true;
    }

    @Override
    public boolean supportsModification() {
        return true;
    }
}
