package org.shadowbench.debug.ui.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.DebugException;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.core.model.IBreakpoint;
import org.eclipse.debug.core.model.IMemoryBlock;
import org.eclipse.debug.core.model.IMemoryBlockExtension;
import org.eclipse.debug.core.model.IRegister;
import org.eclipse.debug.core.model.IRegisterGroup;
import org.eclipse.debug.core.model.IStackFrame;
import org.eclipse.debug.core.model.IThread;
import org.eclipse.debug.core.model.MemoryByte;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.debug.ui.IDebugModelPresentation;
import org.eclipse.debug.ui.IDebugUIConstants;
import org.eclipse.jface.dialogs.Dialog;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.handlers.IHandlerService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.PageWalk;
import org.shadowbench.debug.GuestTarget;
import org.shadowbench.debug.LinearBreakpoint;
import org.shadowbench.debug.PhysicalWatchpoint;
import org.shadowbench.debug.ShadowbenchDebug;
import org.shadowbench.debug.ui.internal.BundledGuests;
import org.shadowbench.debug.ui.internal.DebugUiActivator;
import org.shadowbench.debug.ui.internal.GuestLaunchShortcut;
import org.shadowbench.debug.ui.internal.WatchpointDialog;
import org.shadowbench.guests.GuestSuite;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.pool.PoolPageInfo;
import org.shadowbench.ui.MachineSession;
import org.shadowbench.ui.testing.Workbench;

/**
 * The debugger in a workbench: the demo guest launched from a launch configuration shows in the
 * Debug and Machines views, stops at a breakpoint added through the Breakpoints view's dialog, steps,
 * and its memory blocks match the machine; a physical watchpoint added through its dialog stops the
 * guest on a write to a page table the pool monitors, and the CPU's label shows the access.
 */
class DebugUiTest {
    private static final long WAIT = 60_000;
    private static final String MACHINES_VIEW = "org.shadowbench.ui.machines";

    private final List<ILaunch> launches = new ArrayList<>();
    private IDebugModelPresentation presentation;

    @BeforeEach
    void openViews() throws Exception {
        PlatformUI.getWorkbench().showPerspective(IDebugUIConstants.ID_DEBUG_PERSPECTIVE, Workbench.window());
        Workbench.page().showView(IDebugUIConstants.ID_BREAKPOINT_VIEW);
        Workbench.page().showView(IDebugUIConstants.ID_REGISTER_VIEW);
        Workbench.page().showView(IDebugUIConstants.ID_MEMORY_VIEW);
        Workbench.page().showView(MACHINES_VIEW);
        Workbench.page().showView(IDebugUIConstants.ID_DEBUG_VIEW);
        DebugViews.useWholeScreen();
        presentation = DebugUITools.newDebugModelPresentation(ShadowbenchDebug.MODEL_ID);
        Workbench.spin(200);
    }

    @AfterEach
    void cleanUp() throws CoreException {
        Launches.end(launches, WAIT);
        var manager = DebugPlugin.getDefault().getBreakpointManager();
        manager.removeBreakpoints(manager.getBreakpoints(ShadowbenchDebug.MODEL_ID), true);
        DebugPlugin.getDefault().getMemoryBlockManager().removeMemoryBlocks(
                DebugPlugin.getDefault().getMemoryBlockManager().getMemoryBlocks());
        presentation.dispose();
    }

