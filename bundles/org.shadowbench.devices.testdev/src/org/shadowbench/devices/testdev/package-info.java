/** QEMU's pc-testdev: the ports and memory kvm-unit-tests uses to drive IRQ lines, flush pages and test string I/O. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.devices.testdev;
