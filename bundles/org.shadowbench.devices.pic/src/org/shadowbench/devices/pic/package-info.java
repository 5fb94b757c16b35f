/** The PC's two cascaded 8259A programmable interrupt controllers. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.devices.pic;
