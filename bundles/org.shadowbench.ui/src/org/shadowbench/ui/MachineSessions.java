package org.shadowbench.ui;

import java.io.IOException;
import java.util.List;

import org.shadowbench.machine.GuestLoadException;

/**
 * The machines running in the workbench (an OSGi service of the UI bundle). Launching builds a PC
 * as the headless runner does, with COM1 on a workbench console, and starts it paused.
 */
public interface MachineSessions {
    /** Told when sessions come and go, on the thread that launched or terminated them. */
    interface Listener {
        void sessionsChanged();
    }

    /** The running sessions, oldest first. */
    List<MachineSession> sessions();

    /**
     * Builds the machine, loads the guest and starts the emulation thread (paused). Slow (reads
     * the guest, allocates the engine): call it from a job, not the UI thread.
     */
    MachineSession launch(MachineSpec spec) throws IOException, GuestLoadException;

    /**
     * Shows a machine that another component launched and owns (0.2): it gets a session like the
     * machines launched here, with snapshots and the views, but its run control goes to
     * {@code control} and its COM1 stays with the owner. The owner calls the session's
     * {@link MachineSession#terminate()} when its machine ends (the session then leaves; the machine is
     * not closed by it).
     *
     * @param spec    what runs, for the views (name, guest, RAM, command line)
     * @param machine the started machine (only requests are submitted to it)
     * @param pc      the machine's standard PC devices, which views read in requests (the VGA screen)
     * @param control where the Machines view's actions go
     */
    MachineSession adopt(MachineSpec spec, org.shadowbench.machine.Machine machine, org.shadowbench.pc.StandardPc pc,
            MachineControl control);

    void addListener(Listener listener);

    void removeListener(Listener listener);
}
