/**
 * An ATA/IDE disk controller with PIO transfers (two channels, two drives each) and the disk images
 * behind its drives.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.devices.ide;
