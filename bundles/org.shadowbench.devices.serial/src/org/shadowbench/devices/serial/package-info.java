/** The 16550A UART, as on a PC's COM ports. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.devices.serial;
