package org.shadowbench.ui.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IToolBarManager;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.window.Window;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Table;
import org.eclipse.ui.part.ViewPart;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.machine.RunResult;
import org.shadowbench.machine.RunState;
import org.shadowbench.memory.ByteCount;
import org.shadowbench.ui.MachineSession;
import org.shadowbench.ui.MachineSessions;
import org.shadowbench.ui.MachineSpec;

/**
 * The workbench's machines with their state and speed, and the actions that launch and control
 * them. Its selection (a {@link MachineSession}) is what the other Shadowbench views show.
 */
public final class MachinesView extends ViewPart implements MachineSessions.Listener, MachineSession.Listener {
    public static final String ID = "org.shadowbench.ui.machines";
    /**
     * System property naming a guest to launch, paused, when the view first opens in a workbench
     * without machines: {@code bundled:demo} (the demo preset, {@link MachinePresets#DEMO}) or a multiboot file.
     */
    public static final String LAUNCH_PROPERTY = "shadowbench.launch";
    private static final AtomicBoolean LAUNCHED_AT_START = new AtomicBoolean();

    private TableViewer viewer;
    private ColumnFit columnFit;
    /** Each column's text, in column order, for fitting the widths to the rows. */
    private final List<Function<MachineSession, String>> columnTexts = new ArrayList<>();
    private UiThrottle throttle;
    private final Action newMachine = action("New Machine...", this::openNewMachineDialog);
    private final Action resume = control("Run", MachineSession::resume);
    private final Action pause = control("Pause", MachineSession::pause);
    private final Action step = control("Step", MachineSession::step);
    private final Action reset = control("Reset", MachineSession::reset);
    private final Action terminate = control("Terminate", MachineSession::terminate);
    private final Action console = action("Console", () -> {
        if (selected() instanceof Session session) {
            session.showConsole();
        }
    });

    @Override
    public void createPartControl(Composite parent) {
        PngExport.contribute(this, parent);
        viewer = new TableViewer(parent, SWT.SINGLE | SWT.FULL_SELECTION | SWT.BORDER);
        Table table = viewer.getTable();
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        column("Machine", 150, MachineSession::name);
        column("State", 80, session -> describe(session.state()));
        column("MIPS", 60, session -> session.state() == RunState.RUNNING
                ? String.format(Locale.ROOT, "%.1f", session.mips()) : "");
        column("Instructions", 110, session -> {
            MachineSnapshot snapshot = session.snapshot();
            return snapshot == null ? "" : String.format(Locale.ROOT, "%,d", snapshot.instructions());
        });
        column("RAM", 70, session -> ByteCount.format(session.spec().ramSize()));
        column("Guest", 180, session -> session.spec().guestLabel()
                + (session.spec().commandLine().isEmpty() ? "" : " " + session.spec().commandLine()));
        column("Last stop", 260, session -> {
            RunResult result = session.lastResult();
            return result == null ? "" : result.cause() + ": " + result.detail();
        });
        columnFit = new ColumnFit(table);
        viewer.setContentProvider(ArrayContentProvider.getInstance());
        viewer.addSelectionChangedListener(event -> updateActions());
        getSite().setSelectionProvider(viewer);
        throttle = new UiThrottle(parent.getDisplay(), MachineSession.REFRESH_MILLIS, this::refresh);
        IToolBarManager toolbar = getViewSite().getActionBars().getToolBarManager();
        for (Action action : List.of(newMachine, resume, pause, step, reset, terminate, console)) {
            toolbar.add(action);
        }
        UiActivator.sessions().addListener(this);
        refresh();
        launchAtStart();
    }

    /** The guest of {@value #LAUNCH_PROPERTY}, once per workbench and only when nothing runs yet. */
    private void launchAtStart() {
        String guest = System.getProperty(LAUNCH_PROPERTY, "").trim();
        if (guest.isEmpty() || !UiActivator.sessions().sessions().isEmpty() || !LAUNCHED_AT_START.compareAndSet(false, true)) {
            return;
        }
        launch(startSpec(guest), false);
    }

