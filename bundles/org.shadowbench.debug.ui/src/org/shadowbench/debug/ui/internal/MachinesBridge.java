package org.shadowbench.debug.ui.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.core.ILaunchesListener2;
import org.eclipse.debug.core.model.IDebugTarget;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.shadowbench.debug.GuestTarget;
import org.shadowbench.ui.MachineSession;
import org.shadowbench.ui.MachineSessions;
import org.shadowbench.ui.MachineSpec;

/**
 * Shows the machine of every "Shadowbench Guest" launch in the Machines view: when a launch gains a
 * {@link GuestTarget}, its machine is adopted by the workbench's {@link MachineSessions} with a
 * {@link TargetControl}, so the view's actions drive the debug target; when the launch terminates or
 * goes, the session goes too. Neither the debug model nor the views know about each other: this bundle
 * sits above both.
 */
public final class MachinesBridge implements ILaunchesListener2 {
    private final BundleContext context;
    private final Map<GuestTarget, MachineSession> adopted = new ConcurrentHashMap<>();

    MachinesBridge(BundleContext context) {
        this.context = context;
    }

    void start() {
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        manager.addLaunchListener(this);
        launchesChanged(manager.getLaunches());
    }

    void stop() {
        DebugPlugin plugin = DebugPlugin.getDefault();
        if (plugin != null) {
            plugin.getLaunchManager().removeLaunchListener(this);
        }
        adopted.clear();
    }

    /** The Machines view's session of a target, or {@code null} when it has none (yet, or any more). */
    public MachineSession sessionOf(GuestTarget target) {
        return adopted.get(target);
    }

    @Override
    public void launchesAdded(ILaunch[] launches) {
        launchesChanged(launches);
    }

    @Override
    public void launchesChanged(ILaunch[] launches) {
        for (ILaunch launch : launches) {
            for (IDebugTarget target : launch.getDebugTargets()) {
                if (target instanceof GuestTarget guest && !guest.isTerminated() && !adopted.containsKey(guest)) {
                    adopt(launch, guest);
                }
            }
        }
    }

    @Override
    public void launchesTerminated(ILaunch[] launches) {
        release(launches);
    }

    @Override
    public void launchesRemoved(ILaunch[] launches) {
        release(launches);
    }

    private void adopt(ILaunch launch, GuestTarget target) {
        ServiceReference<MachineSessions> reference = context.getServiceReference(MachineSessions.class);
        MachineSessions sessions = reference == null ? null : context.getService(reference);
        if (sessions == null) {
            DebugUiActivator.log().warn("no Shadowbench machine registry: " + target.guestFile()
                    + " is not shown in the Machines view");
            return;
        }
        try {
            ILaunchConfiguration configuration = launch.getLaunchConfiguration();
            String name = configuration != null ? configuration.getName() : target.guestFile().getFileName().toString();
            MachineSpec spec = new MachineSpec(name, target.guestFile(), null, target.ramSize(), target.commandLine());
            synchronized (adopted) {
                if (adopted.containsKey(target) || target.isTerminated()) {
                    return;
                }
                adopted.put(target, sessions.adopt(spec, target.machine(), target.pc(), new TargetControl(target)));
            }
        } finally {
            context.ungetService(reference);
        }
    }

    private void release(ILaunch[] launches) {
        for (ILaunch launch : launches) {
            for (IDebugTarget target : launch.getDebugTargets()) {
                MachineSession session = target instanceof GuestTarget guest ? adopted.remove(guest) : null;
                if (session != null) {
                    session.terminate();
                }
            }
        }
    }
}
