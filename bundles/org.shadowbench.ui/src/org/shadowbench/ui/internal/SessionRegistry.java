package org.shadowbench.ui.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.eclipse.core.runtime.preferences.InstanceScope;
import org.osgi.framework.BundleContext;
import org.shadowbench.devices.ide.IdeController;
import org.shadowbench.guests.GuestSuite;
import org.shadowbench.machine.GuestLoadException;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.pc.StandardPc;
import org.shadowbench.ui.MachineControl;
import org.shadowbench.ui.MachineDefaults;
import org.shadowbench.ui.MachineSession;
import org.shadowbench.ui.MachineSessions;
import org.shadowbench.ui.MachineSpec;

/**
 * The workbench's machines. One daemon thread refreshes them all every
 * {@link MachineDefaults#refreshMillis()} ms (by default {@link MachineSession#REFRESH_MILLIS}); it is also the executor on which snapshots and control
 * results are delivered, so listeners see one thread.
 */
public final class SessionRegistry implements MachineSessions {
    private final BundleContext context;
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService refresh = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "shadowbench-ui-refresh");
        thread.setDaemon(true);
        return thread;
    });
    private int launched;
    private ScheduledFuture<?> ticking;
    private int refreshMillis;

    SessionRegistry(BundleContext context) {
        this.context = context;
        reschedule();
        InstanceScope.INSTANCE.getNode(MachineDefaults.NODE).addPreferenceChangeListener(refreshPreference);
    }

    /** The refresh period follows the preference while the workbench runs. */
    private final IEclipsePreferences.IPreferenceChangeListener refreshPreference = event -> {
        if (MachineDefaults.REFRESH_MILLIS.equals(event.getKey())) {
            reschedule();
        }
    };

    private synchronized void reschedule() {
        if (ticking != null) {
            ticking.cancel(false);
        }
        refreshMillis = MachineDefaults.refreshMillis();
        ticking = refresh.scheduleWithFixedDelay(() -> sessions.forEach(Session::tick), refreshMillis, refreshMillis,
                TimeUnit.MILLISECONDS);
    }

    /** The period the sessions refresh at now, in ms. */
    public synchronized int refreshMillis() {
        return refreshMillis;
    }

    @Override
    public List<MachineSession> sessions() {
        return List.copyOf(sessions);
    }

    @Override
    public MachineSession launch(MachineSpec spec) throws IOException, GuestLoadException {
        byte[] image = spec.guestFile() != null ? Files.readAllBytes(spec.guestFile()) : GuestSuite.image(spec.bundled());
        String name;
        synchronized (this) {
            name = spec.name() + " #" + ++launched;
        }
        SerialConsole console = new SerialConsole(name);
        MachineConfiguration configuration = MachineDefaults.configuration(spec.ramSize());
        // A pool size in the spec (the views benchmark's, say) wins over the preference.
        Machine machine = new Machine(spec.poolPages() == 0 ? configuration : configuration.withPoolPages(spec.poolPages()));
        // COM1 talks to this session's console, not to the process's standard streams.
        StandardPc pc = StandardPc.attach(machine, console.com1().guestInput(), console.com1().guestOutput(), new IdeController());
        try {
            machine.loadMultiboot(image, spec.commandLine(), List.of());
        } catch (GuestLoadException | RuntimeException e) {
            machine.close();
            console.close();
            throw e;
        }
        machine.start();
        Session[] self = new Session[1];
        Session session = new Session(spec, name, machine, pc, console, refresh, () -> removed(self[0]));
        self[0] = session;
        sessions.add(session);
        session.registration = context.registerService(MachineSession.class, session, session.serviceProperties());
        fire();
        return session;
    }

    @Override
    public MachineSession adopt(MachineSpec spec, Machine machine, StandardPc pc, MachineControl control) {
        String name;
        synchronized (this) {
            name = spec.name() + " #" + ++launched;
        }
        Session[] self = new Session[1];
        Session session = new Session(spec, name, machine, pc, control, refresh, () -> removed(self[0]));
        self[0] = session;
        sessions.add(session);
        session.registration = context.registerService(MachineSession.class, session, session.serviceProperties());
        fire();
        return session;
    }

    private void removed(Session session) {
        if (sessions.remove(session)) {
            try {
                session.registration.unregister();
            } catch (IllegalStateException e) {
                // the bundle is stopping and took its services along
            }
            fire();
        }
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    private void fire() {
        for (Listener listener : listeners) {
            listener.sessionsChanged();
        }
    }

    /** Terminates every machine and the refresh thread (bundle stop). */
    void shutdown() {
        InstanceScope.INSTANCE.getNode(MachineDefaults.NODE).removePreferenceChangeListener(refreshPreference);
        for (Session session : sessions) {
            session.terminate();
        }
        refresh.shutdown();
        try {
            refresh.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
