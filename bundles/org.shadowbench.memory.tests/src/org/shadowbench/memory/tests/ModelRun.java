package org.shadowbench.memory.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;

import org.shadowbench.memory.PgmException;

/**
 * Drives a seeded randomized run of a scenario: every step is followed by the scenario's checks,
 * and a failure names the seed, the step number and the operation, so that it can be replayed.
 * Shared by the randomized tests of the engine bundles.
 */
public final class ModelRun {

    /** One seeded scenario. */
    public interface Scenario {
        /** Performs one random operation (asserting what it can on the spot) and describes it. */
        String step();

        /** What is wrong after the last step: the checkers' findings; empty when all is well. */
        List<String> problems();
    }

    private ModelRun() {
    }

    /** Runs {@code steps} steps of the scenario. */
    public static void run(long seed, long steps, Scenario scenario) {
        for (long step = 0; step < steps; step++) {
            String operation;
            try {
                operation = scenario.step();
            } catch (PgmException e) {
                fail("seed " + seed + " step " + step + " threw " + e.getMessage(), e);
                return;
            } catch (AssertionError | RuntimeException e) {
                // A disagreement found inside the step (or a Java exception escaping the engine) must name
                // the seed and step as well, or a soak failure cannot be replayed.
                fail("seed " + seed + " step " + step + " failed: " + e, e);
                return;
            }
            List<String> problems = scenario.problems();
            if (!problems.isEmpty()) {
                fail("seed " + seed + " step " + step + " (" + operation + "): " + problems);
            }
        }
    }
}
