package org.shadowbench.machine.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.SegmentRegister;
import org.shadowbench.cpu.StopReason;
import org.shadowbench.machine.RunResult;
import org.shadowbench.machine.RunState;
import org.shadowbench.machine.StopCause;

/**
 * The emulation thread: it owns the engine, serves requests from other threads between slices of
 * guest instructions, and runs the guest while a run is active. Requests interrupt a running slice
 * through {@link Cpu#requestStop()}, so they wait at most one instruction (plus a REP chunk).
 */
public final class EmulationLoop {
    /** Instructions per slice between looks at the queue and the clock. */
    static final long SLICE = 1 << 20;

    private final Supplier<Engine> engine;
    private final Runnable rebuild;
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile RunState state = RunState.PAUSED;
    private volatile boolean closing;

    // Run bookkeeping, emulation thread only.
    private CompletableFuture<RunResult> run;
    private long remaining;
    private long deadline;
    private long runStartNanos;
    private long runStartInstructions;
    private boolean exitRequested;
    private int exitCode;
    private String exitReason;

    /** A halted CPU is given up on when this much virtual time passes without an interrupt waking it. */
    static final long MAX_IDLE_NANOS = 3_600_000_000_000L;

    public EmulationLoop(Supplier<Engine> engine, Runnable rebuild) {
        this.engine = engine;
        this.rebuild = rebuild;
        this.thread = new Thread(this::loop, "shadowbench-emulation");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public RunState state() {
        return state;
    }

    /** Queues a request; it runs on the emulation thread before the next slice. */
    public <T> CompletableFuture<T> submit(Supplier<T> request) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closing) {
            result.completeExceptionally(new IllegalStateException("the machine is closed"));
            return result;
        }
        queue.add(() -> {
            try {
                result.complete(request.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        engine.get().cpu().requestStop();
        return result;
    }

    public CompletableFuture<RunResult> run(long maxInstructions, Duration timeout) {
        return submit(() -> startRun(maxInstructions, timeout)).thenCompose(future -> future);
    }

    private CompletableFuture<RunResult> startRun(long maxInstructions, Duration timeout) {
        if (state == RunState.STOPPED) {
            throw new IllegalStateException("the guest has ended: reset the machine to run it again");
        }
        if (run != null) {
            throw new IllegalStateException("the machine is already running");
        }
        run = new CompletableFuture<>();
        remaining = maxInstructions > 0 ? maxInstructions : -1;
        runStartNanos = System.nanoTime();
        deadline = timeout == null ? Long.MAX_VALUE : runStartNanos + timeout.toNanos();
        runStartInstructions = engine.get().cpu().instructions();
        state = RunState.RUNNING;
        return run;
    }

    public CompletableFuture<Void> pause() {
        return submit(() -> {
            if (run != null) {
                finish(StopCause.PAUSED, 0, "paused", RunState.PAUSED);
            }
            return null;
        });
    }

    public CompletableFuture<Void> reset() {
        return submit(() -> {
            if (run != null) {
                finish(StopCause.ABORTED, 0, "reset", RunState.PAUSED);
            }
            exitRequested = false;
            rebuild.run();
            state = RunState.PAUSED;
            return null;
        });
    }

    /** A device asked to end the run (called on the emulation thread, inside a slice). */
    public void exitRequested(int code, String reason) {
        exitRequested = true;
        exitCode = code;
        exitReason = reason;
        engine.get().cpu().requestStop();
    }

    public void close() {
        if (closing) {
            return;
        }
        CompletableFuture<Object> done = submit(() -> {
            if (run != null) {
                finish(StopCause.ABORTED, 0, "closed", RunState.CLOSED);
            }
            closing = true;
            return null;
        });
        if (thread.isAlive()) {
            done.join();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            closing = true;
        }
        state = RunState.CLOSED;
    }

    private void loop() {
        try {
            while (!closing) {
                Runnable request = state == RunState.RUNNING ? queue.poll() : queue.take();
                if (request != null) {
                    request.run();
                    continue;
                }
                try {
                    slice();
                } catch (RuntimeException | Error e) {
                    failed(e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            state = RunState.CLOSED;
        }
    }

    private void slice() {
        Engine current = engine.get();
        Cpu processor = current.cpu();
        VirtualClock clock = current.clock();
        long budget = remaining < 0 ? SLICE : Math.min(SLICE, remaining);
        budget = Math.min(budget, clock.instructionsUntilNextTimer());
        long before = processor.instructions();
        StopReason reason = processor.run(budget);
        long executed = processor.instructions() - before;
        if (remaining > 0) {
            remaining -= executed;
        }
        if (executed > 0) {
            idleNanos = 0;
        }
        clock.fireDue();
        if (exitRequested) {
            exitRequested = false;
            finish(StopCause.EXIT, exitCode, exitReason, RunState.STOPPED);
            return;
        }
        switch (reason) {
            case SHUTDOWN -> finish(StopCause.SHUTDOWN, 0, processor.shutdownReason(), RunState.STOPPED);
            case HALTED -> halted(processor, clock);
            case BREAKPOINT -> finish(StopCause.BREAKPOINT, 0, String.format("breakpoint at %#x", processor.eip()),
                    RunState.PAUSED);
            default -> {
                if (remaining == 0) {
                    finish(StopCause.INSTRUCTION_LIMIT, 0, "instruction limit reached", RunState.PAUSED);
                } else if (System.nanoTime() >= deadline) {
                    finish(StopCause.TIMEOUT, 0, "time limit reached", RunState.PAUSED);
                }
            }
        }
    }

    /** Virtual time let pass while the CPU has been halted without being woken. */
    private long idleNanos;

    /**
     * HLT: with interrupts enabled, virtual time jumps to the next timer, whose interrupt wakes the CPU
     * on the next slice; with interrupts disabled, or nothing armed, or an hour of virtual time gone by
     * without an interrupt, nothing can wake it.
     */
    private void halted(Cpu processor, VirtualClock clock) {
        boolean interruptible = (processor.eflags() & 0x200) != 0;
        if (interruptible && idleNanos < MAX_IDLE_NANOS) {
            long skipped = clock.skipToNextTimer();
            if (skipped >= 0) {
                idleNanos += skipped;
                if (System.nanoTime() >= deadline) {
                    finish(StopCause.TIMEOUT, 0, "time limit reached", RunState.PAUSED);
                }
                return;
            }
        }
        finish(StopCause.HALTED, 0, String.format("HLT at %#x with nothing to wake the CPU (EFLAGS %#x)",
                processor.eip() - 1, processor.eflags()), RunState.STOPPED);
    }

    /**
     * An exception escaped the engine in the middle of an instruction: the machine stops for good (its
     * state may be half-updated), and whoever waits for the run learns why and where, instead of
     * waiting for a thread that died.
     */
    private void failed(Throwable error) {
        Cpu processor = engine.get().cpu();
        String where;
        try {
            where = String.format("EIP %#x, CS %#x, CR0 %#x, CR3 %#x, after %,d instructions", processor.eip(),
                    processor.segmentSelector(SegmentRegister.CS), processor.controlRegister(0),
                    processor.controlRegister(3), processor.instructions());
        } catch (RuntimeException e) {
            where = "guest state unreadable: " + e;
        }
        String detail = "internal error of the emulator: " + error + " (guest at " + where + ")";
        if (run != null) {
            finish(StopCause.FAILED, 0, detail, RunState.STOPPED, error);
        } else {
            state = RunState.STOPPED;
        }
    }

    private void finish(StopCause cause, int code, String detail, RunState next) {
        finish(cause, code, detail, next, null);
    }

    private void finish(StopCause cause, int code, String detail, RunState next, Throwable failure) {
        CompletableFuture<RunResult> finished = run;
        run = null;
        state = next;
        long instructions = engine.get().cpu().instructions() - runStartInstructions;
        finished.complete(new RunResult(cause, code, detail, instructions,
                Duration.ofNanos(System.nanoTime() - runStartNanos), failure));
    }
}
