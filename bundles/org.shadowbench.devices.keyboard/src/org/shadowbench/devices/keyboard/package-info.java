/** The PC's 8042 keyboard controller with a PS/2 keyboard. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.devices.keyboard;
