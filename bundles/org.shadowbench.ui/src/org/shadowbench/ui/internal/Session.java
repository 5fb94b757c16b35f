package org.shadowbench.ui.internal;

import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.core.runtime.ILog;
import org.osgi.framework.ServiceRegistration;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.machine.RunResult;
import org.shadowbench.machine.RunState;
import org.shadowbench.pc.StandardPc;
import org.shadowbench.ui.MachineControl;
import org.shadowbench.ui.MachineSession;
import org.shadowbench.ui.MachineSpec;

/**
 * A machine in the workbench. The registry's refresh thread calls {@link #tick()}; snapshot
 * requests complete on the emulation thread, which only hands the result over to the refresh
 * executor, so the guest never waits for a listener.
 */
final class Session implements MachineSession {
    private final MachineSpec spec;
    private final String name;
    private final Machine machine;
    private final StandardPc pc;
    /** COM1's console, or {@code null} for an adopted machine (its owner keeps COM1). */
    private final SerialConsole console;
    /** Where control goes for an adopted machine, or {@code null} for one launched here. */
    private final MachineControl control;
    private final Executor refresh;
    private final Runnable onTerminated;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean snapshotInFlight = new AtomicBoolean();
    /** Set by control actions: one more snapshot is due even though the guest is not running. */
    private volatile boolean snapshotDue = true;
    private volatile MachineSnapshot latest;
    private volatile double mips;
    private volatile RunResult lastResult;
    private volatile boolean terminated;
    private RunState lastState;
    private long lastSnapshotNanos;
    ServiceRegistration<MachineSession> registration;

    Session(MachineSpec spec, String name, Machine machine, StandardPc pc, SerialConsole console, Executor refresh,
            Runnable onTerminated) {
        this(spec, name, machine, pc, console, null, refresh, onTerminated);
    }

    /** An adopted machine: control goes to its owner, who keeps COM1. */
    Session(MachineSpec spec, String name, Machine machine, StandardPc pc, MachineControl control, Executor refresh,
            Runnable onTerminated) {
        this(spec, name, machine, pc, null, control, refresh, onTerminated);
    }

    private Session(MachineSpec spec, String name, Machine machine, StandardPc pc, SerialConsole console,
            MachineControl control, Executor refresh, Runnable onTerminated) {
        this.spec = spec;
        this.name = name;
        this.machine = machine;
        this.pc = pc;
        this.console = console;
        this.control = control;
        this.refresh = refresh;
        this.onTerminated = onTerminated;
    }

    Hashtable<String, Object> serviceProperties() {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(NAME_PROPERTY, name);
        return properties;
    }

    /** COM1's console, or {@code null} for an adopted machine. */
    SerialConsole console() {
        return console;
    }

    /** Shows COM1: this session's console, or the owner's for an adopted machine. */
    void showConsole() {
        if (console != null) {
            console.show();
        } else {
            control.showConsole();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public MachineSpec spec() {
        return spec;
    }

    @Override
    public Machine machine() {
        return machine;
    }

    @Override
    public StandardPc pc() {
        return pc;
    }

    @Override
    public RunState state() {
        return terminated ? RunState.CLOSED : machine.state();
    }

    @Override
    public MachineSnapshot snapshot() {
        return latest;
    }

    @Override
    public double mips() {
        return state() == RunState.RUNNING ? mips : 0;
    }

    @Override
    public RunResult lastResult() {
        return lastResult;
    }

    @Override
    public CompletableFuture<RunResult> resume() {
        if (control != null) {
            return afterwards(control.resume().thenApply(done -> (RunResult) null));
        }
        return afterwards(machine.run(0, null).whenComplete((result, error) -> lastResult = result));
    }

    @Override
    public CompletableFuture<Void> pause() {
        if (control != null) {
            return afterwards(control.pause());
        }
        return afterwards(machine.pause());
    }

    @Override
    public CompletableFuture<RunResult> step() {
        if (control != null) {
            return afterwards(control.step().thenApply(done -> (RunResult) null));
        }
        return afterwards(machine.step(1).whenComplete((result, error) -> lastResult = result));
    }

    @Override
    public CompletableFuture<Void> reset() {
        if (control != null) {
            return afterwards(control.reset());
        }
        return afterwards(machine.reset());
    }

    @Override
    public CompletableFuture<Void> terminate() {
        // close() joins the emulation thread: never on the caller's (possibly the UI) thread.
        return CompletableFuture.runAsync(() -> {
            if (terminated) {
                return;
            }
            terminated = true;
            if (control != null) {
                control.terminate(); // the owner closes its machine
            } else {
                machine.close();
                console.close();
            }
            onTerminated.run();
            fire();
        }, refresh);
    }

    /** Takes the snapshot after an action ends, on the refresh thread. */
    private <T> CompletableFuture<T> afterwards(CompletableFuture<T> action) {
        snapshotDue = true;
        action.whenCompleteAsync((result, error) -> {
            snapshotDue = true;
            fire();
        }, refresh);
        return action;
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** One refresh period (refresh thread): console output, state change, snapshot while running. */
    void tick() {
        if (terminated) {
            return;
        }
        if (console != null) {
            console.drain();
        }
        RunState state = machine.state();
        if (state != lastState) {
            lastState = state;
            snapshotDue = true;
            fire();
        }
        if ((state == RunState.RUNNING || snapshotDue) && state != RunState.CLOSED
                && snapshotInFlight.compareAndSet(false, true)) {
            snapshotDue = false;
            machine.snapshot().whenCompleteAsync(this::arrived, refresh);
        }
    }

    private void arrived(MachineSnapshot snapshot, Throwable error) {
        snapshotInFlight.set(false);
        if (snapshot == null) {
            return; // the machine closed meanwhile
        }
        long now = System.nanoTime();
        MachineSnapshot previous = latest;
        if (previous != null && lastSnapshotNanos != 0 && now > lastSnapshotNanos) {
            mips = (snapshot.instructions() - previous.instructions()) * 1000.0 / (now - lastSnapshotNanos);
        }
        lastSnapshotNanos = now;
        latest = snapshot;
        fire();
    }

    private void fire() {
        for (Listener listener : listeners) {
            try {
                listener.changed(this);
            } catch (RuntimeException e) {
                // A broken view must not stop the refresh of the others.
                ILog.of(getClass()).error("listener of " + name + " failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
