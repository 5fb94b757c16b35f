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
 */
public record RunResult(StopCause cause, int exitCode, String detail, long instructions, Duration elapsed) {
    /** Guest instructions per second of wall-clock time, in millions. */
    public double mips() {
        long nanos = elapsed.toNanos();
        return nanos == 0 ? 0 : instructions * 1000.0 / nanos;
    }
}