    @Test
    void launchedFromAConfigurationItStopsStepsAndShowsMemory() throws Exception {
        Path demo = BundledGuests.demoFile();
        int heapWrite = GuestSuite.symbol("demo", "heap_write");

        // Breakpoints view > Linear Breakpoint...: a bad address keeps OK disabled, a good one adds it.
        runCommandWithDialog("org.shadowbench.debug.ui.addLinearBreakpoint", shell -> {
            Text address = texts(shell).get(0);
            address.setText("0x12g4");
            assertFalse(button(shell, IDialogConstants.OK_LABEL).isEnabled(), "OK with a bad address");
            address.setText(String.format(Locale.ROOT, "0x%x", heapWrite));
            assertTrue(button(shell, IDialogConstants.OK_LABEL).isEnabled());
            click(button(shell, IDialogConstants.OK_LABEL));
        });
        IBreakpoint[] breakpoints = DebugPlugin.getDefault().getBreakpointManager().getBreakpoints(ShadowbenchDebug.MODEL_ID);
        assertEquals(1, breakpoints.length);
        LinearBreakpoint atHeapWrite = (LinearBreakpoint) breakpoints[0];
        assertEquals(heapWrite, atHeapWrite.linearAddress());
        assertEquals(String.format(Locale.ROOT, "Linear breakpoint at %#010x", heapWrite), presentation.getText(atHeapWrite));

        GuestTarget target = launch(GuestLaunchShortcut.configurationFor(demo), ILaunchManager.DEBUG_MODE);
        IThread thread = target.getThreads()[0];
        Workbench.await("the breakpoint", WAIT, () -> thread.isSuspended() && thread.getBreakpoints().length == 1);
        assertArrayEquals(new IBreakpoint[] { atHeapWrite }, thread.getBreakpoints());
        assertTrue(presentation.getText(thread).startsWith("CPU 0 (Suspended: "), presentation.getText(thread));
        assertEquals(target.getName() + " [suspended]", presentation.getText(target));

        // The Machines view lists the launch's machine, through the bridge's adopted session.
        MachineSession session = DebugUiActivator.bridge().sessionOf(target);
        assertNotNull(session, "the launch's machine has a session in the Machines view");
        assertEquals(target.machine(), session.machine());
        Workbench.await("the machine's row in the Machines view", WAIT, () -> machinesRow(session.name()) != null);

        // Step into: EIP moves.
        long eip = register(thread, "EIP");
        assertEquals(heapWrite & 0xffff_ffffL, eip);
        thread.stepInto();
        Workbench.await("the step", WAIT, () -> thread.isSuspended() && !thread.isStepping() && registerOr(thread, "EIP") != eip);

        // Memory blocks, linear and physical, against the machine's memory.
        long now = register(thread, "EIP");
        Machine machine = target.machine();
        IMemoryBlockExtension linear = target.getExtendedMemoryBlock(String.format(Locale.ROOT, "linear:%#x", now), thread);
        MemoryByte[] code = linear.getBytesFromAddress(BigInteger.valueOf(now), 64);
        PageWalk walk = machine.submit(m -> m.cpu().walk((int) now)).get(10, TimeUnit.SECONDS);
        assertTrue(walk.guestPhysical() >= 0, "the guest maps its EIP");
        IMemoryBlockExtension physical = target.getExtendedMemoryBlock(String.format(Locale.ROOT, "phys:%#x",
                walk.guestPhysical()), thread);
        MemoryByte[] frame = physical.getBytesFromAddress(BigInteger.valueOf(walk.guestPhysical()), 64);
        byte[] expected = new byte[64];
        machine.submit(m -> {
            m.memory().read(walk.guestPhysical(), expected, 0, 64);
            return null;
        }).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 64; i++) {
            assertTrue(code[i].isReadable() && frame[i].isReadable());
            assertEquals(expected[i], code[i].getValue(), "linear byte " + i);
            assertEquals(expected[i], frame[i].getValue(), "physical byte " + i);
        }
        long cr3 = register(thread, "CR3") & 0xffff_f000L;
        IMemoryBlockExtension directory = target.getExtendedMemoryBlock(String.format(Locale.ROOT, "phys:%#x", cr3), thread);
        MemoryByte[] entries = directory.getBytesFromAddress(BigInteger.valueOf(cr3), 16);
        long firstEntry = machine.submit(m -> m.memory().read(cr3, 4)).get(10, TimeUnit.SECONDS);
        assertEquals(firstEntry, littleEndian(entries, 0, 4), "the page directory's first entry");
        var renderings = DebugUITools.getMemoryRenderingManager();
        assertEquals("org.eclipse.debug.ui.rendering.raw_memory", renderings.getPrimaryRenderingType(linear).getId(),
                "the Memory view renders guest blocks in hex");
        assertTrue(renderings.getRenderingTypes(physical).length >= 4);
        DebugPlugin.getDefault().getMemoryBlockManager().addMemoryBlocks(new IMemoryBlock[] { linear, physical });
        render(linear);
        render(physical);
        showDebugAndMachines(session.name());
        Workbench.screenshotWindow("debug-machines.png");
        DebugViews.showOnly(IDebugUIConstants.ID_REGISTER_VIEW, IDebugUIConstants.ID_MEMORY_VIEW,
                IDebugUIConstants.ID_DEBUG_VIEW);
        expandRegisters();
        Workbench.screenshotWindow("debug-breakpoint-registers.png");
        var memoryView = Workbench.page().findViewReference(IDebugUIConstants.ID_MEMORY_VIEW);
        Workbench.page().setPartState(memoryView, org.eclipse.ui.IWorkbenchPage.STATE_MAXIMIZED);
        Workbench.spin(1000);
        Workbench.screenshotWindow("debug-memory.png");
        Workbench.page().setPartState(memoryView, org.eclipse.ui.IWorkbenchPage.STATE_RESTORED);

