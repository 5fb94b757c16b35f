/**
 * Shadowbench's workbench side: machines running in the workbench ({@link org.shadowbench.ui.MachineSession},
 * each also published as an OSGi service) and the registry that launches them
 * ({@link org.shadowbench.ui.MachineSessions}); 0.2: machines other components launched and own,
 * shown through {@link org.shadowbench.ui.MachineSessions#adopt} with their
 * {@link org.shadowbench.ui.MachineControl}, and the defaults for new machines,
 * {@link org.shadowbench.ui.MachineDefaults}. The views (machines, guest memory map, access handlers)
 * live in the internal package and follow the machine selected in the Machines view.
 *
 * <p>Threading: sessions take snapshots on a refresh thread of their own, at most ten times a
 * second while a guest runs; listeners are called there, never on the UI or the emulation thread.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.shadowbench.ui;
