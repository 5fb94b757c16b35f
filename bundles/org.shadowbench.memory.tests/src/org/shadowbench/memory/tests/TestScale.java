package org.shadowbench.memory.tests;

/**
 * Sizes of randomized and soak tests. CI runs scale 1; {@code -Dshadowbench.test.scale=N}
 * (Maven: {@code -Dshadowbench.test.scale=N} on the command line) multiplies the work.
 */
public final class TestScale {
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
}
