package org.shadowbench.handlers;

/**
 * The code behind a handler type: called on the emulation thread for each intercepted access to
 * a range covered by a handler of the type.
 */
@FunctionalInterface
public interface PhysicalAccessCallback {
    /**
     * @param access       the access (reused between calls; do not keep)
     * @param userArgument the handler's user argument
     * @return what to do with the access
     */
    AccessOutcome onAccess(PhysicalAccess access, Object userArgument);
}
