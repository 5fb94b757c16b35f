package org.shadowbench.ui.internal;

import java.util.function.Consumer;
import java.util.function.Function;

import org.eclipse.swt.widgets.Display;
import org.shadowbench.machine.Machine;

/**
 * One question at a time to a machine's emulation thread, for a view that needs more than the
 * snapshot (a page walk, the screen): the question runs between instructions, and its answer
 * comes back on the UI thread. A view asks with every new snapshot, and a fast guest makes
 * snapshots faster than a busy UI shows answers: while a question is out, further asks are folded
 * into one, which {@code retry} makes once the answer is in. Neither thread ever waits for the other.
 * UI thread only.
 */
final class EmulationQuery {
    private final Display display;
    private final Runnable retry;
    private boolean inFlight;
    private boolean again;

    /** @param retry asks again with the view's state of then; called on the UI thread */
    EmulationQuery(Display display, Runnable retry) {
        this.display = display;
        this.retry = retry;
    }

    /**
     * Asks {@code question} on the machine's emulation thread and hands its answer (null if it
     * failed) to {@code answered} on the UI thread; if a question is out already, only notes that
     * the view wants a fresh answer.
     */
    <T> void ask(Machine machine, Function<Machine, T> question, Consumer<T> answered) {
        if (inFlight) {
            again = true;
            return;
        }
        inFlight = true;
        machine.submit(question).whenComplete((answer, error) -> {
            if (!display.isDisposed()) {
                display.asyncExec(() -> {
                    inFlight = false;
                    answered.accept(error == null ? answer : null);
                    if (again) {
                        again = false;
                        retry.run();
                    }
                });
            }
        });
    }
}
