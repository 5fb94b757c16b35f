package org.shadowbench.ui;

import org.eclipse.core.runtime.Platform;
import org.shadowbench.machine.MachineConfiguration;

/**
 * The workbench's defaults for new machines, kept as instance-scope preferences of this bundle
 * (edited on the Window &gt; Preferences &gt; Shadowbench page): the RAM a new machine starts with, the
 * shadow pool's size and its modification limit, and how often sessions refresh. Machines launched here
 * ({@link MachineSessions#launch}) and debug launch configurations made by the workbench use them.
 */
public final class MachineDefaults {
    /** The preference node (this bundle's symbolic name). */
    public static final String NODE = "org.shadowbench.ui";
    /** RAM of a new machine, in MiB. */
    public static final String RAM_MIB = "defaultRamMiB";
    /** Shadow pool size in pages; 0 sizes the pool for the RAM as VirtualBox does. */
    public static final String POOL_PAGES = "poolPages";
    /** Writes to a monitored page table before the pool flushes it; 0 for the pool's default. */
    public static final String MODIFICATION_LIMIT = "modificationLimit";
    /** Period of a session's snapshots while its guest runs, in ms. */
    public static final String REFRESH_MILLIS = "refreshMillis";

    /** RAM when nothing is set. */
    public static final int DEFAULT_RAM_MIB = 64;
    /** Refresh period when nothing is set. */
    public static final int DEFAULT_REFRESH_MILLIS = MachineSession.REFRESH_MILLIS;
    /** Shortest refresh period: snapshots copy engine state on the emulation thread. */
    public static final int MIN_REFRESH_MILLIS = 20;
    /** Longest refresh period. */
    public static final int MAX_REFRESH_MILLIS = 5000;

    private MachineDefaults() {
    }

    public static int ramMiB() {
        return read(RAM_MIB, DEFAULT_RAM_MIB);
    }

    public static int poolPages() {
        return read(POOL_PAGES, 0);
    }

    public static int modificationLimit() {
        return read(MODIFICATION_LIMIT, 0);
    }

    /** The refresh period, clamped to [{@value #MIN_REFRESH_MILLIS}, {@value #MAX_REFRESH_MILLIS}] ms. */
    public static int refreshMillis() {
        return Math.max(MIN_REFRESH_MILLIS, Math.min(MAX_REFRESH_MILLIS, read(REFRESH_MILLIS, DEFAULT_REFRESH_MILLIS)));
    }

    /**
     * The machine configuration for {@code ramBytes} of RAM with the pool settings of the preferences.
     *
     * @throws org.shadowbench.memory.PgmException when a value is out of the machine's range
     */
    public static MachineConfiguration configuration(long ramBytes) {
        return MachineConfiguration.defaults().withRam(ramBytes).withPoolPages(poolPages())
                .withModificationLimit(modificationLimit());
    }

    private static int read(String key, int fallback) {
        return Platform.getPreferencesService().getInt(NODE, key, fallback, null);
    }
}
