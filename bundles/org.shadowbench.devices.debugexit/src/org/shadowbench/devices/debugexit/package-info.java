/** Ports through which a guest ends its run: QEMU's isa-debug-exit and Bochs's shutdown port. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.devices.debugexit;
