package org.shadowbench.machine;

/**
 * A device of a machine: it claims I/O ports, registers access handlers or raises interrupts through
 * the {@link DeviceContext} it is attached with. Device bundles publish their devices as OSGi
 * services (whiteboard); the headless runner attaches them directly. Both methods run on the
 * emulation thread.
 */
public interface MachineDevice {
    /** A short name for logs and views ("com1", "debug-exit"). */
    String name();

    /** Connects the device to a machine: claim ports, register handlers. */
    void attach(DeviceContext context);

    /** Disconnects it: release every port and handler claimed in {@link #attach}. */
    void detach();

    /** Puts the device in its power-on state (machine reset); attached devices stay attached. */
    default void reset() {
    }

    /** A line about the device's state for snapshots and views (emulation thread). */
    default String summary() {
        return "";
    }
}
