package org.shadowbench.debug.internal;

import java.util.Locale;

import org.eclipse.debug.core.DebugException;
import org.eclipse.debug.core.model.DebugElement;
import org.eclipse.debug.core.model.IRegisterGroup;
import org.eclipse.debug.core.model.IStackFrame;
import org.eclipse.debug.core.model.IThread;
import org.eclipse.debug.core.model.IVariable;

/**
 * A frame of the virtual CPU's call chain: frame 0 is where the CPU is (EIP, with the register
 * groups), the others are return addresses found along the EBP chain. Run control is the thread's.
 */
final class CpuStackFrame extends DebugElement implements IStackFrame {
    private final CpuThread thread;
    private final CpuState state;
    private final int level;

    CpuStackFrame(CpuThread thread, CpuState state, int level) {
        super(thread.getDebugTarget());
        this.thread = thread;
        this.state = state;
        this.level = level;
    }

    /** The frame's instruction pointer (EIP for frame 0, a return address for the others). */
    int pc() {
        return state.frames().get(level).pc();
    }

    /** 0 for the innermost frame. */
    int level() {
        return level;
    }

    @Override
    public String getModelIdentifier() {
        return getDebugTarget().getModelIdentifier();
    }

    @Override
    public IThread getThread() {
        return thread;
    }

    @Override
    public IVariable[] getVariables() {
        return new IVariable[0];
    }

    @Override
    public boolean hasVariables() {
        return false;
    }

    @Override
    public int getLineNumber() {
        return -1;
    }

    @Override
    public int getCharStart() {
        return -1;
    }

    @Override
    public int getCharEnd() {
        return -1;
    }

    @Override
    public String getName() {
        CpuState.Frame frame = state.frames().get(level);
        return level == 0 ? String.format(Locale.ROOT, "EIP %#010x (EBP %#010x)", frame.pc() & 0xffff_ffffL,
                frame.ebp() & 0xffff_ffffL)
                : String.format(Locale.ROOT, "return %#010x (frame at EBP %#010x)", frame.pc() & 0xffff_ffffL,
                        frame.ebp() & 0xffff_ffffL);
    }

    @Override
    public IRegisterGroup[] getRegisterGroups() {
        return level == 0 ? thread.registerGroups() : new IRegisterGroup[0];
    }

    @Override
    public boolean hasRegisterGroups() {
        return level == 0;
    }

    @Override
    public boolean canStepInto() {
        return thread.canStepInto();
    }

    @Override
    public boolean canStepOver() {
        return thread.canStepOver();
    }

    @Override
    public boolean canStepReturn() {
        return thread.canStepReturn();
    }

    @Override
    public boolean isStepping() {
        return thread.isStepping();
    }

    @Override
    public void stepInto() throws DebugException {
        thread.stepInto();
    }

    @Override
    public void stepOver() throws DebugException {
        thread.stepOver();
    }

    @Override
    public void stepReturn() throws DebugException {
        thread.stepReturn();
    }

    @Override
    public boolean canResume() {
        return thread.canResume();
    }

    @Override
    public boolean canSuspend() {
        return thread.canSuspend();
    }

    @Override
    public boolean isSuspended() {
        return thread.isSuspended();
    }

    @Override
    public void resume() throws DebugException {
        thread.resume();
    }

    @Override
    public void suspend() throws DebugException {
        thread.suspend();
    }

    @Override
    public boolean canTerminate() {
        return thread.canTerminate();
    }

    @Override
    public boolean isTerminated() {
        return thread.isTerminated();
    }

    @Override
    public void terminate() throws DebugException {
        thread.terminate();
    }
}
