/**
 * A virtual PC: configuration, memory layout, the engine's assembly, the emulation thread with run
 * control, guest loaders (multiboot and flat binaries) and the device SPI.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.machine;
