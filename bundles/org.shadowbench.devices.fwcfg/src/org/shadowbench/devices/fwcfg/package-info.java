/** QEMU's firmware configuration interface (fw_cfg) on I/O ports 0x510 and 0x511. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.devices.fwcfg;
