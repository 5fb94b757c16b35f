package org.shadowbench.memory;

/**
 * Protection flags told to an execution engine when a page changes (VirtualBox's NEM_PAGE_PROT_*).
 * A bit set; {@link #NONE} means every access must trap.
 */
public final class PageProtection {
    /** Every access traps. */
    public static final int NONE = 0;
    /** Reads may go straight to the backing frame. */
    public static final int READ = 1;
    /** Instruction fetches may go straight to the backing frame. */
    public static final int EXECUTE = 2;
    /** Writes may go straight to the backing frame. */
    public static final int WRITE = 4;

    private PageProtection() {
    }

    /** A readable rendering such as {@code R-X}. */
    public static String describe(int protection) {
        return ((protection & READ) != 0 ? "R" : "-") + ((protection & WRITE) != 0 ? "W" : "-")
                + ((protection & EXECUTE) != 0 ? "X" : "-");
    }
}
