/**
 * The workbench side of the Shadowbench debugger: the "Shadowbench Guest" launch tabs and shortcut,
 * the debug model presentation, the breakpoint and watchpoint actions, the bridge that shows debug
 * launches in the Machines view, and the preferences. Internal: other bundles use the platform's
 * extension points and the debug model's API ({@code org.shadowbench.debug}).
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.debug.ui.internal;
