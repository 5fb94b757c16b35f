/** The PC's MC146818-compatible CMOS memory and real-time clock. */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.devices.rtc;
