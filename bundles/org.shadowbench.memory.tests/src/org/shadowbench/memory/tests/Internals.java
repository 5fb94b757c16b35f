package org.shadowbench.memory.tests;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Reflective access to an engine object's own members, for the tests that break a structure behind its
 * owner's back to show that a consistency checker sees it. Members are looked up on the object's class
 * and its superclasses; a member that is not there fails the test.
 */
public final class Internals {
    private Internals() {
    }

    /** The value of a field (primitives boxed). */
    public static Object field(Object owner, String name) {
        try {
            return accessible(owner, name).get(owner);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Overwrites a field (a primitive one from its boxed value). */
    public static void setField(Object owner, String name, Object value) {
        try {
            accessible(owner, name).set(owner, value);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Calls a method with the given parameter types and returns its result (null for void). */
    public static Object invoke(Object owner, String name, Class<?>[] types, Object... arguments) {
        for (Class<?> type = owner.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Method method = type.getDeclaredMethod(name, types);
                method.setAccessible(true);
                return method.invoke(owner, arguments);
            } catch (NoSuchMethodException e) {
                continue;
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no method " + name + " in " + owner.getClass().getName() + " or its superclasses");
    }

    private static Field accessible(Object owner, String name) throws NoSuchFieldException {
        for (Class<?> type = owner.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                return field;
            } catch (NoSuchFieldException e) {
                continue;
            }
        }
        throw new NoSuchFieldException(name + " in " + owner.getClass().getName() + " or its superclasses");
    }
}
