package org.shadowbench.ui.internal;

import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.swt.widgets.Display;

/**
 * Coalesces refresh requests from any thread into at most one run per period on the UI thread.
 * {@link #request()} never waits: it posts at most one runnable per period, so a fast guest cannot
 * flood the UI queue.
 */
final class UiThrottle {
    private final Display display;
    private final int periodMillis;
    private final Runnable task;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private long lastRun;

    UiThrottle(Display display, int periodMillis, Runnable task) {
        this.display = display;
        this.periodMillis = periodMillis;
        this.task = task;
    }

    /** Asks for a run; any thread. */
    void request() {
        if (!scheduled.compareAndSet(false, true) || display.isDisposed()) {
            return;
        }
        display.asyncExec(() -> {
            long wait = periodMillis - (System.currentTimeMillis() - lastRun);
            if (wait <= 0) {
                runNow();
            } else {
                display.timerExec((int) wait, this::runNow);
            }
        });
    }

    private void runNow() {
        scheduled.set(false);
        lastRun = System.currentTimeMillis();
        task.run();
    }
}
