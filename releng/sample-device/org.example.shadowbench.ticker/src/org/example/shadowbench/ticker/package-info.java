/** A sample third-party Shadowbench device: a programmable ticker with memory-mapped registers and an interrupt. */
@org.osgi.annotation.versioning.Version("1.0.0")
package org.example.shadowbench.ticker;