    /** What {@value #LAUNCH_PROPERTY} launches: the demo preset for the demo, else the guest in 64 MiB. */
    public static MachineSpec startSpec(String guest) {
        if (guest.equals(MachinePresets.guestText(MachinePresets.DEMO))) {
            return MachinePresets.DEMO;
        }
        return guest.startsWith(MachinePresets.BUNDLED_PREFIX)
                ? MachineSpec.bundledGuest(guest.substring(MachinePresets.BUNDLED_PREFIX.length()), MachinePresets.START_RAM, "")
                : MachineSpec.file(Path.of(guest), MachinePresets.START_RAM, "");
    }

    /** For tests and the dialog's job: the table. */
    public TableViewer viewer() {
        return viewer;
    }

    private void column(String title, int width, Function<MachineSession, String> text) {
        columnTexts.add(text);
        Tables.column(viewer, title, width, SWT.LEFT, text);
    }

    static String describe(RunState state) {
        return state.name().charAt(0) + state.name().substring(1).toLowerCase(Locale.ROOT);
    }

    private static Action action(String text, Runnable run) {
        return new Action(text) {
            @Override
            public void run() {
                run.run();
            }
        };
    }

    private Action control(String text, Function<MachineSession, ?> command) {
        return action(text, () -> {
            MachineSession session = selected();
            if (session != null) {
                command.apply(session);
                throttle.request();
            }
        });
    }

    private MachineSession selected() {
        if (viewer == null || viewer.getControl().isDisposed()) {
            return null;
        }
        return ((IStructuredSelection) viewer.getSelection()).getFirstElement() instanceof MachineSession session
                ? session : null;
    }

    private void updateActions() {
        MachineSession session = selected();
        RunState state = session == null ? RunState.CLOSED : session.state();
        resume.setEnabled(state == RunState.PAUSED);
        pause.setEnabled(state == RunState.RUNNING);
        step.setEnabled(state == RunState.PAUSED);
        reset.setEnabled(state != RunState.CLOSED);
        terminate.setEnabled(state != RunState.CLOSED);
        console.setEnabled(session != null);
    }

    private void refresh() {
        if (viewer == null || viewer.getControl().isDisposed()) {
            return;
        }
        List<MachineSession> sessions = UiActivator.sessions().sessions();
        for (MachineSession session : sessions) {
            session.removeListener(this); // listeners are a list: avoid doubles
            session.addListener(this);
        }
        if (!sessions.equals(viewer.getInput())) {
            viewer.setInput(sessions);
        } else {
            viewer.refresh(true);
        }
        columnFit.fit(sessions, columnTexts);
        // Machines launched elsewhere (tests, other bundles) get selected so the actions apply to them.
        if (viewer.getSelection().isEmpty() && !sessions.isEmpty()) {
            viewer.setSelection(new StructuredSelection(sessions.get(sessions.size() - 1)));
        }
        updateActions();
    }

    @Override
    public void sessionsChanged() {
        throttle.request();
    }

    @Override
    public void changed(MachineSession session) {
        throttle.request();
    }

    private void openNewMachineDialog() {
        NewMachineDialog dialog = new NewMachineDialog(getSite().getShell());
        if (dialog.open() == Window.OK) {
            launch(dialog.spec(), dialog.runAtOnce());
        }
    }

    /** Launches a machine in a job, then selects it, shows its console and, if asked, runs it. */
    void launch(MachineSpec spec, boolean run) {
        Display display = viewer.getControl().getDisplay();
        Job job = Job.create("Launching " + spec.name(), monitor -> {
            monitor.beginTask("Loading " + spec.guestLabel(), org.eclipse.core.runtime.IProgressMonitor.UNKNOWN);
            try {
                MachineSession session = UiActivator.sessions().launch(spec);
                if (run) {
                    session.resume();
                }
                display.asyncExec(() -> {
                    refresh();
                    if (!viewer.getControl().isDisposed()) {
                        viewer.setSelection(new StructuredSelection(session), true);
                    }
                    if (session instanceof Session own) {
                        own.console().show();
                    }
                });
                return Status.OK_STATUS;
            } catch (Exception e) {
                return Status.error("Cannot launch " + spec.guestLabel() + ": " + e.getMessage(), e);
            }
        });
        job.setUser(true);
        job.schedule();
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }

    @Override
    public void dispose() {
        UiActivator.sessions().removeListener(this);
        for (MachineSession session : UiActivator.sessions().sessions()) {
            session.removeListener(this);
        }
        super.dispose();
    }
}
