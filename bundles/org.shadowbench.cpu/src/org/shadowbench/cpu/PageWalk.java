package org.shadowbench.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One linear address translated both ways, side by side: through the guest's page tables (what
 * the guest means) and through the shadow tables and the TLB (what the CPU actually uses), with
 * the reason the two differ. Taken without side effects: no accessed or dirty bit is set, no
 * shadow entry synced, no handler called.
 *
 * @param linear          the linear address
 * @param mode            the guest's paging mode: "none", "32-bit" or "PAE"
 * @param guestLevels     the guest's entries from the top level down, as far as the walk got
 * @param guestPhysical   the guest-physical address, or -1 when the guest does not map it
 * @param guestFault      why the guest does not map it (for example "PDE not present"), or null
 * @param guestWritable   the guest's tables allow writes (and reads) at every level
 * @param guestUser       the guest's tables allow user access at every level
 * @param guestExecutable the guest's tables allow instruction fetches (NX clear, or NX off)
 * @param guestDirty      the guest's leaf entry has its dirty bit (always true without paging)
 * @param shadowLevels    the shadow directory and table entries used for this address
 * @param hostFrame       the host frame the shadow entry maps, or -1 when it maps nothing
 * @param shadowWritable  the shadow entries allow writes
 * @param shadowUser      the shadow entries allow user access
 * @param tlb             the TLB entry for the page ("frame 0x1a3 RW kernel"), or null when none
 * @param pageType        the guest-physical page's type in the page model, or null outside RAM
 * @param pageHandlerState the page's handler state (NONE, WRITE, ALL, DISABLED), or null
 * @param verdict         why the shadow side is what it is
 */
public record PageWalk(int linear, String mode, List<Level> guestLevels, long guestPhysical, String guestFault,
        boolean guestWritable, boolean guestUser, boolean guestExecutable, boolean guestDirty, List<Level> shadowLevels,
        long hostFrame, boolean shadowWritable, boolean shadowUser, String tlb, String pageType, String pageHandlerState,
        String verdict) {

    /**
     * One entry read during a walk.
     *
     * @param name     "PDPTE", "PDE" or "PTE"
     * @param table    the table's address: guest-physical for the guest's tables, the host frame's
     *                 address for shadow tables
     * @param poolPage the shadow table's pool page, or -1 for guest tables and roots
     * @param index    the entry's index in the table
     * @param entry    the entry's value
     */
    public record Level(String name, long table, int poolPage, int index, long entry) {
        /** The entry's flags as letters: P, W, U, A, D, big page, G, NX. */
        public String flags() {
            StringBuilder out = new StringBuilder();
            flag(out, 0x1, "P");
            flag(out, 0x2, "W");
            flag(out, 0x4, "U");
            flag(out, 0x20, "A");
            flag(out, 0x40, "D");
            flag(out, 0x80, "PS");
            flag(out, 0x100, "G");
            if (entry < 0) {
                out.append(out.isEmpty() ? "" : " ").append("NX");
            }
            return out.toString();
        }

        private void flag(StringBuilder out, long bit, String letter) {
            if ((entry & bit) != 0) {
                out.append(out.isEmpty() ? "" : " ").append(letter);
            }
        }
    }

    public PageWalk {
        guestLevels = List.copyOf(guestLevels);
        shadowLevels = List.copyOf(shadowLevels);
    }

    /** The walk as text, one line per level, guest side then shadow side. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "linear %#010x, guest paging %s", linear & 0xffff_ffffL, mode));
        for (Level level : guestLevels) {
            lines.add(String.format(Locale.ROOT, "  guest  %-5s table %#012x [%4d] = %#018x  %s", level.name(), level.table(),
                    level.index(), level.entry(), level.flags()));
        }
        if (guestFault != null) {
            lines.add("  guest  -> not mapped: " + guestFault);
        } else {
            lines.add(String.format(Locale.ROOT, "  guest  -> physical %#x, %s %s%s%s", guestPhysical, guestWritable ? "RW" : "R-",
                    guestUser ? "user" : "kernel", guestExecutable ? "" : " NX", guestDirty ? " dirty" : ""));
            lines.add("  page   " + (pageType == null ? "outside the guest's RAM ranges" : pageType + ", handlers " + pageHandlerState));
        }
        for (Level level : shadowLevels) {
            lines.add(String.format(Locale.ROOT, "  shadow %-5s frame %#012x%s [%4d] = %#018x  %s", level.name(), level.table(),
                    level.poolPage() < 0 ? "          " : String.format(Locale.ROOT, " pool %4d", level.poolPage()),
                    level.index(), level.entry(), level.flags()));
        }
        if (hostFrame >= 0) {
            lines.add(String.format(Locale.ROOT, "  shadow -> host frame %#x, %s %s", hostFrame, shadowWritable ? "RW" : "R-",
                    shadowUser ? "user" : "kernel"));
        } else {
            lines.add("  shadow -> not mapped");
        }
        lines.add("  tlb    " + (tlb == null ? "no entry" : tlb));
        lines.add("  why    " + verdict);
        return lines;
    }
}
