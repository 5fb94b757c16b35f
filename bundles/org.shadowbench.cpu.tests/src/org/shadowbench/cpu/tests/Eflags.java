package org.shadowbench.cpu.tests;

import java.util.ArrayList;
import java.util.List;

/** EFLAGS bits by name, for readable expectations ("CF ZF") and failure messages. */
final class Eflags {
    static final int CF = 0x1;
    static final int PF = 0x4;
    static final int AF = 0x10;
    static final int ZF = 0x40;
    static final int SF = 0x80;
    static final int TF = 0x100;
    static final int IF = 0x200;
    static final int DF = 0x400;
    static final int OF = 0x800;
    static final int ARITH = CF | PF | AF | ZF | SF | OF;

    private static final String[] NAMES = { "CF", "PF", "AF", "ZF", "SF", "OF" };
    private static final int[] BITS = { CF, PF, AF, ZF, SF, OF };

    private Eflags() {
    }

    /** Parses "CF ZF" (any order, empty for none). */
    static int parse(String names) {
        int bits = 0;
        for (String name : names.trim().split("\\s+")) {
            if (name.isEmpty()) {
                continue;
            }
            int index = List.of(NAMES).indexOf(name);
            if (index < 0) {
                throw new IllegalArgumentException("unknown flag " + name);
            }
            bits |= BITS[index];
        }
        return bits;
    }

    /** The arithmetic flags set, by name. */
    static String describe(int eflags) {
        List<String> set = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            if ((eflags & BITS[i]) != 0) {
                set.add(NAMES[i]);
            }
        }
        return String.join(" ", set);
    }
}
