/**
 * The views, the session registry and the machinery between them: the refresh thread that takes
 * snapshots ({@code Session}, {@code SessionRegistry}), COM1 on a console ({@code SerialConsole}),
 * the throttle that posts refreshes to the UI thread ({@code UiThrottle}) and the follower that lets
 * a view show the machine selected in the Machines view ({@code SessionFollower}). Exported only to
 * the test bundle.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.shadowbench.ui.internal;
