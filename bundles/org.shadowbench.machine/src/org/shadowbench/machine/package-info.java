/**
 * Assembly of a virtual PC: its configuration and guest-physical memory layout. Later the home of
 * the emulation thread, run control, loaders and snapshots.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.machine;
