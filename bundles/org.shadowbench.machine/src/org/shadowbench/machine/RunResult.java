package org.shadowbench.machine;

import java.time.Duration;

/**
 * How a run ended.
 *
 * @param cause        why it ended
 * @param exitCode     the device's exit code for {@link StopCause#EXIT}, else 0
 * @param detail       a human-readable explanation (the shutdown reason, the device's message)
 * @param instructions instructions retired during this run
 * @param elapsed      wall-clock time of this run
 * @param failure      the emulator's own error for {@link StopCause#FAILED}, else {@code null}
 */
public record RunResult(StopCause cause, int exitCode, String detail, long instructions, Duration elapsed,
        Throwable failure) {
    /** A result without a failure. */
    public RunResult(StopCause cause, int exitCode, String detail, long instructions, Duration elapsed) {
        this(cause, exitCode, detail, instructions, elapsed, null);
    }

    /** Guest instructions per second of wall-clock time, in millions. */
    public double mips() {
        long nanos = elapsed.toNanos();
        return nanos == 0 ? 0 : instructions * 1000.0 / nanos;
    }
}
