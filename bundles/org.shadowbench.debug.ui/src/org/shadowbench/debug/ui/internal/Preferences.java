package org.shadowbench.debug.ui.internal;

import org.eclipse.core.runtime.Platform;
import org.shadowbench.debug.ShadowbenchDebug;

/**
 * The Shadowbench debugger preferences (instance scope of this bundle, set on the "Shadowbench"
 * preference page): what a new "Shadowbench Guest" configuration starts with.
 */
public final class Preferences {
    /** RAM of a new configuration, in MiB. */
    public static final String DEFAULT_RAM_MIB = "defaultRamMiB";
    /** Shadow page pool size of new configurations, in pages; 0 sizes it for the RAM as VirtualBox does. */
    public static final String POOL_PAGES = "poolPages";

    private Preferences() {
    }

    public static int defaultRamMiB() {
        return Platform.getPreferencesService().getInt(DebugUiActivator.BUNDLE, DEFAULT_RAM_MIB,
                ShadowbenchDebug.DEFAULT_RAM_MIB, null);
    }

    public static int poolPages() {
        return Platform.getPreferencesService().getInt(DebugUiActivator.BUNDLE, POOL_PAGES, 0, null);
    }
}
