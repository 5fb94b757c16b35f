package org.shadowbench.ui.internal;

import java.util.List;
import java.util.Locale;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.jface.viewers.ISelection;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.ISelectionListener;
import org.eclipse.ui.IWorkbenchPart;
import org.shadowbench.cpu.PageWalk;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.machine.RunState;
import org.shadowbench.pool.PoolPageInfo;
import org.shadowbench.pool.ShadowPagePool;
import org.shadowbench.ui.MachineSession;

/**
 * One linear address of the followed machine translated through the guest's page tables and
 * through the shadow tables, side by side, level by level, with what each kind of access would
 * do there. The walk is the CPU's own ({@code Cpu.walk}), taken on the emulation thread as a
 * request; the UI thread only shows its result. It is taken again whenever a new snapshot arrives
 * (10 times a second while the guest runs, once after a pause, step or reset).
 */
public final class PageWalkView extends FollowingView implements ISelectionListener {
    public static final String ID = "org.shadowbench.ui.pageWalk";
    /** How many linear addresses of a page picked in the memory map the status line lists. */
    private static final int MAPPINGS = 4;

    /** A walk with the facts it was taken with, all read in the same request. */
    public record Taken(PageWalk walk, long instructions, boolean writeProtect, long sequence) {
    }

    private static final String[] GUEST_COLUMNS = { "Level", "Entry address", "Index", "Raw value", "Flags", "Points to" };
    private static final String[] SHADOW_COLUMNS = { "Level", "Entry address", "Index", "Raw value", "Flags", "Points to",
            "Pool page" };

    private Text address;
    private Label status;
    private Group guestGroup;
    private Table guestTable;
    private Label guestResult;
    private Table shadowTable;
    private Label shadowResult;
    private Table decisions;
    private Label verdict;
    private Integer linear;
    /** Where the page picked in the memory map is mapped, shown after the walk's status; null otherwise. */
    private String mappings;
    private Taken shown;
    private long walkedSequence = -1;
    private EmulationQuery query;

    @Override
    public void createPartControl(Composite parent) {
        PngExport.contribute(this, parent);
        GridLayoutFactory.fillDefaults().margins(4, 4).spacing(4, 4).applyTo(parent);
        Composite bar = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(6).applyTo(bar);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(bar);
        new Label(bar, SWT.NONE).setText("Linear address:");
        address = new Text(bar, SWT.BORDER | SWT.SINGLE);
        address.setFont(JFaceResources.getTextFont());
        GridDataFactory.swtDefaults().hint(120, SWT.DEFAULT).applyTo(address);
        address.addListener(SWT.DefaultSelection, event -> walkTyped());
        button(bar, "Walk", this::walkTyped);
        button(bar, "EIP", () -> fromRegisters(true));
        button(bar, "CR2", () -> fromRegisters(false));
        status = new Label(bar, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).align(SWT.FILL, SWT.CENTER).applyTo(status);

        SashForm sides = new SashForm(parent, SWT.HORIZONTAL);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(sides);
        guestGroup = new Group(sides, SWT.NONE);
        guestGroup.setText("Guest page tables");
        guestTable = table(guestGroup, GUEST_COLUMNS, true);
        rows(guestTable, 3); // PDPTE, PDE, PTE at most
        guestResult = new Label(guestGroup, SWT.WRAP);
        twoLines(guestResult);
        Group shadowGroup = new Group(sides, SWT.NONE);
        shadowGroup.setText("Shadow page tables");
        shadowTable = table(shadowGroup, SHADOW_COLUMNS, true);
        rows(shadowTable, 3);
        shadowResult = new Label(shadowGroup, SWT.WRAP);
        twoLines(shadowResult);

        Group accesses = new Group(parent, SWT.NONE);
        accesses.setText("Accesses");
        GridDataFactory.fillDefaults().grab(true, true).applyTo(accesses);
        decisions = table(accesses, new String[] { "Access", "Guest tables", "Shadow entry", "Decision" }, false);
        rows(decisions, AccessDecision.Kind.values().length);
        verdict = new Label(accesses, SWT.WRAP);
        GridDataFactory.fillDefaults().grab(true, false).hint(200, SWT.DEFAULT).applyTo(verdict);

        getSite().getPage().addPostSelectionListener(PoolView.ID, this);
        getSite().getPage().addPostSelectionListener(MemoryMapView.ID, this);
        query = new EmulationQuery(parent.getDisplay(), () -> request(followed()));
        follow(parent);
    }

