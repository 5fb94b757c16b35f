package org.shadowbench.debug.internal;

import java.util.List;

import org.eclipse.debug.core.DebugException;
import org.eclipse.debug.core.model.DebugElement;
import org.eclipse.debug.core.model.IBreakpoint;
import org.eclipse.debug.core.model.IRegisterGroup;
import org.eclipse.debug.core.model.IStackFrame;
import org.eclipse.debug.core.model.IThread;

/**
 * The virtual CPU as a thread. Its frames and registers are those captured when the guest last
 * suspended; run control goes to the target, which owns the machine.
 */
final class CpuThread extends DebugElement implements IThread {
    private final GuestDebugTarget target;

    CpuThread(GuestDebugTarget target) {
        super(target);
        this.target = target;
    }

    @Override
    public String getModelIdentifier() {
        return target.getModelIdentifier();
    }

    /** The state the elements below were made from: one set of frames and registers per suspension. */
    private CpuState shown;
    private IStackFrame[] frames = new IStackFrame[0];
    private IRegisterGroup[] groups = new IRegisterGroup[0];

    private synchronized void follow(CpuState state) {
        if (state == shown) {
            return;
        }
        shown = state;
        if (state == null) {
            frames = new IStackFrame[0];
            groups = new IRegisterGroup[0];
            return;
        }
        frames = new IStackFrame[state.frames().size()];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = new CpuStackFrame(this, state, i);
        }
        groups = CpuRegisterGroup.of(target, state);
    }

    synchronized IRegisterGroup[] registerGroups() {
        follow(target.suspendedState());
        return groups.clone();
    }

    @Override
    public synchronized IStackFrame[] getStackFrames() {
        follow(target.suspendedState());
        return frames.clone();
    }

    @Override
    public boolean hasStackFrames() {
        return target.suspendedState() != null;
    }

    @Override
    public int getPriority() {
        return 0;
    }

    @Override
    public IStackFrame getTopStackFrame() {
        IStackFrame[] frames = getStackFrames();
        return frames.length == 0 ? null : frames[0];
    }

    @Override
    public String getName() {
        String why = target.suspensionDetail();
        return "CPU 0" + (why == null ? "" : " (" + why + ")");
    }

    @Override
    public IBreakpoint[] getBreakpoints() {
        List<IBreakpoint> hit = target.breakpointsHit();
        return hit.toArray(IBreakpoint[]::new);
    }

    @Override
    public boolean canResume() {
        return target.canResume();
    }

    @Override
    public boolean canSuspend() {
        return target.canSuspend();
    }

    @Override
    public boolean isSuspended() {
        return target.isSuspended();
    }

    @Override
    public void resume() throws DebugException {
        target.resume();
    }

    @Override
    public void suspend() throws DebugException {
        target.suspend();
    }

    @Override
    public boolean canStepInto() {
        return target.canStep();
    }

    @Override
    public boolean canStepOver() {
        return target.canStep();
    }

    @Override
    public boolean canStepReturn() {
        return false;
    }

    @Override
    public boolean isStepping() {
        return target.isStepping();
    }

    @Override
    public void stepInto() throws DebugException {
        target.stepInto();
    }

    @Override
    public void stepOver() throws DebugException {
        target.stepOver();
    }

    @Override
    public void stepReturn() throws DebugException {
        throw new DebugException(GuestDebugTarget.status("step return is not supported yet", null));
    }

    @Override
    public boolean canTerminate() {
        return target.canTerminate();
    }

    @Override
    public boolean isTerminated() {
        return target.isTerminated();
    }

    @Override
    public void terminate() throws DebugException {
        target.terminate();
    }
}
