/** The I/O APIC (82093AA) routing the ISA interrupt lines to the local APIC. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.devices.ioapic;
