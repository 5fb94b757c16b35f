/** The PC's 8254 programmable interval timer and the speaker/gate port 0x61. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.devices.pit;
