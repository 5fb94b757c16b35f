package org.shadowbench.debug;

/**
 * Identifiers of the Shadowbench debug model and the attributes of a "Shadowbench Guest" launch
 * configuration.
 */
public final class ShadowbenchDebug {
    /** The bundle's symbolic name. */
    public static final String BUNDLE = "org.shadowbench.debug";
    /** The debug model identifier of every element of a guest's debug target. */
    public static final String MODEL_ID = "org.shadowbench.debug";
    /** The launch configuration type "Shadowbench Guest". */
    public static final String LAUNCH_TYPE = "org.shadowbench.debug.launchType";

    /** Path of the multiboot kernel (String, required). */
    public static final String ATTR_GUEST = "org.shadowbench.debug.guest";
    /** RAM in MiB (int, default {@link #DEFAULT_RAM_MIB}). */
    public static final String ATTR_RAM_MIB = "org.shadowbench.debug.ramMiB";
    /** The kernel's multiboot command line (String, default empty). */
    public static final String ATTR_COMMAND_LINE = "org.shadowbench.debug.commandLine";
    /** Paths of multiboot modules, in order (List of String, default none). */
    public static final String ATTR_MODULES = "org.shadowbench.debug.modules";
    /**
     * Raw disk images (List of String, default none), placed as QEMU numbers IDE drives: the first is the
     * primary master, then primary slave, secondary master, secondary slave; at most four.
     */
    public static final String ATTR_DISKS = "org.shadowbench.debug.disks";
    /** Keep the guest's disk writes in memory instead of the files (boolean, default false). */
    public static final String ATTR_DISK_SNAPSHOT = "org.shadowbench.debug.diskSnapshot";
    /**
     * Shadow page pool size in pages (int, default 0: sized for the RAM as VirtualBox does; else 16 up
     * to the pool's maximum).
     */
    public static final String ATTR_POOL_PAGES = "org.shadowbench.debug.poolPages";
    /**
     * Writes to one monitored page table before the shadow pool flushes it instead of emulating them
     * (int, default 0: the pool's default heuristic).
     */
    public static final String ATTR_MODIFICATION_LIMIT = "org.shadowbench.debug.modificationLimit";
    /** Suspend before the kernel's first instruction (boolean, default false). */
    public static final String ATTR_STOP_AT_ENTRY = "org.shadowbench.debug.stopAtEntry";

    /**
     * The guest echoes what it reads from COM1, as xv6's console does (boolean, default true). The
     * launch's process console already shows a typed line, so the console hides the guest's echo of it;
     * with false, everything the guest writes is shown.
     */
    public static final String ATTR_GUEST_ECHOES = "org.shadowbench.debug.guestEchoes";
    /** The launch's process type: the guest's COM1 (the process console's input goes to its receiver). */
    public static final String PROCESS_TYPE = "org.shadowbench.debug.com1";

    /** RAM when the configuration does not say. */
    public static final int DEFAULT_RAM_MIB = 64;

    /** Memory block expressions: a prefix picks the address space, the rest is the address. */
    public static final String LINEAR_PREFIX = "linear:";
    /** Prefix of guest-physical memory block expressions. */
    public static final String PHYSICAL_PREFIX = "phys:";

    private ShadowbenchDebug() {
    }
}
