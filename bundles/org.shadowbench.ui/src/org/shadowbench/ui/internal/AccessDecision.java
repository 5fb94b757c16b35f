package org.shadowbench.ui.internal;

import org.shadowbench.cpu.PageWalk;

/**
 * What happens to one kind of access at a walked address, read off the engine's {@link PageWalk}:
 * whether the guest's tables allow it, whether the shadow entry lets it through without a trap,
 * and otherwise what the trap handler does with it. No table is read here; the walk has every fact.
 *
 * @param access   "read", "write" or "fetch", with the privilege ("kernel" or "user")
 * @param guest    what the guest's tables say
 * @param shadow   what the shadow entry says
 * @param decision what the CPU and its trap handler do
 */
public record AccessDecision(String access, String guest, String shadow, String decision) {

    /** The access kinds the view lists, in its row order. */
    public enum Kind {
        READ("read", false, false, false),
        WRITE("write", true, false, false),
        FETCH("fetch", false, true, false),
        USER_READ("read", false, false, true),
        USER_WRITE("write", true, false, true),
        USER_FETCH("fetch", false, true, true);

        final String verb;
        final boolean write;
        final boolean fetch;
        final boolean user;

        Kind(String verb, boolean write, boolean fetch, boolean user) {
            this.verb = verb;
            this.write = write;
            this.fetch = fetch;
            this.user = user;
        }
    }

    /**
     * Decides one access.
     *
     * @param writeProtect CR0.WP: whether supervisor writes honour read-only guest entries
     */
    public static AccessDecision of(PageWalk walk, Kind kind, boolean writeProtect) {
        String access = kind.verb + (kind.user ? " (user)" : " (kernel)");
        String shadow = shadowSide(walk, kind);
        if (walk.guestFault() != null) {
            return new AccessDecision(access, "not mapped", shadow, "#PF to the guest: " + walk.guestFault());
        }
        if (kind.user && !walk.guestUser()) {
            return new AccessDecision(access, "supervisor only", shadow, "#PF to the guest: protection");
        }
        boolean readOnly = !walk.guestWritable();
        if (kind.write && readOnly && (kind.user || writeProtect)) {
            return new AccessDecision(access, "read-only", shadow, "#PF to the guest: write to a read-only page");
        }
        if (kind.fetch && !walk.guestExecutable()) {
            return new AccessDecision(access, "no execute", shadow, "#PF to the guest: fetch from an NX page");
        }
        String guest = kind.write && readOnly ? "allowed (CR0.WP clear)" : "allowed";
        String type = walk.pageType();
        String handlers = walk.pageHandlerState();
        if (type == null) {
            return new AccessDecision(access, guest, shadow,
                    "registry: unassigned guest-physical address (reads all ones, writes dropped)");
        }
        if (type.equals("MMIO") || type.equals("SPECIAL_ALIAS_MMIO") || "ALL".equals(handlers)) {
            return new AccessDecision(access, guest, shadow, "trap: the page's access handler takes it (" + type
                    + ", handlers " + handlers + ")");
        }
        if (kind.write && "WRITE".equals(handlers)) {
            return new AccessDecision(access, guest, shadow, "trap: the page's write handler takes it");
        }
        boolean present = walk.hostFrame() >= 0;
        boolean through = present && (!kind.write || walk.shadowWritable()) && (!kind.user || walk.shadowUser());
        if (through) {
            return new AccessDecision(access, guest, shadow,
                    "no trap: the shadow entry maps it" + (walk.tlb() != null ? " (TLB entry present)" : " (TLB fill)"));
        }
        if (!present) {
            return new AccessDecision(access, guest, shadow, "trap: sync the shadow entry from the guest's, then retry");
        }
        if (kind.write && !walk.guestDirty()) {
            return new AccessDecision(access, guest, shadow, "trap: set the guest's dirty bit, make the shadow entry writable");
        }
        if (kind.write && (type.equals("ROM") || type.equals("ROM_SHADOW"))) {
            return new AccessDecision(access, guest, shadow, "trap: the write to ROM is dropped");
        }
        if (kind.write) {
            return new AccessDecision(access, guest, shadow,
                    "trap: give the page its own frame if it has none, make the shadow entry writable");
        }
        return new AccessDecision(access, guest, shadow, "trap: upgrade the shadow entry to user access");
    }

    private static String shadowSide(PageWalk walk, Kind kind) {
        if (walk.hostFrame() < 0) {
            return "not mapped";
        }
        if (kind.user && !walk.shadowUser()) {
            return "supervisor only";
        }
        if (kind.write && !walk.shadowWritable()) {
            return "read-only";
        }
        return "maps frame " + String.format("%#x", walk.hostFrame());
    }
}
