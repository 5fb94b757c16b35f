package org.shadowbench.debug.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.eclipse.core.resources.IMarkerDelta;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.debug.core.DebugEvent;
import org.eclipse.debug.core.DebugException;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.IBreakpointListener;
import org.eclipse.debug.core.IBreakpointManager;
import org.eclipse.debug.core.IBreakpointManagerListener;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.model.DebugElement;
import org.eclipse.debug.core.model.IBreakpoint;
import org.eclipse.debug.core.model.IDebugTarget;
import org.eclipse.debug.core.model.IMemoryBlock;
import org.eclipse.debug.core.model.IMemoryBlockExtension;
import org.eclipse.debug.core.model.IMemoryBlockRetrievalExtension;
import org.eclipse.debug.core.model.IProcess;
import org.eclipse.debug.core.model.IThread;
import org.shadowbench.debug.GuestTarget;
import org.shadowbench.debug.LinearBreakpoint;
import org.shadowbench.debug.PhysicalWatchpoint;
import org.shadowbench.debug.ShadowbenchDebug;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.RunResult;
import org.shadowbench.machine.StopCause;
import org.shadowbench.pc.StandardPc;

/**
 * A running guest as a debug target: the machine, its one virtual CPU as the thread, linear breakpoints
 * installed in the CPU, and memory blocks over guest-linear and guest-physical memory.
 *
 * <p>Threading: nothing here waits for the guest except memory block reads (which the platform's
 * renderings make off the UI thread, and which time out). Run control starts the machine's
 * asynchronous runs and steps; when one ends, the CPU's state is read by a request on the emulation
 * thread, kept as a {@link CpuState}, and only then is the suspend event fired, so that frames and
 * registers are ready when clients ask.
 */
