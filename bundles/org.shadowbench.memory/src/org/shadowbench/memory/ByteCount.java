package org.shadowbench.memory;

import java.util.Locale;

/** Renders byte counts for people: {@code 128 MiB}, {@code 6.5 GiB}, {@code 12 bytes}. */
public final class ByteCount {
    private static final String[] UNITS = { "bytes", "KiB", "MiB", "GiB", "TiB", "PiB" };

    private ByteCount() {
    }

    /** The count in the largest binary unit not above it; exact values without decimals. */
    public static String format(long bytes) {
        double value = bytes;
        int unit = 0;
        while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%d %s", (long) value, UNITS[unit])
                : String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }
}
