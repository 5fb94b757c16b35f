package org.shadowbench.debug.ui.tests;

import java.util.List;

import org.eclipse.debug.core.DebugException;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunch;
import org.shadowbench.ui.testing.Workbench;

/** Ending the launches a test started, so that the next test starts from a workbench without them. */
final class Launches {
    private Launches() {
    }

    /** Terminates the launches, waits until they have ended, and removes them from the launch manager. */
    static void end(List<ILaunch> launches, long timeoutMillis) throws DebugException {
        for (ILaunch launch : launches) {
            if (!launch.isTerminated()) {
                launch.terminate();
            }
        }
        Workbench.await("the launches to end", timeoutMillis, () -> launches.stream().allMatch(ILaunch::isTerminated));
        for (ILaunch launch : launches) {
            DebugPlugin.getDefault().getLaunchManager().removeLaunch(launch);
        }
    }
}
