package org.shadowbench.cpu.internal;

import java.util.Arrays;
import java.util.List;

import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;

/**
 * Translations of linear pages onto MMIO pages, kept beside the TLB (QEMU flags such TLB entries for
 * I/O). An MMIO page, and an MMIO page aliased to a device's own frame as a special alias (the local
 * APIC's), never gets a shadow entry, so without this every access to it walked the shadow and the
 * guest tables again before reaching the registry: xv6 reads its local APIC's ID on every spinlock,
 * some 90 million times in `usertests`. The access itself still goes through the registry, so
 * handler callbacks, hit counts and events are exactly as before; only the walks are skipped.
 *
 * <p>An entry holds the rights the guest's tables granted at its walk, in the TLB's bits; a write is
 * granted only once the guest's dirty bit is set, as the walk would have set it. Entries go with every
 * TLB flush and with any change to a page's backing, so a page that stops being MMIO is never reached
 * through a stale entry. Small and direct-mapped: a guest touches few device pages.
 */
final class MmioTranslations {
    private static final int SIZE = 16;
    private static final int MASK = SIZE - 1;

    private final int[] page = new int[SIZE];
    private final int[] rights = new int[SIZE];
    private final long[] physical = new long[SIZE];
    /** Whether any entry may be valid: flushes with nothing cached cost nothing. */
    private boolean filled;

    /** Accesses that went to the registry without a walk (shown in the TLB dump). */
    long hits;

    MmioTranslations() {
        Arrays.fill(page, -1);
    }

    /** The guest-physical address the linear one maps to if an entry grants {@code needed}, else -1. */
    long lookup(int linear, int needed) {
        int slot = (linear >>> 12) & MASK;
        if (page[slot] != linear >>> 12 || (rights[slot] & needed) == 0) {
            return -1;
        }
        hits++;
        return physical[slot] | (linear & 0xfff);
    }

    /** Records that the linear page maps the MMIO page at {@code physicalPage} with {@code granted} rights. */
    void remember(int linear, long physicalPage, int granted) {
        int slot = (linear >>> 12) & MASK;
        page[slot] = linear >>> 12;
        rights[slot] = granted;
        physical[slot] = physicalPage;
        filled = true;
    }

    void forget(int linear) {
        int slot = (linear >>> 12) & MASK;
        if (page[slot] == linear >>> 12) {
            page[slot] = -1;
        }
    }

    void clear() {
        if (filled) {
            Arrays.fill(page, -1);
            filled = false;
        }
    }

    /** Appends every entry that does not lead to an MMIO page or a special alias of one. */
    void check(PhysicalMemory memory, List<String> problems) {
        for (int slot = 0; slot < SIZE; slot++) {
            if (page[slot] == -1) {
                continue;
            }
            RamRange range = memory.rangeAt(physical[slot]);
            PageType type = range == null ? null : range.pageType(range.pageIndex(physical[slot]));
            if (type != PageType.MMIO && type != PageType.SPECIAL_ALIAS_MMIO) {
                problems.add(String.format("MMIO translation of linear page %#x leads to %#x, which is not an MMIO page",
                        (long) page[slot] << 12, physical[slot]));
            }
            if (((page[slot] & MASK) != slot)) {
                problems.add(String.format("MMIO translation of linear page %#x sits in slot %d", (long) page[slot] << 12, slot));
            }
        }
    }
}
