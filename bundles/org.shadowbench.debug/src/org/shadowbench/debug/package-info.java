/**
 * The Eclipse debug model of a Shadowbench guest: the launch configuration type and its
 * attributes, and the breakpoints and watchpoints a client can create (0.2: {@link org.shadowbench.debug.PhysicalWatchpoint}; 0.3: {@link org.shadowbench.debug.GuestTarget}
 * for clients that show a launched machine elsewhere, and the console attribute). The model itself (target, thread, frames,
 * registers, memory blocks) is reached through the platform's {@code org.eclipse.debug.core}
 * interfaces.
 */
@org.osgi.annotation.versioning.Version("0.3.0")
package org.shadowbench.debug;
