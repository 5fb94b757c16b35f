/** A memory-mapped scratch device that records every access, for guests that test handler dispatch. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.devices.probe;
