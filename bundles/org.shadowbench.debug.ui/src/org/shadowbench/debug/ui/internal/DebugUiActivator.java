package org.shadowbench.debug.ui.internal;

import org.eclipse.core.runtime.ILog;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** Connects debug launches to the Machines view while the bundle is active. */
public final class DebugUiActivator implements BundleActivator {
    /** The bundle's symbolic name. */
    public static final String BUNDLE = "org.shadowbench.debug.ui";
    private static volatile MachinesBridge bridge;

    @Override
    public void start(BundleContext context) {
        MachinesBridge started = new MachinesBridge(context);
        bridge = started;
        started.start();
    }

    @Override
    public void stop(BundleContext context) {
        MachinesBridge stopping = bridge;
        bridge = null;
        if (stopping != null) {
            stopping.stop();
        }
    }

    /** The bridge of the active bundle. */
    public static MachinesBridge bridge() {
        MachinesBridge current = bridge;
        if (current == null) {
            throw new IllegalStateException(BUNDLE + " is not active");
        }
        return current;
    }

    static ILog log() {
        return ILog.of(DebugUiActivator.class);
    }
}