        // Terminate: the Machines view drops the machine.
        target.terminate();
        Workbench.await("the target to end", WAIT, target::isTerminated);
        Workbench.await("the bridge to drop the session", WAIT, () -> DebugUiActivator.bridge().sessionOf(target) == null);
        Workbench.await("the row to go", WAIT, () -> machinesRow(session.name()) == null);
    }

    @Test
    void aPhysicalWatchpointOnAMonitoredPageTableStopsTheGuestAndShowsTheAccess() throws Exception {
        Path demo = BundledGuests.demoFile();
        LinearBreakpoint atHeapWrite = LinearBreakpoint.create(GuestSuite.symbol("demo", "heap_write"));
        GuestTarget target = launch(GuestLaunchShortcut.configurationFor(demo), ILaunchManager.DEBUG_MODE);
        IThread thread = target.getThreads()[0];
        Machine machine = target.machine();

        // Run to heap_write until the current process's heap page table is a monitored pool page.
        long heapTable = -1;
        // The instruction count of the last stop: a stop is new when the count moved on. (Waiting to see
        // the thread running after a resume would race with the next hit, which can come at once.)
        long[] lastStop = { -1 };
        for (int hits = 0; heapTable < 0; hits++) {
            assertTrue(hits < 8, "the heap page table never became a monitored pool page");
            int hit = hits;
            Workbench.await("breakpoint hit " + hit, WAIT, () -> thread.isSuspended() && thread.getBreakpoints().length == 1
                    && machine.submit(m -> m.cpu().instructions()).join() != lastStop[0]);
            lastStop[0] = machine.submit(m -> m.cpu().instructions()).get(10, TimeUnit.SECONDS);
            MachineSnapshot snapshot = machine.snapshot().get(10, TimeUnit.SECONDS);
            long cr3 = snapshot.cpu().cr3() & 0xffff_f000L;
            long pde = machine.submit(m -> m.memory().read(cr3 + 4 * (0x40000000L >>> 22), 4)).get(10, TimeUnit.SECONDS);
            long table = pde & 0xffff_f000L;
            boolean monitored = false;
            for (PoolPageInfo page : snapshot.pool().pages()) {
                monitored |= page.monitored() && (page.gcPhys() & ~0xfffL) == table;
            }
            if (monitored) {
                heapTable = table;
            } else {
                thread.resume();
            }
        }
        atHeapWrite.delete();

        // Breakpoints view > Physical Watchpoint...: bad values are explained, good ones add the watch.
        long table = heapTable;
        runCommandWithDialog("org.shadowbench.debug.ui.addPhysicalWatchpoint", shell -> {
            WatchpointDialog dialog = (WatchpointDialog) shell.getData();
            dialog.addressText().setText("0xnope");
            assertEquals("'0xnope' is not a hexadecimal address (e.g. 0x100000)", dialog.getErrorMessage());
            dialog.addressText().setText(String.format(Locale.ROOT, "%#x", table));
            dialog.lengthText().setText("0");
            assertEquals("The length must be between 1 and 1048576 bytes", dialog.getErrorMessage());
            assertFalse(button(shell, IDialogConstants.OK_LABEL).isEnabled());
            dialog.lengthText().setText("4096");
            dialog.writesButton().setSelection(false);
            dialog.writesButton().notifyListeners(SWT.Selection, null);
            assertEquals("Choose reads, writes or both", dialog.getErrorMessage());
            dialog.writesButton().setSelection(true);
            dialog.writesButton().notifyListeners(SWT.Selection, null);
            assertNull(dialog.getErrorMessage());
            shell.setSize(Math.max(shell.getSize().x, 640), shell.getSize().y);
            Workbench.screenshot(shell, "watchpoint-dialog.png");
            click(button(shell, IDialogConstants.OK_LABEL));
        });
        IBreakpoint[] watches = DebugPlugin.getDefault().getBreakpointManager().getBreakpoints(ShadowbenchDebug.MODEL_ID);
        assertEquals(1, watches.length);
        PhysicalWatchpoint watch = (PhysicalWatchpoint) watches[0];
        assertEquals(table, watch.physicalAddress());
        assertEquals(4096, watch.length());
        assertEquals(String.format(Locale.ROOT, "Physical watchpoint at %#x, 4096 bytes (write)", table),
                presentation.getText(watch));

        // The copy-on-write fault handler writes an entry of that table: the guest stops, the label says how.
        Workbench.await("the watch installed", WAIT, () -> {
            try {
                return machine.snapshot().get(10, TimeUnit.SECONDS).handlers().stream()
                        .anyMatch(h -> h.type().equals("debugger watch"));
            } catch (Exception e) {
                return false;
            }
        });
        thread.resume();
        Workbench.await("the watchpoint", WAIT, () -> thread.isSuspended() && thread.getBreakpoints().length == 1
                && thread.getBreakpoints()[0] == watch);
        String label = presentation.getText(thread);
        assertTrue(label.startsWith("CPU 0 (Suspended: watchpoint: write 4 bytes at phys 0x" + Long.toHexString(table >>> 12)),
                label);
        assertTrue(label.matches("CPU 0 \\(Suspended: watchpoint: write 4 bytes at phys 0x[0-9a-f]+[048c], value 0x[0-9a-f]+, .*"),
                label);
        DebugViews.showOnly(IDebugUIConstants.ID_BREAKPOINT_VIEW, IDebugUIConstants.ID_REGISTER_VIEW,
                IDebugUIConstants.ID_DEBUG_VIEW);
        Workbench.screenshotWindow("debug-watchpoint-breakpoints.png");
        // The Debug view alone, wide enough for the whole access in the CPU's label.
        var debugView = Workbench.page().findViewReference(IDebugUIConstants.ID_DEBUG_VIEW);
        Workbench.page().setPartState(debugView, org.eclipse.ui.IWorkbenchPage.STATE_MAXIMIZED);
        Workbench.spin(1000);
        Workbench.screenshotWindow("debug-watchpoint.png");
        Workbench.page().setPartState(debugView, org.eclipse.ui.IWorkbenchPage.STATE_RESTORED);
    }

    // ------------------------------------------------------------------ helpers

    /** Opens the General register group in the Registers view, as a click on its arrow does. */
    private static void expandRegisters() {
        var view = (org.eclipse.debug.ui.IDebugView) Workbench.page().findView(IDebugUIConstants.ID_REGISTER_VIEW);
        if (view != null && view.getViewer().getControl() instanceof org.eclipse.swt.widgets.Tree tree) {
            Workbench.await("the register groups", WAIT, () -> tree.getItemCount() > 0 && "General".equals(tree.getItem(0).getText()));
            org.eclipse.swt.widgets.Event expand = new org.eclipse.swt.widgets.Event();
            expand.item = tree.getItem(0);
            tree.notifyListeners(SWT.Expand, expand);
            tree.getItem(0).setExpanded(true);
            Workbench.spin(800);
        }
    }

    /** Shows a block in the Memory view's first pane with its primary rendering (hex), as Add Memory Monitor does. */
    private static void render(IMemoryBlock block) throws Exception {
        var site = (org.eclipse.debug.ui.memory.IMemoryRenderingSite) Workbench.page().showView(IDebugUIConstants.ID_MEMORY_VIEW);
        var container = site.getContainer("org.eclipse.debug.ui.MemoryView.RenderingViewPane.1");
        var rendering = DebugUITools.getMemoryRenderingManager().getPrimaryRenderingType(block).createRendering();
        rendering.init(container, block);
        container.addMemoryRendering(rendering);
    }

    private GuestTarget launch(ILaunchConfiguration configuration, String mode) {
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        List<ILaunch> before = List.of(manager.getLaunches());
        DebugUITools.launch(configuration, mode);
        AtomicReference<GuestTarget> found = new AtomicReference<>();
        Workbench.await("the launch of " + configuration.getName(), WAIT, () -> {
            for (ILaunch launch : manager.getLaunches()) {
                if (!before.contains(launch) && launch.getLaunchConfiguration() == configuration
                        && launch.getDebugTargets().length == 1 && launch.getDebugTargets()[0] instanceof GuestTarget target) {
                    if (!launches.contains(launch)) {
                        launches.add(launch);
                    }
                    found.set(target);
                    return true;
                }
            }
            return false;
        });
        return found.get();
    }

    /** Runs a command whose handler opens a modal dialog, and drives the dialog from inside its event loop. */
    static void runCommandWithDialog(String command, Consumer<Shell> drive) throws Exception {
        Display display = Display.getCurrent();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> driven = new AtomicReference<>(false);
        display.asyncExec(() -> {
            Shell shell = display.getActiveShell();
            try {
                assertNotNull(shell, "no dialog opened");
                assertTrue(shell.getData() instanceof Dialog, "the active shell is not a dialog: " + shell.getText());
                drive.accept(shell);
                driven.set(true);
            } catch (Throwable e) {
                failure.set(e);
                if (shell != null && !shell.isDisposed()) {
                    shell.close();
                }
            }
        });
        IHandlerService handlers = PlatformUI.getWorkbench().getService(IHandlerService.class);
        handlers.executeCommand(command, null);
        if (failure.get() instanceof Error error) {
            throw error;
        }
        if (failure.get() instanceof Exception exception) {
            throw exception;
        }
        assertTrue(driven.get(), "the dialog was not driven");
    }

    static List<Text> texts(Control control) {
        List<Text> found = new ArrayList<>();
        if (control instanceof Text text) {
            found.add(text);
        }
        if (control instanceof Composite composite) {
            for (Control child : composite.getChildren()) {
                found.addAll(texts(child));
            }
        }
        return found;
    }

    static Button button(Control control, String label) {
        if (control instanceof Button button && label.equals(button.getText())) {
            return button;
        }
        if (control instanceof Composite composite) {
            for (Control child : composite.getChildren()) {
                Button found = button(child, label);
                if (found != null) {
                    return found;
                }
            }
        }
        return control instanceof Shell ? fail("no button " + label) : null;
    }

    static void click(Button button) {
        button.notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
    }

    /**
     * The Debug view beside the Machines view, in front, with the launch's row, for the picture. The
     * Debug perspective brings the Variables view back whenever the Debug view's context changes, and
     * the Console when the guest writes; they share stacks with the Machines view, so they are hidden
     * after the Debug view has settled, and the Registers, Breakpoints, Problems and Project Explorer
     * views with them so the Machines view gets the width (the Memory view, with its renderings, stays
     * behind it).
     */
    private static void showDebugAndMachines(String machine) throws Exception {
        Workbench.page().showView(IDebugUIConstants.ID_DEBUG_VIEW);
        Workbench.spin(1000);
        for (String other : new String[] { "org.eclipse.debug.ui.VariableView", "org.eclipse.debug.ui.ExpressionView",
                "org.eclipse.ui.console.ConsoleView", "org.eclipse.ui.views.ProblemView",
                "org.eclipse.ui.navigator.ProjectExplorer", IDebugUIConstants.ID_REGISTER_VIEW,
                IDebugUIConstants.ID_BREAKPOINT_VIEW }) {
            var reference = Workbench.page().findViewReference(other);
            if (reference != null) {
                Workbench.page().hideView(reference);
            }
        }
        var machines = Workbench.page().showView(MACHINES_VIEW);
        Workbench.page().bringToTop(machines);
        Workbench.spin(1000);
        assertTrue(Workbench.page().isPartVisible(machines), "the Machines view is in front");
        assertTrue(Workbench.page().isPartVisible(Workbench.page().findView(IDebugUIConstants.ID_DEBUG_VIEW)),
                "the Debug view beside it");
        TableItem row = machinesRow(machine);
        assertNotNull(row, "the launch's machine is listed");
        var table = row.getParent();
        assertTrue(table.isVisible() && table.getClientArea().intersects(row.getBounds()), "its row is on screen");
    }

    private static TableItem machinesRow(String name) {
        var view = Workbench.page().findView(MACHINES_VIEW);
        if (view == null) {
            return null;
        }
        var table = ((org.shadowbench.ui.internal.MachinesView) view).viewer().getTable();
        for (TableItem item : table.getItems()) {
            if (item.getText(0).equals(name)) {
                return item;
            }
        }
        return null;
    }

    static long register(IThread thread, String name) throws DebugException {
        IStackFrame top = thread.getTopStackFrame();
        assertNotNull(top, "the thread has frames");
        for (IRegisterGroup group : top.getRegisterGroups()) {
            for (IRegister register : group.getRegisters()) {
                if (register.getName().equals(name)) {
                    return Long.decode(register.getValue().getValueString());
                }
            }
        }
        return fail("no register " + name);
    }

    private static long registerOr(IThread thread, String name) {
        try {
            return thread.getTopStackFrame() == null ? -1 : register(thread, name);
        } catch (DebugException e) {
            return -1;
        }
    }

    private static long littleEndian(MemoryByte[] bytes, int offset, int length) {
        long value = 0;
        for (int i = length - 1; i >= 0; i--) {
            assertTrue(bytes[offset + i].isReadable());
            value = value << 8 | (bytes[offset + i].getValue() & 0xff);
        }
        return value;
    }
}
