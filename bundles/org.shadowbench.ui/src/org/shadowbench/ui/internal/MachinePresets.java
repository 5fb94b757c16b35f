package org.shadowbench.ui.internal;

import org.shadowbench.ui.MachineSpec;

/**
 * The machines the workbench offers ready-made, and how a guest field names a bundled guest. The New
 * Machine dialog's preset and the machine launched at start ({@link MachinesView#LAUNCH_PROPERTY})
 * both take the demo from here.
 */
public final class MachinePresets {
    /** How a guest field (the dialog's, the launch property) names a bundled guest: {@code bundled:demo}. */
    public static final String BUNDLED_PREFIX = "bundled:";
    /** RAM of a machine launched at start when no preset says otherwise. */
    static final long START_RAM = 64L << 20;
    /**
     * The bundled demo in 64 MiB with a workload to watch: {@code rounds=50000} is about a minute of
     * switching between its eight copy-on-write address spaces (at 50 MIPS), long enough to watch the
     * pool and pause in it. The guest's default of 4 rounds ends in a tenth of a second, which suits
     * the headless main job.
     */
    public static final MachineSpec DEMO = MachineSpec.bundledGuest("demo", 64L << 20, "rounds=50000");

    private MachinePresets() {
    }

    /** The guest field's text for a bundled guest's or a file's machine. */
    static String guestText(MachineSpec spec) {
        return spec.bundled() != null ? BUNDLED_PREFIX + spec.bundled() : spec.guestFile().toString();
    }
}
