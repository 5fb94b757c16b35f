package org.shadowbench.debug.ui.internal;

import java.util.concurrent.CompletableFuture;

import org.eclipse.debug.core.DebugException;
import org.eclipse.debug.core.model.IProcess;
import org.eclipse.debug.core.model.IThread;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.ui.console.ConsolePlugin;
import org.eclipse.ui.console.IConsole;
import org.shadowbench.debug.GuestTarget;
import org.shadowbench.ui.MachineControl;

/**
 * The Machines view's actions on a debug launch's machine, done through the debug target so that
 * the Debug view, the breakpoints and the target's state stay right. Reset is refused: a debug launch
 * starts again by being launched again.
 */
final class TargetControl implements MachineControl {
    private final GuestTarget target;

    TargetControl(GuestTarget target) {
        this.target = target;
    }

    @Override
    public CompletableFuture<Void> resume() {
        return request(() -> target.resume());
    }

    @Override
    public CompletableFuture<Void> pause() {
        return request(() -> target.suspend());
    }

    @Override
    public CompletableFuture<Void> step() {
        return request(() -> {
            IThread[] threads = target.getThreads();
            if (threads.length == 0) {
                throw new DebugException(org.eclipse.core.runtime.Status.error("the guest has no CPU thread any more"));
            }
            threads[0].stepInto();
        });
    }

    @Override
    public CompletableFuture<Void> reset() {
        DebugUiActivator.log().warn(target.guestFile().getFileName() + ": a debug launch is not reset; launch it again instead");
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                "a debug launch is not reset: terminate it and launch it again"));
    }

    @Override
    public CompletableFuture<Void> terminate() {
        return request(() -> target.terminate());
    }

    @Override
    public void showConsole() {
        IProcess process = target.getProcess();
        IConsole console = process == null ? null : DebugUITools.getConsole(process);
        if (console != null) {
            ConsolePlugin.getDefault().getConsoleManager().showConsoleView(console);
        }
    }

    private interface DebugRequest {
        void run() throws DebugException;
    }

    /** Asks the target; the target returns at once, so this never waits for the guest. */
    private static CompletableFuture<Void> request(DebugRequest request) {
        try {
            request.run();
            return CompletableFuture.completedFuture(null);
        } catch (DebugException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