    /**
     * Room for two lines whatever the text: the sash above asks its children for their unwrapped size,
     * so a wrapping label would otherwise get one line and lose the rest of its text.
     */
    private static void twoLines(Label label) {
        GC gc = new GC(label);
        try {
            int line = gc.getFontMetrics().getHeight();
            GridDataFactory.fillDefaults().grab(true, false).hint(1, 2 * line + 2).applyTo(label);
        } finally {
            gc.dispose();
        }
    }

    private static void button(Composite parent, String text, Runnable action) {
        Button button = new Button(parent, SWT.PUSH);
        button.setText(text);
        button.addListener(SWT.Selection, event -> action.run());
    }

    /** Asks for room for {@code count} rows and the header, so that no row hides behind a scroll bar. */
    private static void rows(Table table, int count) {
        ((GridData) table.getLayoutData()).heightHint = table.getItemHeight() * count + table.getHeaderHeight()
                + 2 * table.getBorderWidth() + 4;
    }

    private static Table table(Composite parent, String[] titles, boolean monospaced) {
        GridLayoutFactory.fillDefaults().margins(4, 4).applyTo(parent);
        Table table = new Table(parent, SWT.BORDER | SWT.FULL_SELECTION | SWT.SINGLE);
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        if (monospaced) {
            table.setFont(JFaceResources.getTextFont()); // hex values line up
        }
        for (String title : titles) {
            TableColumn column = new TableColumn(table, SWT.LEFT);
            column.setText(title);
        }
        GridDataFactory.fillDefaults().grab(true, !monospaced).applyTo(table);
        packColumns(table);
        return table;
    }

    /** Columns wide enough for their header and their cells. */
    private static void packColumns(Table table) {
        for (TableColumn column : table.getColumns()) {
            column.pack();
            column.setWidth(column.getWidth() + 8);
        }
    }

    // ------------------------------------------------------------------ for tests and other views

    /** Walks {@code linearAddress} from now on (UI thread). */
    public void walk(int linearAddress) {
        linear = linearAddress;
        mappings = null;
        address.setText(String.format(Locale.ROOT, "%#010x", linearAddress & 0xffff_ffffL));
        walkedSequence = -1;
        request(followed());
    }

    /** The walk shown, or null. */
    public Taken shown() {
        return shown;
    }

    public Table guestTable() {
        return guestTable;
    }

    public Table shadowTable() {
        return shadowTable;
    }

    public Table decisions() {
        return decisions;
    }

    public String status() {
        return status.getText();
    }

    // ------------------------------------------------------------------ input

