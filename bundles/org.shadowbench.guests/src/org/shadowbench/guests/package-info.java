/** The guest suite: self-checking multiboot kernels that exercise the CPU, the pool and the handlers. */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.shadowbench.guests;
