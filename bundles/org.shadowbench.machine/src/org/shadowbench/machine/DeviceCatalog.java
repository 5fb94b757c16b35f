package org.shadowbench.machine;

import java.util.List;

/**
 * The OSGi whiteboard of {@link MachineDevice} services. Device bundles publish their devices as
 * prototype-scoped services; the catalog gives every connected machine its own instance of each,
 * attached on the machine's emulation thread as the service arrives, and detached there, before the
 * service is gone, when it departs (bundle stopped, updated or uninstalled). After a departure no
 * access reaches the departed code: its ports and ranges are gone, so the guest sees unclaimed
 * ports and unassigned memory.
 */
public interface DeviceCatalog {
    /** The names of the device services present now. */
    List<String> deviceNames();

    /**
     * Connects a started machine to the whiteboard: every device present is attached to it now, and
     * later arrivals and departures follow. A device the machine refuses (its ports are taken) is
     * skipped and reported by {@link #refusals()}.
     *
     * @return closing it detaches the catalog's devices from the machine and disconnects it
     */
    AutoCloseable connect(Machine machine);

    /** Why devices were not attached (one line each), newest last. */
    List<String> refusals();
}
