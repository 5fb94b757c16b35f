package org.shadowbench.ui;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What to launch: a multiboot guest, either a file or one of the bundled guests, with its RAM and
 * command line.
 *
 * @param name        the machine's name in views and on its console
 * @param guestFile   the guest's file, or {@code null} for a bundled guest
 * @param bundled     the bundled guest's name ({@code "demo"}) when {@code guestFile} is null
 * @param ramSize     guest RAM in bytes (a multiple of 1 MiB)
 * @param commandLine the multiboot command line
 * @param poolPages   the shadow page pool's size in pages, or 0 for VirtualBox's sizing for the RAM
 */
public record MachineSpec(String name, Path guestFile, String bundled, long ramSize, String commandLine, int poolPages) {
    public MachineSpec {
        Objects.requireNonNull(name);
        commandLine = commandLine == null ? "" : commandLine;
        if ((guestFile == null) == (bundled == null)) {
            throw new IllegalArgumentException("give either a guest file or a bundled guest");
        }
        if (poolPages < 0) {
            throw new IllegalArgumentException("pool size " + poolPages + " pages: must be 0 (sized for the RAM) or more");
        }
    }

    /** A machine whose pool is sized for its RAM. */
    public MachineSpec(String name, Path guestFile, String bundled, long ramSize, String commandLine) {
        this(name, guestFile, bundled, ramSize, commandLine, 0);
    }

    /** The same machine with a shadow page pool of {@code pages} pages (0: sized for the RAM). */
    public MachineSpec withPoolPages(int pages) {
        return new MachineSpec(name, guestFile, bundled, ramSize, commandLine, pages);
    }

    /** A machine running one of the bundled guests of {@code org.shadowbench.guests}. */
    public static MachineSpec bundledGuest(String guest, long ramSize, String commandLine) {
        return new MachineSpec(guest, null, guest, ramSize, commandLine);
    }

    /** A machine running a guest file, named after the file. */
    public static MachineSpec file(Path guest, long ramSize, String commandLine) {
        return new MachineSpec(guest.getFileName().toString(), guest, null, ramSize, commandLine);
    }

    /** The guest as views show it: the file's path or "bundled demo". */
    public String guestLabel() {
        return guestFile != null ? guestFile.toString() : "bundled " + bundled;
    }
}
