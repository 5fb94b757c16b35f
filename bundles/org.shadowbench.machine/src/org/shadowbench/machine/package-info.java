/**
 * A virtual PC: configuration, memory layout, the engine's assembly, the emulation thread with run
 * control, guest loaders (multiboot and flat binaries) and the device SPI. 0.2: the pool's
 * modification limit in {@link org.shadowbench.machine.MachineConfiguration}.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.shadowbench.machine;