    private void walkTyped() {
        String text = address.getText().trim().toLowerCase(Locale.ROOT).replace("_", "");
        try {
            long value = text.startsWith("0x") ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text, 16);
            if (value < 0 || value > 0xffff_ffffL) {
                throw new NumberFormatException();
            }
            walk((int) value);
        } catch (NumberFormatException e) {
            status.setText("Not a 32-bit hexadecimal address: " + address.getText());
        }
    }

    private void fromRegisters(boolean eip) {
        MachineSession session = followed();
        MachineSnapshot snapshot = session == null ? null : session.snapshot();
        if (snapshot == null) {
            status.setText("No snapshot to take the register from.");
            return;
        }
        MachineSnapshot.CpuState cpu = snapshot.cpu();
        walk(eip ? cpu.bases().get(1) + cpu.eip() : cpu.cr2());
    }

    /**
     * A pool page table picked in the Shadow Pool view: walk the first address it covers. A page picked
     * in the memory map: walk the first linear address the guest maps it at.
     */
    @Override
    public void selectionChanged(IWorkbenchPart part, ISelection selection) {
        if (selection instanceof IStructuredSelection structured
                && structured.getFirstElement() instanceof PoolPageInfo page) {
            Integer covered = coveredLinear(page);
            if (covered != null) {
                walk(covered);
            } else {
                status.setText("Pool page " + page.index() + " is not a page table under a root; nothing to walk.");
            }
        } else if (selection instanceof IStructuredSelection structured
                && structured.getFirstElement() instanceof GuestPage page) {
            walkMappingOf(page);
        }
    }

    /** Asks the emulation thread where the current page tables map the page, then walks the first place. */
    private void walkMappingOf(GuestPage page) {
        MachineSession session = followed();
        if (session == null || session.state() == RunState.CLOSED) {
            return;
        }
        var display = address.getDisplay();
        session.machine().submit(machine -> LinearMappings.of(machine.cpu(), machine.memory(), page.guestPhysical(), MAPPINGS))
                .whenComplete((linears, error) -> {
                    if (!display.isDisposed()) {
                        display.asyncExec(() -> mappingsArrived(page, linears));
                    }
                });
    }

    private void mappingsArrived(GuestPage page, List<Integer> linears) {
        if (address.isDisposed() || linears == null) {
            return;
        }
        if (linears.isEmpty()) {
            mappings = null;
            status.setText(String.format(Locale.ROOT, "Guest-physical %#x (%s) is not mapped by the current page tables.",
                    page.guestPhysical(), page.range()));
            return;
        }
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "; guest-physical %#x is mapped at",
                page.guestPhysical()));
        for (int linear : linears) {
            text.append(String.format(Locale.ROOT, " %#x", linear & 0xffff_ffffL));
        }
        if (linears.size() == MAPPINGS) {
            text.append(" and maybe more");
        }
        walk(linears.get(0));
        mappings = text.toString();
    }

    /**
     * The first linear address a pool page table maps, from the root entry that references it
     * (a 32-bit root entry covers 4 MiB, a PAE root entry 2 MiB), or null.
     */
    public static Integer coveredLinear(PoolPageInfo page) {
        if (!page.kind().isPageTable()) {
            return null;
        }
        for (int[] user : page.users()) {
            if (user[0] == ShadowPagePool.ROOT_32BIT_PD) {
                return user[1] << 22;
            }
            if (user[0] == ShadowPagePool.ROOT_PAE_PD) {
                return user[1] << 21;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ walking

    @Override
    protected void show(MachineSession session) {
        if (address.isDisposed()) {
            return;
        }
        setPartName(session == null ? "Page Walk" : "Page Walk - " + session.name());
        if (session == null) {
            status.setText("No machine selected.");
            return;
        }
        MachineSnapshot snapshot = session.snapshot();
        long sequence = snapshot == null ? 0 : snapshot.sequence();
        if (sequence != walkedSequence) {
            request(session);
        }
    }

    /** The address stays; its walk on the machine followed before does not. */
    @Override
    protected void followedChanged(MachineSession session) {
        walkedSequence = -1;
        shown = null;
        if (!address.isDisposed()) {
            render();
        }
    }

    /**
     * Asks the emulation thread for the walk. One request at a time: a fast guest produces
     * snapshots faster than a busy UI might show walks, and stale requests would only queue up.
     */
    private void request(MachineSession session) {
        if (linear == null) {
            status.setText(session == null ? "No machine selected." : "Type a linear address, or pick EIP or CR2.");
            return;
        }
        if (session == null || session.state() == RunState.CLOSED) {
            return;
        }
        int address = linear;
        MachineSnapshot snapshot = session.snapshot();
        long sequence = snapshot == null ? 0 : snapshot.sequence();
        query.ask(session.machine(), machine -> new Taken(machine.cpu().walk(address), machine.cpu().instructions(),
                (machine.cpu().controlRegister(0) & 0x1_0000) != 0, sequence), taken -> arrived(session, address, taken));
    }

    private void arrived(MachineSession session, int address, Taken taken) {
        if (this.address.isDisposed()) {
            return;
        }
        if (taken != null && session == followed() && linear != null && address == linear) {
            shown = taken;
            walkedSequence = taken.sequence();
            render();
        }
    }

    private void render() {
        guestTable.removeAll();
        shadowTable.removeAll();
        decisions.removeAll();
        if (shown == null) {
            guestResult.setText("");
            shadowResult.setText("");
            verdict.setText("");
            guestGroup.setText("Guest page tables");
            return;
        }
        PageWalk walk = shown.walk();
        boolean pae = walk.mode().equals("PAE");
        status.setText(String.format(Locale.ROOT, "%#010x after %,d instructions", walk.linear() & 0xffff_ffffL,
                shown.instructions()) + (mappings == null ? "" : mappings));
        guestGroup.setText("Guest page tables (" + (walk.mode().equals("none") ? "paging off" : walk.mode()) + ")");
        for (PageWalk.Level level : walk.guestLevels()) {
            row(guestTable, level, pae, false);
        }
        if (walk.guestFault() != null) {
            guestResult.setText("Not mapped: " + walk.guestFault());
        } else {
            guestResult.setText(String.format(Locale.ROOT, "Guest-physical %#x, %s %s%s%s; page %s", walk.guestPhysical(),
                    walk.guestWritable() ? "RW" : "R-", walk.guestUser() ? "user" : "kernel",
                    walk.guestExecutable() ? "" : " NX", walk.guestDirty() ? " dirty" : "",
                    walk.pageType() == null ? "outside RAM" : walk.pageType() + ", handlers " + walk.pageHandlerState()));
        }
        for (PageWalk.Level level : walk.shadowLevels()) {
            row(shadowTable, level, pae, true);
        }
        shadowResult.setText((walk.hostFrame() < 0 ? "Not mapped"
                : String.format(Locale.ROOT, "Host frame %#x, %s %s", walk.hostFrame(), walk.shadowWritable() ? "RW" : "R-",
                        walk.shadowUser() ? "user" : "kernel"))
                + "; TLB " + (walk.tlb() == null ? "no entry" : walk.tlb()));
        for (AccessDecision.Kind kind : AccessDecision.Kind.values()) {
            AccessDecision decision = AccessDecision.of(walk, kind, shown.writeProtect());
            TableItem item = new TableItem(decisions, SWT.NONE);
            item.setText(new String[] { decision.access(), decision.guest(), decision.shadow(), decision.decision() });
        }
        verdict.setText("Why: " + walk.verdict());
        packColumns(guestTable);
        packColumns(shadowTable);
        packColumns(decisions);
        guestResult.getParent().layout(true);
        shadowResult.getParent().layout(true);
        verdict.getParent().getParent().layout(true, true);
    }

    private static void row(Table table, PageWalk.Level level, boolean pae, boolean shadow) {
        int size = pae ? 8 : 4;
        long offset = (long) level.index() * size;
        // The PAE shadow root spans four frames that need not be adjacent: past the first, the
        // table address plus the offset is not where the entry lives.
        String entryAddress = shadow && offset >= 4096 ? "frame " + offset / 4096 + " of the root"
                : String.format(Locale.ROOT, "%#x", level.table() + offset);
        TableItem item = new TableItem(table, SWT.NONE);
        String value = pae ? String.format(Locale.ROOT, "%016x", level.entry()) : String.format(Locale.ROOT, "%08x", level.entry());
        String[] cells = { level.name(), entryAddress, String.valueOf(level.index()), value, level.flags(),
                pointsTo(level, pae, shadow), level.poolPage() < 0 ? "" : String.valueOf(level.poolPage()) };
        item.setText(shadow ? cells : List.of(cells).subList(0, 6).toArray(String[]::new));
    }

    /** Where a present entry points: the next table, or the page (a big page for PS directory entries). */
    static String pointsTo(PageWalk.Level level, boolean pae, boolean shadow) {
        long entry = level.entry();
        if ((entry & 1) == 0) {
            return "not present";
        }
        String where = shadow ? "host " : "";
        if (level.name().equals("PTE")) {
            return where + String.format(Locale.ROOT, "page %#x", entry & (pae ? 0x000f_ffff_ffff_f000L : 0xffff_f000L));
        }
        if (level.name().equals("PDE") && (entry & 0x80) != 0) {
            return where + String.format(Locale.ROOT, "big page %#x", entry & (pae ? 0x000f_ffff_ffe0_0000L : 0xffc0_0000L));
        }
        return where + String.format(Locale.ROOT, "table %#x", entry & (pae ? 0x000f_ffff_ffff_f000L : 0xffff_f000L));
    }

    @Override
    public void setFocus() {
        address.setFocus();
    }

    @Override
    public void dispose() {
        getSite().getPage().removePostSelectionListener(PoolView.ID, this);
        getSite().getPage().removePostSelectionListener(MemoryMapView.ID, this);
        super.dispose();
    }
}
