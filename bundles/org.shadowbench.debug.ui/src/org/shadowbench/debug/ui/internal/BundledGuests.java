package org.shadowbench.debug.ui.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.eclipse.core.runtime.Platform;
import org.osgi.framework.FrameworkUtil;
import org.shadowbench.guests.GuestSuite;

/**
 * The bundled demo guest as a file: a launch configuration names a kernel file, and the guest suite
 * keeps its guests inside its bundle, so the demo is copied to this bundle's state location (again
 * only when the bundled image changed).
 */
public final class BundledGuests {
    private BundledGuests() {
    }

    /** The demo guest's file, written when missing or different. */
    public static Path demoFile() throws IOException {
        return file("demo");
    }

    /** A bundled guest of {@code org.shadowbench.guests} as a file. */
    public static Path file(String name) throws IOException {
        byte[] image = GuestSuite.image(name);
        Path directory = Platform.getStateLocation(FrameworkUtil.getBundle(BundledGuests.class)).toPath().resolve("guests");
        Files.createDirectories(directory);
        Path file = directory.resolve(name + ".elf");
        if (!Files.exists(file) || !Arrays.equals(Files.readAllBytes(file), image)) {
            Files.write(file, image);
        }
        return file;
    }
}
