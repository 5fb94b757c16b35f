package org.shadowbench.debug.ui.internal;

import java.util.Locale;

/**
 * Addresses typed into the breakpoint and watchpoint dialogs: hexadecimal (with or without
 * {@code 0x}, underscores allowed between digits), checked against the address space's end.
 */
public final class AddressParser {
    /** The last guest-linear address (32 bits). */
    public static final long LINEAR_LIMIT = 0xffff_ffffL;
    /** The last guest-physical address (52 bits). */
    public static final long PHYSICAL_LIMIT = (1L << 52) - 1;

    private AddressParser() {
    }

    /**
     * The address in {@code text}.
     *
     * @param limit the last address of the space
     * @throws IllegalArgumentException with a message for the dialog when the text is not an address there
     */
    public static long parse(String text, long limit) {
        String digits = text == null ? "" : text.trim();
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            digits = digits.substring(2);
        }
        if (digits.startsWith("_") || digits.endsWith("_")) {
            throw new IllegalArgumentException("'" + text.trim() + "' is not a hexadecimal address (e.g. 0x100000)");
        }
        digits = digits.replace("_", "");
        if (digits.isEmpty()) {
            throw new IllegalArgumentException("Enter an address in hexadecimal, e.g. 0x100000");
        }
        if (digits.length() > 16 || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("'" + text.trim() + "' is not a hexadecimal address (e.g. 0x100000)");
        }
        long value = Long.parseUnsignedLong(digits, 16);
        if (Long.compareUnsigned(value, limit) > 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s is beyond the last address, %#x",
                    text.trim(), limit));
        }
        return value;
    }

    /** The problem with {@code text} as an address, or {@code null} when it is one. */
    public static String problem(String text, long limit) {
        try {
            parse(text, limit);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
