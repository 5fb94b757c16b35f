package org.shadowbench.debug.internal;

import java.util.Locale;

import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.Register;

/**
 * Which registers the debugger may change and how a new value reaches the CPU: the general registers,
 * EIP, EFLAGS with its flags and IOPL, and CR0, CR3 and CR4 (written with their architectural side
 * effects, as a MOV to CR would). Segment registers, their hidden parts, CR2, EFER and CPL stay
 * read-only: changing them alone would leave the CPU in a state no instruction can produce.
 *
 * <p>Values are hexadecimal, as the Registers view shows them, with or without {@code 0x}.
 */
final class RegisterWrite {
    private static final String[] FLAG_NAMES = { "CF", "PF", "AF", "ZF", "SF", "TF", "IF", "DF", "OF", "NT", "RF", "VM", "AC" };
    private static final int[] FLAG_BITS = { 0, 2, 4, 6, 7, 8, 9, 10, 11, 14, 16, 17, 18 };

    private RegisterWrite() {
    }

    /** Whether the register of that name can be written. */
    static boolean writable(String name) {
        return general(name) != null || name.equals("EIP") || name.equals("EFLAGS") || flagBit(name) >= 0
                || name.equals("IOPL") || name.equals("CR0") || name.equals("CR3") || name.equals("CR4");
    }

    /** Why the register cannot be written, for the error message. */
    static String whyReadOnly(String name) {
        return name + " is read-only: the debugger changes the general registers, EIP, EFLAGS and its flags, IOPL, "
                + "CR0, CR3 and CR4";
    }

    /**
     * Parses a value for a register of {@code bits} bits.
     *
     * @throws IllegalArgumentException with the reason when the text is not a hexadecimal number that fits
     */
    static long parse(String text, int bits) {
        String digits = text.trim();
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            digits = digits.substring(2);
        }
        digits = digits.replace("_", "");
        if (digits.isEmpty() || digits.length() > 16 || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("'" + text.trim() + "' is not a hexadecimal number (e.g. 0x1000)");
        }
        long value = Long.parseUnsignedLong(digits, 16);
        if (bits < 64 && Long.compareUnsigned(value, (1L << bits) - 1) > 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s does not fit in %d bit%s (at most %#x)",
                    text.trim(), bits, bits == 1 ? "" : "s", (1L << bits) - 1));
        }
        return value;
    }

    /** Writes the register (emulation thread, the guest suspended). */
    static void apply(Cpu cpu, String name, long value) {
        Register register = general(name);
        int bit = flagBit(name);
        if (register != null) {
            cpu.setRegister(register, (int) value);
        } else if (name.equals("EIP")) {
            cpu.setEip((int) value);
        } else if (name.equals("EFLAGS")) {
            cpu.setEflags((int) value);
        } else if (bit >= 0) {
            cpu.setEflags(cpu.eflags() & ~(1 << bit) | (int) value << bit);
        } else if (name.equals("IOPL")) {
            cpu.setEflags(cpu.eflags() & ~(3 << 12) | (int) value << 12);
        } else if (name.startsWith("CR") && writable(name)) {
            cpu.setControlRegister(name.charAt(2) - '0', (int) value);
        } else {
            throw new IllegalArgumentException(whyReadOnly(name));
        }
    }

    private static Register general(String name) {
        for (Register register : Register.values()) {
            if (register.name().equals(name)) {
                return register;
            }
        }
        return null;
    }

    private static int flagBit(String name) {
        for (int i = 0; i < FLAG_NAMES.length; i++) {
            if (FLAG_NAMES[i].equals(name)) {
                return FLAG_BITS[i];
            }
        }
        return -1;
    }
}
