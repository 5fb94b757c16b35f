/** The processor's local APIC (xAPIC), memory-mapped at 0xfee00000. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.devices.apic;
