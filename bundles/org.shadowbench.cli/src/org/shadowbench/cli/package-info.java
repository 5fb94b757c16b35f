/**
 * The headless runner: {@code shadowbench <command> [options]} from a terminal.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.cli;
