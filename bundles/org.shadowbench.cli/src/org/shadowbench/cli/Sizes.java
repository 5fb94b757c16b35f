package org.shadowbench.cli;

import java.util.Locale;

/** Parses sizes such as {@code 128M}, {@code 4G}, {@code 640K} or plain byte counts. */
public final class Sizes {
    private Sizes() {
    }

    /**
     * @param option the option the value belongs to, for the error message
     * @throws UsageException when the text is not a size
     */
    public static long parse(String option, String text) throws UsageException {
        String value = text.trim().toUpperCase(Locale.ROOT);
        if (value.endsWith("IB")) {
            value = value.substring(0, value.length() - 2);
        } else if (value.endsWith("B") && value.length() > 1 && !Character.isDigit(value.charAt(value.length() - 2))) {
            value = value.substring(0, value.length() - 1);
        }
        int shift = 0;
        if (!value.isEmpty()) {
            switch (value.charAt(value.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> shift = 0;
            }
        }
        String digits = shift == 0 ? value : value.substring(0, value.length() - 1);
        try {
            long number = Long.parseLong(digits);
            if (number < 0 || (shift > 0 && number > (Long.MAX_VALUE >> shift))) {
                throw new UsageException(option + ": size out of range: " + text);
            }
            return number << shift;
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": not a size: '" + text + "' (use e.g. 128M, 4G or a byte count)");
        }
    }
}
