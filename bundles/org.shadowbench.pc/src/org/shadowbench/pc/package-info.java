/** The standard PC: the device set the runner and the debugger give every guest. */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.shadowbench.pc;
