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

    void addListener(Listener listener);

    void removeListener(Listener listener);
}
