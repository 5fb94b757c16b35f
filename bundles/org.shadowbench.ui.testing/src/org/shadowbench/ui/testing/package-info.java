/**
 * Helpers for workbench UI tests (run on the UI thread under the UI harness): the event loop, waiting
 * for a condition, and screenshots. Used by the views' and the debugger UI's test bundles; shipped in
 * no feature.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.ui.testing;
