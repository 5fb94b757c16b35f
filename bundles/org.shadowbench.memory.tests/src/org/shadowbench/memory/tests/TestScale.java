package org.shadowbench.memory.tests;

import java.util.Arrays;
import java.util.stream.LongStream;

/**
 * Sizes and seeds of randomized and soak tests (docs/TESTING.md). CI runs scale 1 with each test's
 * own seeds; {@code -Dshadowbench.test.scale=N} multiplies the work, {@code -Dshadowbench.test.seeds=a,b}
 * replaces the seeds (to replay a failure) and {@code -Dshadowbench.test.round=R} derives fresh ones
 * (so that soak rounds do not repeat each other).
 */
public final class TestScale {
    /** Spacing of derived seeds: a prime, so rounds of neighbouring seeds do not meet. */
    private static final long ROUND_STRIDE = 1_000_003L;

    private TestScale() {
    }

    /** The configured multiplier, at least 1. */
    public static int factor() {
        return Math.max(1, Integer.getInteger("shadowbench.test.scale", 1));
    }

    /** {@code base} times the factor. */
    public static long steps(long base) {
        return base * factor();
    }

    /**
     * The seeds a test runs: {@code shadowbench.test.seeds} when given (decimal or 0x hex, comma
     * separated), else the test's own, shifted by the round.
     */
    public static LongStream seeds(long... defaults) {
        String given = System.getProperty("shadowbench.test.seeds", "").trim();
        if (!given.isEmpty()) {
            return Arrays.stream(given.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::decode);
        }
        long round = Long.getLong("shadowbench.test.round", 0L);
        return Arrays.stream(defaults).map(seed -> seed + round * ROUND_STRIDE);
    }

    /** The one seed of a single-seed test (the first of {@link #seeds}). */
    public static long seed(long defaultSeed) {
        return seeds(defaultSeed).findFirst().orElse(defaultSeed);
    }
}