public final class GuestDebugTarget extends DebugElement implements GuestTarget, IMemoryBlockRetrievalExtension,
        IBreakpointListener, IBreakpointManagerListener {
    /** How long a memory block read may wait for the emulation thread. */
    static final long READ_TIMEOUT_SECONDS = 10;

    private enum State {
        /** Created, not yet running or suspended. */
        STARTING,
        RUNNING,
        STEPPING,
        SUSPENDED,
        /** The guest stopped for good (shutdown, halt, internal error); it can be inspected, not run. */
        ENDED,
        TERMINATED
    }

    private final ILaunch launch;
    private final Machine machine;
    /** Suspensions so far (under the lock). */
    private long suspensions;
    private final StandardPc pc;
    private final SerialStreams serial;
    private final List<AutoCloseable> resources;
    private final String name;
    private final Path guestFile;
    private final String commandLine;
    private volatile GuestProcess process;
    private volatile Integer exitCode;
    private final boolean debug;
    private final CpuThread thread;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private final Object lock = new Object();
    // Guarded by lock.
    private State state = State.STARTING;
    private boolean suspendRequested;
    /** Linear addresses installed in the CPU, with how many breakpoints (user or temporary) want each. */
    private final Map<Integer, Integer> installedAddresses = new HashMap<>();
    /** The user breakpoints installed, with their addresses. */
    private final Map<IBreakpoint, Integer> installed = new HashMap<>();
    /** The physical watchpoints asked for (installed on the emulation thread, in request order). */
    private final java.util.Set<IBreakpoint> watching = new java.util.HashSet<>();
    private final Watches watches;
    /** Why a watchpoint could not be installed, by watchpoint. */
    private final Map<IBreakpoint, String> watchProblems = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile WatchHit watchHit;

    private volatile CpuState suspended;
    private volatile String detail;
    private volatile List<IBreakpoint> hit = List.of();
    private volatile String exitDetail;

    GuestDebugTarget(ILaunch launch, Machine machine, StandardPc pc, SerialStreams serial, List<AutoCloseable> resources,
            Path guestFile, String commandLine, boolean debug) {
        super(null);
        this.guestFile = guestFile;
        this.commandLine = commandLine;
        this.launch = launch;
        this.machine = machine;
        this.pc = pc;
        this.serial = serial;
        this.resources = List.copyOf(resources);
        this.name = "Shadowbench guest " + guestFile.getFileName();
        this.debug = debug;
        this.thread = new CpuThread(this);
        this.watches = new Watches(machine);
    }

    /** COM1 as the launch's process (added to the launch by the delegate). */
    GuestProcess createProcess() {
        process = new GuestProcess(launch, this, serial, "COM1 - " + guestFile.getFileName());
        return process;
    }

    /** Installs the breakpoints and starts the guest, or suspends it before its first instruction. */
    void start(boolean stopAtEntry) {
        fire(new DebugEvent(this, DebugEvent.CREATE), new DebugEvent(thread, DebugEvent.CREATE));
        if (process != null) {
            process.created();
        }
        if (debug) {
            IBreakpointManager manager = DebugPlugin.getDefault().getBreakpointManager();
            manager.addBreakpointListener((IBreakpointListener) this);
            manager.addBreakpointManagerListener(this);
            for (IBreakpoint breakpoint : manager.getBreakpoints(ShadowbenchDebug.MODEL_ID)) {
                breakpointAdded(breakpoint);
            }
        }
        if (stopAtEntry) {
            synchronized (lock) {
                state = State.STEPPING;
            }
            suspendWhenCaptured(State.SUSPENDED, DebugEvent.CLIENT_REQUEST, "stopped at entry", false);
        } else {
            synchronized (lock) {
                state = State.RUNNING;
            }
            fire(new DebugEvent(thread, DebugEvent.RESUME, DebugEvent.CLIENT_REQUEST));
            machine.run(0, null).whenComplete((result, error) -> stopped(result, error, false));
        }
    }

    // ============================================================================ for tests and views

    /** The machine behind the target (requests go through its queue). */
    @Override
    public Machine machine() {
        return machine;
    }

    @Override
    public Path guestFile() {
        return guestFile;
    }

    @Override
    public long ramSize() {
        return machine.configuration().ramSize();
    }

    @Override
    public String commandLine() {
        return commandLine;
    }

    /** The exit code once the guest exited through debug-exit or the shutdown port, else {@code null}. */
    public Integer exitCode() {
        return exitCode;
    }

    /** How many times the guest has been suspended: memory blocks mark what changed between two. */
    long suspensions() {
        synchronized (lock) {
            return suspensions;
        }
    }

    /** The guest's devices. */
    @Override
    public StandardPc pc() {
        return pc;
    }

    /** What the guest wrote to COM1 so far. */
    @Override
    public String serialOutput() {
        return serial.text();
    }

    /** Why the guest ended, once it has (exit code, shutdown reason); else {@code null}. */
    public String exitDetail() {
        return exitDetail;
    }

    /** The CPU as captured at the last suspension, or {@code null} while running. */
    public CpuState suspendedState() {
        return suspended;
    }

    @Override
    public String suspensionDetail() {
        return detail;
    }

    List<IBreakpoint> breakpointsHit() {
        return hit;
    }

    /** The watchpoint access the guest is suspended at, or {@code null}. */
    public WatchHit watchHit() {
        return watchHit;
    }

    /** Why the registry refused a watchpoint, or {@code null} when it is installed (or not yet). */
    public String watchProblem(IBreakpoint watchpoint) {
        return watchProblems.get(watchpoint);
    }

    // ============================================================================ IDebugTarget

    @Override
    public String getModelIdentifier() {
        return ShadowbenchDebug.MODEL_ID;
    }

    @Override
    public IDebugTarget getDebugTarget() {
        return this;
    }

    @Override
    public ILaunch getLaunch() {
        return launch;
    }

    @Override
    public IProcess getProcess() {
        return process;
    }

    @Override
    public IThread[] getThreads() {
        return isTerminated() ? new IThread[0] : new IThread[] { thread };
    }

    @Override
    public boolean hasThreads() {
        return !isTerminated();
    }

    @Override
    public String getName() {
        String why = exitDetail;
        return name + (why == null ? "" : " <" + why + ">");
    }

    @Override
    public boolean supportsBreakpoint(IBreakpoint breakpoint) {
        return (breakpoint instanceof LinearBreakpoint || breakpoint instanceof PhysicalWatchpoint)
                && ShadowbenchDebug.MODEL_ID.equals(breakpoint.getModelIdentifier());
    }

    // ============================================================================ run control

    @Override
    public boolean canTerminate() {
        synchronized (lock) {
            return state != State.TERMINATED;
        }
    }

    @Override
    public boolean isTerminated() {
        return closed.isDone();
    }

    @Override
    public void terminate() {
        terminate(null);
    }

    private void terminate(String why) {
        synchronized (lock) {
            if (state == State.TERMINATED) {
                return;
            }
            state = State.TERMINATED;
        }
        if (why != null) {
            exitDetail = why;
        }
        IBreakpointManager manager = DebugPlugin.getDefault().getBreakpointManager();
        manager.removeBreakpointListener((IBreakpointListener) this);
        manager.removeBreakpointManagerListener(this);
        CompletableFuture.runAsync(() -> {
            try {
                machine.close();
            } finally {
                for (AutoCloseable resource : resources) {
                    try {
                        resource.close();
                    } catch (Exception e) {
                        // a disk's written sectors are already in its file
                    }
                }
                suspended = null;
                // COM1's process ends first, so that the launch is terminated once the target says it is.
                GuestProcess com1 = process;
                if (com1 != null) {
                    com1.targetTerminated();
                } else {
                    serial.close();
                }
                closed.complete(null);
                fire(new DebugEvent(thread, DebugEvent.TERMINATE), new DebugEvent(this, DebugEvent.TERMINATE));
            }
        });
    }

    @Override
    public boolean canResume() {
        synchronized (lock) {
            return state == State.SUSPENDED;
        }
    }

    boolean canStep() {
        return canResume();
    }

    @Override
    public boolean canSuspend() {
        synchronized (lock) {
            return state == State.RUNNING || state == State.STEPPING;
        }
    }

    @Override
    public boolean isSuspended() {
        synchronized (lock) {
            return state == State.SUSPENDED || state == State.ENDED;
        }
    }

    boolean isStepping() {
        synchronized (lock) {
            return state == State.STEPPING;
        }
    }

    @Override
    public void resume() throws DebugException {
        leaveSuspension(State.RUNNING, DebugEvent.CLIENT_REQUEST);
        machine.run(0, null).whenComplete((result, error) -> stopped(result, error, false));
    }

    @Override
    public void suspend() {
        synchronized (lock) {
            if (state != State.RUNNING && state != State.STEPPING) {
                return;
            }
            suspendRequested = true;
        }
        machine.pause();
    }

    /** One instruction (an interrupt taken on the way counts as the instruction it interrupted). */
    void stepInto() throws DebugException {
        leaveSuspension(State.STEPPING, DebugEvent.STEP_INTO);
        machine.step(1).whenComplete((result, error) -> stopped(result, error, true));
    }

    /** One instruction, or for a near CALL everything up to its return. */
    void stepOver() throws DebugException {
        leaveSuspension(State.STEPPING, DebugEvent.STEP_OVER);
        machine.submit(StepOver::probe).whenComplete((probe, probeError) -> {
            if (probeError != null) {
                stopped(null, probeError, true);
                return;
            }
            machine.step(1).whenComplete((result, error) -> {
                if (error != null || !probe.call() || result.cause() != StopCause.INSTRUCTION_LIMIT || watches.hasHit()) {
                    stopped(result, error, true);
                    return;
                }
                machine.submit(probe::returnAddress).whenComplete((returnTo, readError) -> {
                    if (returnTo == null) {
                        stopped(result, readError, true);
                    } else {
                        acquire(returnTo);
                        runToReturn(probe, returnTo);
                    }
                });
            });
        });
    }

    private void runToReturn(StepOver probe, int returnTo) {
        synchronized (lock) {
            if (suspendRequested || state != State.STEPPING) {
                release(returnTo);
                if (state == State.STEPPING) {
                    suspendWhenCaptured(State.SUSPENDED, DebugEvent.CLIENT_REQUEST, "suspended", false);
                }
                return;
            }
        }
        machine.run(0, null).whenComplete((result, error) -> {
            if (error != null || result.cause() != StopCause.BREAKPOINT) {
                release(returnTo);
                stopped(result, error, false);
                return;
            }
            machine.submit(m -> probe.returned(m, returnTo) ? Boolean.TRUE
                    : m.cpu().segmentBase(org.shadowbench.cpu.SegmentRegister.CS) + m.cpu().eip() == returnTo
                            ? Boolean.FALSE : null).whenComplete((back, checkError) -> {
                if (Boolean.FALSE.equals(back)) {
                    runToReturn(probe, returnTo); // a deeper call came back to the same place
                    return;
                }
                release(returnTo);
                if (Boolean.TRUE.equals(back)) {
                    suspendWhenCaptured(State.SUSPENDED, DebugEvent.STEP_END, "step ended", false);
                } else {
                    stopped(result, checkError, false);
                }
            });
        });
    }

    /** Leaves SUSPENDED for a run or a step, or refuses. */
    private void leaveSuspension(State next, int eventDetail) throws DebugException {
        synchronized (lock) {
            if (state != State.SUSPENDED) {
                throw new DebugException(status("the guest is not suspended (" + state.name().toLowerCase(Locale.ROOT) + ")",
                        null));
            }
            state = next;
            suspendRequested = false;
            suspended = null;
            detail = null;
            hit = List.of();
            watchHit = null;
            watches.clear();
        }
        fire(new DebugEvent(thread, DebugEvent.RESUME, eventDetail));
    }

    /** A run or step of the machine ended (any thread: usually the emulation thread). */
    private void stopped(RunResult result, Throwable error, boolean step) {
        if (error != null) {
            synchronized (lock) {
                if (state == State.TERMINATED) {
                    return;
                }
            }
            suspendWhenCaptured(State.ENDED, DebugEvent.UNSPECIFIED, "the machine failed: " + rootCause(error), false);
            return;
        }
        WatchHit watched = switch (result.cause()) {
            case BREAKPOINT, INSTRUCTION_LIMIT, PAUSED, TIMEOUT -> watches.takeHit();
            default -> null;
        };
        if (watched != null) {
            // The access stopped the guest after its instruction (or, in a step, the step ended with it).
            suspendWhenCaptured(State.SUSPENDED, DebugEvent.BREAKPOINT, watched.label(), false, watched);
            return;
        }
        switch (result.cause()) {
            case ABORTED -> {
                // closed or reset under us: terminate() already reports
            }
            case EXIT -> {
                exitCode = result.exitCode() & 0xff;
                terminate("exited with code " + (result.exitCode() & 0xff) + ": " + result.detail());
            }
            case SHUTDOWN, HALTED, FAILED -> {
                exitDetail = result.cause().name().toLowerCase(Locale.ROOT) + ": " + result.detail();
                suspendWhenCaptured(State.ENDED, DebugEvent.UNSPECIFIED, exitDetail, false);
            }
            case BREAKPOINT -> suspendWhenCaptured(State.SUSPENDED, DebugEvent.BREAKPOINT, result.detail(), true);
            case INSTRUCTION_LIMIT -> suspendWhenCaptured(State.SUSPENDED, step ? DebugEvent.STEP_END
                    : DebugEvent.CLIENT_REQUEST, step ? "step ended" : result.detail(), false);
            default -> suspendWhenCaptured(State.SUSPENDED, DebugEvent.CLIENT_REQUEST, "suspended", false);
        }
    }

    /** Reads the CPU on the emulation thread, then enters {@code next} and fires the suspend event. */
    private void suspendWhenCaptured(State next, int eventDetail, String why, boolean breakpoint) {
        suspendWhenCaptured(next, eventDetail, why, breakpoint, null);
    }

    private void suspendWhenCaptured(State next, int eventDetail, String why, boolean breakpoint, WatchHit watched) {
        machine.submit(CpuState::capture).whenComplete((state, error) -> {
            List<IBreakpoint> atPc = new ArrayList<>();
            if (watched != null) {
                atPc.add(watched.watchpoint());
            }
            synchronized (lock) {
                if (this.state == State.TERMINATED) {
                    return;
                }
                if (state != null && breakpoint) {
                    for (Map.Entry<IBreakpoint, Integer> entry : installed.entrySet()) {
                        if (entry.getValue() == state.linearPc()) {
                            atPc.add(entry.getKey());
                        }
                    }
                }
                this.state = next;
                suspendRequested = false;
                suspensions++;
                suspended = state;
                detail = error != null ? why + " (registers unreadable: " + rootCause(error) + ")" : why;
                hit = List.copyOf(atPc);
                watchHit = watched;
            }
            fire(new DebugEvent(thread, DebugEvent.SUSPEND, eventDetail));
        });
    }

    // ============================================================================ registers

    /**
     * Writes a register while suspended: a request on the emulation thread writes it and reads the CPU
     * again; the new state replaces the captured one and a {@code CHANGE} event tells the views. Nothing
     * waits for the guest.
     *
     * @throws DebugException when the guest is not suspended (running, stepping, ended or terminated)
     */
    void writeRegister(String register, long value) throws DebugException {
        synchronized (lock) {
            if (state != State.SUSPENDED) {
                throw new DebugException(status("cannot change " + register + " while the guest is "
                        + state.name().toLowerCase(Locale.ROOT) + ": suspend it first", null));
            }
        }
        machine.submit(m -> {
            RegisterWrite.apply(m.cpu(), register, value);
            return CpuState.capture(m);
        }).whenComplete((captured, error) -> {
            if (error != null) {
                DebugPlugin.log(status("writing " + register + " failed: " + rootCause(error), error));
                return;
            }
            synchronized (lock) {
                if (state != State.SUSPENDED) {
                    return;
                }
                suspended = captured;
            }
            fire(new DebugEvent(thread, DebugEvent.CHANGE, DebugEvent.CONTENT));
        });
    }

    // ============================================================================ breakpoints

    @Override
    public void breakpointAdded(IBreakpoint breakpoint) {
        if (!supportsBreakpoint(breakpoint)) {
            return;
        }
        if (breakpoint instanceof PhysicalWatchpoint watchpoint) {
            addWatch(watchpoint);
            return;
        }
        try {
            boolean wanted = breakpoint.isEnabled() && DebugPlugin.getDefault().getBreakpointManager().isEnabled();
            Integer address = ((LinearBreakpoint) breakpoint).linearAddress();
            synchronized (lock) {
                if (state == State.TERMINATED || installed.containsKey(breakpoint) || !wanted || address == null) {
                    return;
                }
                installed.put(breakpoint, address);
                acquire(address);
            }
        } catch (CoreException e) {
            DebugPlugin.log(e);
        }
    }

    /**
     * Installs a physical watchpoint as a "debugger watch" overlay handler, on the emulation thread
     * (requests keep their order, so a removal that follows finds it).
     */
    private void addWatch(PhysicalWatchpoint watchpoint) {
        try {
            boolean wanted = watchpoint.isEnabled() && DebugPlugin.getDefault().getBreakpointManager().isEnabled();
            Long address = watchpoint.physicalAddress();
            int length = watchpoint.length();
            boolean reads = watchpoint.isAccess();
            boolean writes = watchpoint.isModification();
            synchronized (lock) {
                if (state == State.TERMINATED || watching.contains(watchpoint) || !wanted || address == null || length < 1) {
                    return;
                }
                watching.add(watchpoint);
                watchProblems.remove(watchpoint);
                machine.execute(m -> {
                    try {
                        watches.install(m, watchpoint, address, length, reads, writes);
                    } catch (RuntimeException e) {
                        watchProblems.put(watchpoint, rootCause(e));
                        DebugPlugin.log(status("physical watchpoint at " + String.format(Locale.ROOT, "%#x", address)
                                + " could not be installed: " + rootCause(e), e));
                    }
                });
            }
        } catch (CoreException e) {
            DebugPlugin.log(e);
        }
    }

    @Override
    public void breakpointRemoved(IBreakpoint breakpoint, IMarkerDelta delta) {
        synchronized (lock) {
            if (breakpoint instanceof PhysicalWatchpoint watchpoint && watching.remove(watchpoint) && state != State.TERMINATED) {
                machine.execute(m -> watches.remove(m, watchpoint));
                return;
            }
            Integer address = installed.remove(breakpoint);
            if (address != null) {
                release(address);
            }
        }
    }

    @Override
    public void breakpointChanged(IBreakpoint breakpoint, IMarkerDelta delta) {
        if (!supportsBreakpoint(breakpoint)) {
            return;
        }
        breakpointRemoved(breakpoint, delta);
        breakpointAdded(breakpoint);
    }

    @Override
    public void breakpointManagerEnablementChanged(boolean enabled) {
        for (IBreakpoint breakpoint : DebugPlugin.getDefault().getBreakpointManager().getBreakpoints(ShadowbenchDebug.MODEL_ID)) {
            breakpointChanged(breakpoint, null);
        }
    }

    /** One more reason to stop at an address; the CPU learns of the first (requests keep their order). */
    private void acquire(int address) {
        synchronized (lock) {
            if (installedAddresses.merge(address, 1, Integer::sum) == 1) {
                machine.addBreakpoint(address);
            }
        }
    }

    private void release(int address) {
        synchronized (lock) {
            Integer left = installedAddresses.computeIfPresent(address, (key, count) -> count == 1 ? null : count - 1);
            if (left == null) {
                machine.removeBreakpoint(address);
            }
        }
    }

    // ============================================================================ disconnect

    @Override
    public boolean canDisconnect() {
        return false;
    }

    @Override
    public void disconnect() throws DebugException {
        throw new DebugException(status("a Shadowbench guest cannot be disconnected from, only terminated", null));
    }

    @Override
    public boolean isDisconnected() {
        return false;
    }

    // ============================================================================ memory

    @Override
    public boolean supportsStorageRetrieval() {
        return true;
    }

    /** A block of guest-linear memory. */
    @Override
    public IMemoryBlock getMemoryBlock(long startAddress, long length) throws DebugException {
        return new GuestMemoryBlock(this, GuestMemoryBlock.Space.LINEAR, startAddress, length,
                ShadowbenchDebug.LINEAR_PREFIX + String.format(Locale.ROOT, "%#x", startAddress));
    }

    /**
     * A block for an expression: {@code linear:ADDRESS} or {@code phys:ADDRESS} (a bare address is linear);
     * the address is decimal, or hexadecimal with {@code 0x}. Extended blocks are 4 KiB long but read
     * anywhere.
     */
    @Override
    public IMemoryBlockExtension getExtendedMemoryBlock(String expression, Object context) throws DebugException {
        String text = expression.trim();
        GuestMemoryBlock.Space space = GuestMemoryBlock.Space.LINEAR;
        if (text.startsWith(ShadowbenchDebug.PHYSICAL_PREFIX)) {
            space = GuestMemoryBlock.Space.PHYSICAL;
            text = text.substring(ShadowbenchDebug.PHYSICAL_PREFIX.length());
        } else if (text.startsWith(ShadowbenchDebug.LINEAR_PREFIX)) {
            text = text.substring(ShadowbenchDebug.LINEAR_PREFIX.length());
        }
        long address;
        try {
            address = Long.decode(text.trim());
        } catch (NumberFormatException e) {
            throw new DebugException(status("not an address: '" + expression + "' (write linear:0x1000 or phys:0x1000)", e));
        }
        long limit = space == GuestMemoryBlock.Space.LINEAR ? 0xffff_ffffL : org.shadowbench.memory.PhysicalMemory.MAX_ADDRESS;
        if (address < 0 || address > limit) {
            throw new DebugException(status("address " + text + " is outside the " + space.label() + " address space", null));
        }
        return new GuestMemoryBlock(this, space, address, GuestMemory.PAGE, expression);
    }

    /** Runs a read on the emulation thread and waits for it, at most {@link #READ_TIMEOUT_SECONDS}. */
    <T> T read(Function<Machine, T> request) throws DebugException {
        if (isTerminated() || !canTerminate()) {
            throw new DebugException(status("the guest has terminated", null));
        }
        try {
            return machine.submit(request).get(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DebugException(status("interrupted while reading guest memory", e));
        } catch (ExecutionException e) {
            throw new DebugException(status("reading guest memory failed: " + rootCause(e), e));
        } catch (TimeoutException e) {
            throw new DebugException(status("the emulation thread did not answer within " + READ_TIMEOUT_SECONDS + " s", e));
        }
    }

    // ============================================================================ helpers

    static IStatus status(String message, Throwable cause) {
        return new Status(IStatus.ERROR, ShadowbenchDebug.BUNDLE, DebugException.REQUEST_FAILED, message, cause);
    }

    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    private static void fire(DebugEvent... events) {
        DebugPlugin plugin = DebugPlugin.getDefault();
        if (plugin != null) {
            plugin.fireDebugEventSet(events);
        }
    }
}
