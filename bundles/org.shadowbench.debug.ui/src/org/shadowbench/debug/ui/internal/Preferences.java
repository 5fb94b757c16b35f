package org.shadowbench.debug.ui.internal;

import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.shadowbench.debug.ShadowbenchDebug;
import org.shadowbench.ui.MachineDefaults;

/**
 * What a new "Shadowbench Guest" configuration starts with: the workbench's machine defaults
 * ({@link MachineDefaults}, the preferences the New Machine dialog also uses), copied into the
 * configuration so that it keeps them when the preferences change later.
 */
public final class Preferences {
    private Preferences() {
    }

    public static int defaultRamMiB() {
        return MachineDefaults.ramMiB();
    }

    /** Sets RAM, pool size and modification limit of a new configuration from the preferences. */
    public static void applyDefaults(ILaunchConfigurationWorkingCopy configuration) {
        configuration.setAttribute(ShadowbenchDebug.ATTR_RAM_MIB, MachineDefaults.ramMiB());
        configuration.setAttribute(ShadowbenchDebug.ATTR_POOL_PAGES, MachineDefaults.poolPages());
        configuration.setAttribute(ShadowbenchDebug.ATTR_MODIFICATION_LIMIT, MachineDefaults.modificationLimit());
    }
}
