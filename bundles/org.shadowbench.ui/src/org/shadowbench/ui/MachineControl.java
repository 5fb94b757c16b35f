package org.shadowbench.ui;

import java.util.concurrent.CompletableFuture;

/**
 * Run control of a machine that another component launched and owns (a debug launch, say), handed
 * to {@link MachineSessions#adopt}: the Machines view's actions on its session come here instead of
 * going to the machine directly, so the owner's own state stays right. Each method only asks and
 * returns at once; the futures complete when the request was accepted (or failed with the reason).
 */
public interface MachineControl {
    /** Runs the guest on from a pause. */
    CompletableFuture<Void> resume();

    /** Pauses the running guest. */
    CompletableFuture<Void> pause();

    /** Executes one instruction. */
    CompletableFuture<Void> step();

    /** Back to the moment after the load, where the owner supports it. */
    CompletableFuture<Void> reset();

    /** Ends the machine; the owner closes it. */
    CompletableFuture<Void> terminate();

    /** Shows the machine's COM1 console, where the owner keeps one. */
    void showConsole();
}
