package org.shadowbench.debug.ui.internal;

import org.eclipse.ui.IStartup;

/**
 * Loaded by the workbench at start-up only so that the bundle activates: its activator shows the
 * machines of debug launches in the Machines view, and a launch made without any of this bundle's UI
 * (from a test, a launch group or another plug-in) would otherwise not be seen.
 */
public final class EarlyStartup implements IStartup {
    @Override
    public void earlyStartup() {
        // The activation is the work.
    }
}
