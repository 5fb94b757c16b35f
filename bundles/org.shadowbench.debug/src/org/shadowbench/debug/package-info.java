/**
 * The Eclipse debug model of a Shadowbench guest: the launch configuration type and its
 * attributes, and the breakpoints and watchpoints a client can create (0.2: {@link org.shadowbench.debug.PhysicalWatchpoint}). The model itself (target, thread, frames,
 * registers, memory blocks) is reached through the platform's {@code org.eclipse.debug.core}
 * interfaces.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.shadowbench.debug;
