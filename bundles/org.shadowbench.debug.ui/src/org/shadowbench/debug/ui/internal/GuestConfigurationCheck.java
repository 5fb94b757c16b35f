package org.shadowbench.debug.ui.internal;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

import org.shadowbench.machine.MachineConfiguration;

/**
 * What the launch tab checks before a "Shadowbench Guest" configuration may be launched: the same
 * conditions under which the launch delegate would fail, found while the user edits, each with a
 * message that says what to change.
 */
public final class GuestConfigurationCheck {
    /** Smallest RAM in MiB the machine accepts. */
    public static final int MIN_RAM_MIB = (int) (MachineConfiguration.MIN_RAM >> 20);
    /** Largest RAM in MiB the machine accepts. */
    public static final int MAX_RAM_MIB = (int) (MachineConfiguration.MAX_RAM >> 20);
    /** Drives on the IDE controller. */
    public static final int MAX_DISKS = 4;

    private GuestConfigurationCheck() {
    }

    /** The first problem of the values, or {@code null} when a launch can go ahead. */
    public static String problem(String guest, String ramMiB, List<String> modules, List<String> disks) {
        String problem = file("guest kernel", guest);
        if (problem != null) {
            return problem;
        }
        int ram;
        try {
            ram = Integer.parseInt(ramMiB.trim());
        } catch (NumberFormatException e) {
            return "RAM must be a whole number of MiB, not '" + ramMiB.trim() + "'";
        }
        if (ram < MIN_RAM_MIB || ram > MAX_RAM_MIB) {
            return "RAM must be between " + MIN_RAM_MIB + " and " + MAX_RAM_MIB + " MiB, not " + ram;
        }
        for (String module : modules) {
            problem = file("module", module);
            if (problem != null) {
                return problem;
            }
        }
        if (disks.size() > MAX_DISKS) {
            return disks.size() + " disks: the IDE controller takes at most " + MAX_DISKS;
        }
        for (String disk : disks) {
            problem = file("disk image", disk);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String file(String what, String text) {
        if (text == null || text.isBlank()) {
            return "Choose the " + what + " file";
        }
        Path path;
        try {
            path = Path.of(text.trim());
        } catch (InvalidPathException e) {
            return "The " + what + " path is not valid: " + e.getReason();
        }
        if (!Files.exists(path)) {
            return "The " + what + " " + path + " does not exist";
        }
        if (Files.isDirectory(path)) {
            return "The " + what + " " + path + " is a folder, not a file";
        }
        if (!Files.isReadable(path)) {
            return "The " + what + " " + path + " cannot be read";
        }
        return null;
    }
}
