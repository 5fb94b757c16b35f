/** A VGA in text mode, with its video memory as an MMIO2 region aliased into the legacy window. */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.shadowbench.devices.vga;
