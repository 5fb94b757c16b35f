package org.shadowbench.handlers.tests;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

import org.shadowbench.handlers.PhysicalHandlerRegistry;

/**
 * Corrupts a registry on purpose, through reflection, to reach the reference's internal-error
 * statuses and to prove the checker notices. Product code offers no way to do this.
 */
final class RegistryInternals {
    private RegistryInternals() {
    }

    private static Object tree(PhysicalHandlerRegistry registry) throws ReflectiveOperationException {
        Field field = registry.getClass().getDeclaredField("tree");
        field.setAccessible(true);
        return field.get(registry);
    }

    /** Removes the tree entry starting at {@code first}, leaving its handler believing it is registered. */
    static void dropFromTree(PhysicalHandlerRegistry registry, long first) {
        try {
            Object tree = tree(registry);
            Method remove = tree.getClass().getDeclaredMethod("remove", long.class);
            remove.setAccessible(true);
            remove.invoke(tree, first);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Overwrites a field of a handler object. */
    static void setField(Object target, String name, Object value) {
        try {
            Field field = target.getClass().getDeclaredField(name);
            field.setAccessible(true);
            field.set(target, value);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
