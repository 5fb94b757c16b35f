package org.shadowbench.memory.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.function.Executable;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;

/** Assertions shared by the page model tests. */
public final class Assertions2 {
    private Assertions2() {
    }

    /**
     * Asserts that the call fails with the status, that the message contains every fragment, and
     * that the model is unchanged and consistent afterwards.
     */
    public static PgmException assertRejected(PhysicalMemory memory, PgmStatus status, Executable call,
            String... messageFragments) {
        MemorySnapshot before = MemorySnapshot.of(memory);
        PgmException error = assertThrows(PgmException.class, call);
        assertEquals(status, error.status(), error.getMessage());
        for (String fragment : messageFragments) {
            assertTrue(error.getMessage().contains(fragment),
                    "message '" + error.getMessage() + "' should mention '" + fragment + "'");
        }
        assertEquals(before, MemorySnapshot.of(memory), "a rejected call must leave the model unchanged");
        assertConsistent(memory);
        return error;
    }

    /** Asserts that the model's checker finds nothing. */
    public static void assertConsistent(PhysicalMemory memory) {
        List<String> problems = memory.check();
        assertTrue(problems.isEmpty(), () -> "consistency problems:\n  " + String.join("\n  ", problems));
    }
}
