package org.shadowbench.handlers.tests.device;

import java.util.function.Consumer;

import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerTypeService;
import org.shadowbench.handlers.PhysicalAccess;

/**
 * A device's handler type. This class is not used by the test bundle itself: the whiteboard test
 * copies it into a bundle it builds, installs, stops and restarts, and every callback reports to a
 * probe so the test sees any call that reaches the device after it departed.
 */
public final class ProbedDeviceType implements HandlerTypeService {
    private final Consumer<String> probe;

    ProbedDeviceType(Consumer<String> probe) {
        this.probe = probe;
    }

    @Override
    public HandlerKind kind() {
        return HandlerKind.ALL;
    }

    @Override
    public String description() {
        return "probed test device";
    }

    @Override
    public AccessOutcome onAccess(PhysicalAccess access, Object userArgument) {
        probe.accept(access.type() + " " + Long.toHexString(access.address()) + " " + userArgument);
        if (access.type() == org.shadowbench.handlers.AccessType.READ) {
            access.complete(0x42);
        }
        return AccessOutcome.HANDLED;
    }
}
