/**
 * Implementation of the page model; exported only to the memory test bundle.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.memory.internal;
