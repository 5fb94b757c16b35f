package org.shadowbench.handlers.tests;

import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.memory.tests.Internals;

/**
 * Corrupts a registry on purpose, through reflection, to reach the reference's internal-error
 * statuses and to prove the checker notices. Product code offers no way to do this.
 */
final class RegistryInternals {
    private RegistryInternals() {
    }

    /** Removes the tree entry starting at {@code first}, leaving its handler believing it is registered. */
    static void dropFromTree(PhysicalHandlerRegistry registry, long first) {
        Internals.invoke(Internals.field(registry, "tree"), "remove", new Class<?>[] { long.class }, first);
    }

    /** Overwrites a field of a handler object. */
    static void setField(Object target, String name, Object value) {
        Internals.setField(target, name, value);
    }
}
