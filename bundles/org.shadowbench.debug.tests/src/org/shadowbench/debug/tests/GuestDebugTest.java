package org.shadowbench.debug.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.DebugEvent;
import org.eclipse.debug.core.DebugException;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.IDebugEventSetListener;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfigurationType;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.core.model.IBreakpoint;
import org.eclipse.debug.core.model.IMemoryBlockExtension;
import org.eclipse.debug.core.model.IRegister;
import org.eclipse.debug.core.model.IRegisterGroup;
import org.eclipse.debug.core.model.IStackFrame;
import org.eclipse.debug.core.model.IThread;
import org.eclipse.debug.core.model.MemoryByte;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shadowbench.cpu.Register;
import org.shadowbench.debug.LinearBreakpoint;
import org.shadowbench.debug.PhysicalWatchpoint;
import org.shadowbench.debug.ShadowbenchDebug;
import org.shadowbench.debug.internal.GuestDebugTarget;
import org.shadowbench.debug.internal.GuestMemory;
import org.shadowbench.debug.internal.WatchHit;
import org.shadowbench.handlers.AccessOrigin;
import org.shadowbench.handlers.AccessType;
import org.shadowbench.guests.GuestSuite;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.machine.RunState;
import org.shadowbench.pool.PoolPageInfo;
import org.shadowbench.pool.PoolStatistics;

/**
 * The debugger end to end on the demo guest: a launch configuration starts it, a linear breakpoint
 * stops it, steps move it, registers and memory blocks show it as the machine sees it, and it
 * terminates or exits cleanly.
 */
class GuestDebugTest {
    private static final long WAIT_SECONDS = 60;

    @TempDir
    Path directory;

    private final LinkedBlockingQueue<DebugEvent> events = new LinkedBlockingQueue<>();
    private final IDebugEventSetListener listener = set -> events.addAll(List.of(set));
    private final List<ILaunch> launches = new ArrayList<>();
    private byte[] demo;

    @BeforeEach
    void listen() {
        DebugPlugin.getDefault().addDebugEventListener(listener);
        demo = GuestSuite.image("demo");
    }

    @AfterEach
    void cleanUp() throws CoreException {
        for (ILaunch launch : launches) {
            if (!launch.isTerminated()) {
                launch.terminate();
            }
            DebugPlugin.getDefault().getLaunchManager().removeLaunch(launch);
        }
        DebugPlugin.getDefault().removeDebugEventListener(listener);
        var manager = DebugPlugin.getDefault().getBreakpointManager();
        manager.removeBreakpoints(manager.getBreakpoints(ShadowbenchDebug.MODEL_ID), true);
    }

    @Test
    void launchStopsAtEntryInTheMultibootState() throws Exception {
        GuestDebugTarget target = launch(true);
        DebugEvent suspend = awaitSuspend(target);
        assertEquals(DebugEvent.CLIENT_REQUEST, suspend.getDetail());
        IThread thread = target.getThreads()[0];
        assertTrue(thread.isSuspended());
        Map<String, Long> registers = registers(thread.getTopStackFrame());
        assertEquals(GuestSuite.symbol("demo", "_start") & 0xffff_ffffL, registers.get("EIP"));
        assertEquals(Machine.MULTIBOOT_MAGIC & 0xffff_ffffL, registers.get("EAX"));
        assertEquals(0L, registers.get("CR0") & 0x8000_0000L, "paging is off at a multiboot entry");
        assertEquals(0L, registers.get("IF"));
        assertTrue(registers.containsKey("CS") && registers.containsKey("SS.base") && registers.containsKey("CR3"));
        List<String> groups = new ArrayList<>();
        for (IRegisterGroup group : thread.getTopStackFrame().getRegisterGroups()) {
            groups.add(group.getName());
        }
        assertEquals(List.of("General", "Segment", "Control", "EFLAGS"), groups);
    }

    @Test
    void memoryBlocksMarkTheBytesChangedSinceTheLastSuspension() throws Exception {
        GuestDebugTarget target = launch(true);
        awaitSuspend(target);
        // Paging is off at the entry: linear is physical. Nothing runs at 2 MiB yet.
        IMemoryBlockExtension block = (IMemoryBlockExtension) target.getMemoryBlock(0x200000L, 8);
        MemoryByte[] first = block.getBytesFromOffset(BigInteger.ZERO, 8);
        assertFalse(first[4].isHistoryKnown(), "no earlier suspension to compare with");
        byte old = first[4].getValue();
        target.machine().submit(m -> {
            m.memory().write(0x200004L, 1, ~old & 0xff);
            return null;
        }).get(WAIT_SECONDS, TimeUnit.SECONDS);
        MemoryByte[] sameStop = block.getBytesFromOffset(BigInteger.ZERO, 8);
        assertFalse(sameStop[4].isHistoryKnown(), "within one suspension, reads compare with the one before");

        target.getThreads()[0].stepInto();
        assertEquals(DebugEvent.STEP_END, awaitSuspend(target).getDetail());
        MemoryByte[] next = block.getBytesFromOffset(BigInteger.ZERO, 8);
        assertTrue(next[4].isHistoryKnown() && next[4].isChanged(), "the byte written is marked changed");
        assertEquals((byte) ~old, next[4].getValue());
        assertTrue(next[0].isHistoryKnown() && !next[0].isChanged(), "the others are not");

        target.getThreads()[0].stepInto();
        assertEquals(DebugEvent.STEP_END, awaitSuspend(target).getDetail());
        MemoryByte[] after = block.getBytesFromOffset(BigInteger.ZERO, 8);
        assertFalse(after[4].isChanged(), "changed since the last suspension, not since the first");
    }

    @Test
    void breakpointStepsRegistersMemoryAndTerminate() throws Exception {
        int heapWrite = GuestSuite.symbol("demo", "heap_write");
        int guestMain = GuestSuite.symbol("demo", "guest_main");
        LinearBreakpoint atGuestMain = LinearBreakpoint.create(guestMain);
        GuestDebugTarget target = launch(false);

        // The breakpoint at guest_main: the thread reports it, frame 0 is there.
        DebugEvent hit = awaitSuspend(target);
        assertEquals(DebugEvent.BREAKPOINT, hit.getDetail());
        IThread thread = target.getThreads()[0];
        assertArrayEquals(new IBreakpoint[] { atGuestMain }, thread.getBreakpoints());
        IStackFrame top = thread.getTopStackFrame();
        assertEquals(guestMain & 0xffff_ffffL, registers(top).get("EIP"));
        assertTrue(thread.getStackFrames().length >= 1);

        // Step into until a near CALL (E8) is next, then step over it: EIP past it, the stack as before.
        int steps = 0;
        while (firstByteAtEip(target) != 0xe8) {
            long before = registers(thread.getTopStackFrame()).get("EIP");
            thread.stepInto();
            assertEquals(DebugEvent.STEP_END, awaitSuspend(target).getDetail());
            assertFalse(before == registers(thread.getTopStackFrame()).get("EIP"), "a step moves EIP");
            assertTrue(++steps < 64, "no CALL within 64 instructions of guest_main");
        }
        Map<String, Long> atCall = registers(thread.getTopStackFrame());
        thread.stepOver();
        assertEquals(DebugEvent.STEP_END, awaitSuspend(target).getDetail());
        Map<String, Long> afterCall = registers(thread.getTopStackFrame());
        assertEquals(atCall.get("EIP") + 5, afterCall.get("EIP"), "step over a CALL ends after it");
        assertEquals(atCall.get("ESP"), afterCall.get("ESP"));

        // On to heap_write, which runs in user mode with paging on.
        atGuestMain.delete();
        LinearBreakpoint atHeapWrite = LinearBreakpoint.create(heapWrite);
        thread.resume();
        assertEquals(DebugEvent.BREAKPOINT, awaitSuspend(target).getDetail());
        assertArrayEquals(new IBreakpoint[] { atHeapWrite }, thread.getBreakpoints());
        Map<String, Long> registers = registers(thread.getTopStackFrame());
        assertEquals(heapWrite & 0xffff_ffffL, registers.get("EIP"));
        assertEquals(3L, registers.get("CPL"));
        assertEquals(0x8000_0000L, registers.get("CR0") & 0x8000_0000L);
        assertTrue(target.serialOutput().contains("paging on"), target.serialOutput());

        // The registers agree with a machine snapshot.
        Machine machine = target.machine();
        MachineSnapshot snapshot = machine.snapshot().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(snapshot.cpu().eip() & 0xffff_ffffL, registers.get("EIP"));
        assertEquals(snapshot.cpu().cr3() & 0xffff_ffffL, registers.get("CR3"));
        assertEquals(snapshot.cpu().registers().get(Register.ESP.ordinal()) & 0xffff_ffffL, registers.get("ESP"));
        assertEquals(snapshot.cpu().eflags() & 0xffff_ffffL, registers.get("EFLAGS"));

        // Linear memory: the code at EIP and the stack, as the CPU reads them.
        IMemoryBlockExtension code = target.getExtendedMemoryBlock(ShadowbenchDebug.LINEAR_PREFIX + heapWrite, null);
        MemoryByte[] codeBytes = code.getBytesFromOffset(BigInteger.ZERO, 16);
        long[] expected = machine.submit(m -> new long[] { m.cpu().readMemory(heapWrite, 8), m.cpu().readMemory(heapWrite + 8, 8) })
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(expected[0], littleEndian(codeBytes, 0, 8));
        assertEquals(expected[1], littleEndian(codeBytes, 8, 8));
        int esp = registers.get("ESP").intValue();
        IMemoryBlockExtension stack = target.getExtendedMemoryBlock("linear:" + Integer.toUnsignedString(esp), null);
        assertEquals(machine.submit(m -> m.cpu().readMemory(esp, 4)).get(WAIT_SECONDS, TimeUnit.SECONDS),
                littleEndian(stack.getBytesFromOffset(BigInteger.ZERO, 4), 0, 4));

        // Physical memory: the frame the code lives in holds the same bytes.
        long physical = machine.submit(m -> GuestMemory.translate(m, heapWrite)).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(physical >= 0);
        IMemoryBlockExtension frame = target.getExtendedMemoryBlock(ShadowbenchDebug.PHYSICAL_PREFIX + physical, null);
        MemoryByte[] frameBytes = frame.getBytesFromOffset(BigInteger.ZERO, 16);
        assertEquals(expected[0], littleEndian(frameBytes, 0, 8));
        assertEquals(expected[1], littleEndian(frameBytes, 8, 8));
        // The page directory the CPU uses, read physically, against the snapshot's CR3 and the CPU's walk.
        long cr3 = registers.get("CR3") & ~0xfffL;
        MemoryByte[] directory = target.getExtendedMemoryBlock("phys:" + cr3, null).getBytesFromOffset(BigInteger.ZERO, 4);
        long firstPde = machine.submit(m -> m.memory().read(cr3, 4)).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(firstPde, littleEndian(directory, 0, 4));

        // Unmapped linear pages and unassigned physical space are flagged unreadable.
        MemoryByte[] unmapped = target.getExtendedMemoryBlock("linear:0x80000000", null).getBytesFromOffset(BigInteger.ZERO, 8);
        for (MemoryByte b : unmapped) {
            assertFalse(b.isReadable(), "0x80000000 is not mapped by the demo guest");
        }
        MemoryByte[] unassigned = target.getExtendedMemoryBlock("phys:0xd0000000", null).getBytesFromOffset(BigInteger.ZERO, 8);
        for (MemoryByte b : unassigned) {
            assertFalse(b.isReadable(), "nothing is at 0xd0000000");
        }
        // A block across the edge of a mapped page: the mapped part readable, the rest not.
        MemoryByte[] edge = target.getMemoryBlock(0x00fffffcL, 8) instanceof IMemoryBlockExtension block
                ? block.getBytesFromOffset(BigInteger.ZERO, 8) : null;
        assertNotNull(edge);
        assertTrue(edge[3].isReadable(), "the last identity-mapped page (below 16 MiB) is readable");
        assertFalse(edge[4].isReadable(), "16 MiB is not mapped");
        assertThrows(DebugException.class, () -> target.getExtendedMemoryBlock("linear:here", null));

        // Suspend while running, then terminate.
        atHeapWrite.delete();
        thread.resume();
        target.suspend();
        DebugEvent paused = awaitSuspendOrTerminate(target);
        if (paused.getKind() == DebugEvent.SUSPEND) {
            assertEquals(DebugEvent.CLIENT_REQUEST, paused.getDetail());
            assertTrue(thread.isSuspended());
        }
        target.terminate();
        awaitTerminate(target);
        assertTrue(target.isTerminated());
        assertEquals(RunState.CLOSED, machine.state());
        assertThrows(DebugException.class, () -> code.getBytesFromOffset(BigInteger.ZERO, 4));
    }

    /**
     * A physical watchpoint on a guest page table the shadow pool monitors: the demo guest's heap page
     * table of its first process, which its copy-on-write fault handling rewrites. The watch stops the
     * guest after the writing instruction, shows the access, and the pool's monitor handled the write as
     * always; the guest then runs to its end with consistent engine state.
     */
    @Test
    void watchpointOnAMonitoredPageTableStopsAfterTheWriteAndThePoolStillHandlesIt() throws Exception {
        int heapWrite = GuestSuite.symbol("demo", "heap_write");
        int guestMain = GuestSuite.symbol("demo", "guest_main");
        LinearBreakpoint atHeapWrite = LinearBreakpoint.create(heapWrite);
        GuestDebugTarget target = launch(false);
        IThread thread = target.getThreads()[0];
        Machine machine = target.machine();

        // Run to heap_write until the current process's heap page table is one the pool monitors.
        long heapTable = -1;
        for (int hits = 0; heapTable < 0; hits++) {
            assertTrue(hits < 8, "the heap page table never became a monitored pool page");
            assertEquals(DebugEvent.BREAKPOINT, awaitSuspend(target).getDetail());
            MachineSnapshot snapshot = machine.snapshot().get(WAIT_SECONDS, TimeUnit.SECONDS);
            long cr3 = snapshot.cpu().cr3() & 0xffff_f000L;
            long pde = machine.submit(m -> m.memory().read(cr3 + 4 * (0x40000000L >>> 22), 4)).get(WAIT_SECONDS, TimeUnit.SECONDS);
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
        PhysicalWatchpoint watch = PhysicalWatchpoint.create(heapTable, 4096, false, true);
        MachineSnapshot before = machine.snapshot().get(WAIT_SECONDS, TimeUnit.SECONDS);
        long monitorWritesBefore = handler(before, heapTable, "shadow page pool monitor").writeHits();
        assertEquals(0, handler(before, heapTable, "debugger watch").writeHits(), "the watch is listed like any handler");
        long poolHandledBefore = monitored(before.poolStatistics());

        // The copy-on-write fault handler rewrites an entry of that table: the watch stops the guest.
        thread.resume();
        DebugEvent stop = awaitSuspend(target);
        assertEquals(DebugEvent.BREAKPOINT, stop.getDetail());
        assertArrayEquals(new IBreakpoint[] { watch }, thread.getBreakpoints());
        WatchHit hit = target.watchHit();
        assertNotNull(hit);
        assertEquals(AccessType.WRITE, hit.type());
        assertEquals(AccessOrigin.CPU, hit.origin());
        assertEquals(4, hit.size());
        assertEquals(heapTable, hit.address() & ~0xfffL);
        assertEquals(0, hit.address() & 3, "a page table entry");
        assertEquals(0x7L, hit.value() & 0xfff, "copy-on-write makes the entry present, writable, user");
        long written = machine.submit(m -> m.memory().read(hit.address(), 4)).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(hit.value().longValue(), written, "the write happened");
        long eip = registers(thread.getTopStackFrame()).get("EIP");
        long writer = hit.eip() & 0xffff_ffffL;
        assertTrue(writer >= (guestMain & 0xffff_ffffL) && writer < eip && eip - writer <= 15,
                String.format("the guest stops right after the writing instruction (at %#x, now %#x)", writer, eip));
        assertTrue(thread.getName().contains(hit.label()), thread.getName());
        assertTrue(hit.label().contains(String.format("phys %#x", hit.address())) && hit.label().contains("write 4 bytes")
                && hit.label().contains(String.format("value %#x", hit.value())), hit.label());

        // The pool's monitor saw the same write and handled it.
        MachineSnapshot after = machine.snapshot().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(1, handler(after, heapTable, "debugger watch").writeHits());
        assertEquals(monitorWritesBefore + 1, handler(after, heapTable, "shadow page pool monitor").writeHits());
        assertTrue(monitored(after.poolStatistics()) > poolHandledBefore, "the pool's monitor handled the write");
        assertEquals(List.of(), machine.submit(Machine::check).get(WAIT_SECONDS, TimeUnit.SECONDS));

        // The next copy-on-write fault stops it again, at another entry.
        thread.resume();
        assertEquals(DebugEvent.BREAKPOINT, awaitSuspend(target).getDetail());
        assertEquals(heapTable, target.watchHit().address() & ~0xfffL);
        assertFalse(target.watchHit().address() == hit.address(), "another page's entry");

        // Without the watch the guest runs on to its end, its engine state consistent.
        watch.delete();
        LinearBreakpoint atFinish = LinearBreakpoint.create(GuestSuite.symbol("demo", "finish"));
        thread.resume();
        assertEquals(DebugEvent.BREAKPOINT, awaitSuspend(target).getDetail());
        assertArrayEquals(new IBreakpoint[] { atFinish }, thread.getBreakpoints());
        MachineSnapshot end = machine.snapshot().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(end.handlers().stream().noneMatch(h -> h.type().equals("debugger watch")), "the watch is gone");
        assertEquals(List.of(), machine.submit(Machine::check).get(WAIT_SECONDS, TimeUnit.SECONDS));
        atFinish.delete();
        thread.resume();
        awaitTerminate(target);
        assertTrue(target.exitDetail().startsWith("exited with code 0"), target.exitDetail());
        assertTrue(target.serialOutput().contains("PASS"), target.serialOutput());
    }

    /**
     * A read watchpoint on the kernel's {@code last_trap} record (the trap handler writes it, the kernel
     * reads it back): writes do not stop the guest, the first read does, without a value; a watchpoint
     * the registry refuses (no RAM there) is reported and changes nothing; disabling the watch lets the
     * guest run to its end.
     */
    @Test
    void readWatchpointsStopOnReadsAndRefusedOnesAreReported() throws Exception {
        long lastTrap = GuestSuite.symbol("demo", "last_trap") & 0xffff_ffffL;
        GuestDebugTarget target = launch(true);
        IThread thread = target.getThreads()[0];
        Machine machine = target.machine();
        awaitSuspend(target);
        PhysicalWatchpoint nowhere = PhysicalWatchpoint.create(0xd0000000L, 4, false, true);
        PhysicalWatchpoint reads = PhysicalWatchpoint.create(lastTrap, 24, true, false);
        machine.submit(m -> null).get(WAIT_SECONDS, TimeUnit.SECONDS); // the installs ran before this
        assertTrue(target.watchProblem(nowhere) != null && target.watchProblem(nowhere).contains("RAM range"),
                String.valueOf(target.watchProblem(nowhere)));
        assertEquals(null, target.watchProblem(reads));
        MachineSnapshot installed = machine.snapshot().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals("ALL", handler(installed, lastTrap, "debugger watch").kind(), "a read watch intercepts reads");
        assertTrue(installed.handlers().stream().noneMatch(h -> h.first() == 0xd0000000L));

        thread.resume();
        assertEquals(DebugEvent.BREAKPOINT, awaitSuspend(target).getDetail());
        assertArrayEquals(new IBreakpoint[] { reads }, thread.getBreakpoints());
        WatchHit hit = target.watchHit();
        assertEquals(AccessType.READ, hit.type());
        assertEquals(AccessOrigin.CPU, hit.origin());
        assertTrue(hit.address() >= lastTrap && hit.address() + hit.size() <= lastTrap + 24, hit.label());
        assertNull(hit.value(), "a read is seen before its value");
        assertTrue(hit.label().startsWith("watchpoint: read ") && !hit.label().contains("value"), hit.label());
        MachineSnapshot stopped = machine.snapshot().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(1, handler(stopped, lastTrap, "debugger watch").readHits());
        assertTrue(handler(stopped, lastTrap, "debugger watch").writeHits() > 0,
                "the trap handler wrote the record before: seen, counted, not stopped at");

        // The breakpoint manager reports the change when the marker's delta is out: wait for the handler to go.
        reads.setEnabled(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (machine.snapshot().get(WAIT_SECONDS, TimeUnit.SECONDS).handlers().stream()
                .anyMatch(h -> h.type().equals("debugger watch"))) {
            assertTrue(System.nanoTime() < deadline, "disabling the watchpoint did not remove its handler");
            Thread.sleep(20);
        }
        thread.resume();
        DebugEvent end = awaitSuspendOrTerminate(target);
        assertEquals(DebugEvent.TERMINATE, end.getKind(), "suspended instead: " + thread.getName());
        awaitTerminate(target);
        assertTrue(target.exitDetail().startsWith("exited with code 0"), target.exitDetail());
        assertTrue(target.serialOutput().contains("PASS"), target.serialOutput());
    }

    private static MachineSnapshot.HandlerSnapshot handler(MachineSnapshot snapshot, long first, String type) {
        return snapshot.handlers().stream().filter(h -> h.first() == first && h.type().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + type + "' handler at " + Long.toHexString(first) + " in "
                        + snapshot.handlers()));
    }

    /** Monitored writes the pool dealt with, whichever way. */
    private static long monitored(PoolStatistics statistics) {
        return statistics.monitorHandled() + statistics.monitorFlushed() + statistics.monitorRepStosd();
    }

    @Test
    void guestThatExitsTerminatesTheTarget() throws Exception {
        GuestDebugTarget target = launch(false);
        awaitTerminate(target);
        assertTrue(target.getLaunch().isTerminated());
        assertTrue(target.exitDetail().startsWith("exited with code 0"), target.exitDetail());
        assertTrue(target.serialOutput().contains("PASS"), target.serialOutput());
    }

    @Test
    void disabledAndSkippedBreakpointsDoNotStopTheGuest() throws Exception {
        LinearBreakpoint disabled = LinearBreakpoint.create(GuestSuite.symbol("demo", "heap_write"));
        disabled.setEnabled(false);
        LinearBreakpoint skipped = LinearBreakpoint.create(GuestSuite.symbol("demo", "finish"));
        var manager = DebugPlugin.getDefault().getBreakpointManager();
        GuestDebugTarget target = launch(true);
        awaitSuspend(target);
        manager.setEnabled(false);
        try {
            target.resume();
            awaitTerminate(target);
            assertTrue(target.exitDetail().startsWith("exited with code 0"), target.exitDetail());
        } finally {
            manager.setEnabled(true);
        }
        assertTrue(skipped.isEnabled());
    }

    @Test
    void badConfigurationsFailBeforeAMachineIsBuilt() throws Exception {
        ILaunchConfigurationWorkingCopy configuration = configuration(false);
        configuration.setAttribute(ShadowbenchDebug.ATTR_GUEST, directory.resolve("missing.elf").toString());
        CoreException missing = assertThrows(CoreException.class, () -> configuration.launch(ILaunchManager.DEBUG_MODE, null));
        assertTrue(missing.getMessage().contains("missing.elf"), missing.getMessage());
        Path notMultiboot = Files.write(directory.resolve("zeros.bin"), new byte[16384]);
        configuration.setAttribute(ShadowbenchDebug.ATTR_GUEST, notMultiboot.toString());
        assertThrows(CoreException.class, () -> configuration.launch(ILaunchManager.DEBUG_MODE, null));
        configuration.setAttribute(ShadowbenchDebug.ATTR_GUEST, guestFile().toString());
        configuration.setAttribute(ShadowbenchDebug.ATTR_RAM_MIB, 1);
        assertThrows(CoreException.class, () -> configuration.launch(ILaunchManager.DEBUG_MODE, null));
    }

    // ------------------------------------------------------------------ helpers

    private Path guestFile() throws IOException {
        Path file = directory.resolve("demo.elf");
        if (!Files.exists(file)) {
            Files.write(file, demo);
        }
        return file;
    }

    private ILaunchConfigurationWorkingCopy configuration(boolean stopAtEntry) throws CoreException, IOException {
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        ILaunchConfigurationType type = manager.getLaunchConfigurationType(ShadowbenchDebug.LAUNCH_TYPE);
        assertNotNull(type, "the launch configuration type is contributed");
        assertEquals("Shadowbench Guest", type.getName());
        ILaunchConfigurationWorkingCopy configuration = type.newInstance(null, "demo");
        configuration.setAttribute(ShadowbenchDebug.ATTR_GUEST, guestFile().toString());
        configuration.setAttribute(ShadowbenchDebug.ATTR_RAM_MIB, 64);
        configuration.setAttribute(ShadowbenchDebug.ATTR_COMMAND_LINE, "demo");
        configuration.setAttribute(ShadowbenchDebug.ATTR_STOP_AT_ENTRY, stopAtEntry);
        return configuration;
    }

    private GuestDebugTarget launch(boolean stopAtEntry) throws CoreException, IOException {
        ILaunch launch = configuration(stopAtEntry).launch(ILaunchManager.DEBUG_MODE, null);
        launches.add(launch);
        assertEquals(1, launch.getDebugTargets().length);
        return (GuestDebugTarget) launch.getDebugTargets()[0];
    }

    private DebugEvent awaitSuspend(GuestDebugTarget target) throws InterruptedException {
        DebugEvent event = awaitSuspendOrTerminate(target);
        assertEquals(DebugEvent.SUSPEND, event.getKind(), "the guest ended instead: " + target.exitDetail());
        return event;
    }

    private DebugEvent awaitSuspendOrTerminate(GuestDebugTarget target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            DebugEvent event = events.poll(100, TimeUnit.MILLISECONDS);
            if (event != null && event.getSource() instanceof org.eclipse.debug.core.model.IDebugElement element
                    && element.getDebugTarget() == target
                    && (event.getKind() == DebugEvent.SUSPEND || event.getKind() == DebugEvent.TERMINATE)) {
                return event;
            }
        }
        fail("no suspend or terminate event within " + WAIT_SECONDS + " s");
        return null;
    }

    private void awaitTerminate(GuestDebugTarget target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!target.isTerminated()) {
            assertTrue(System.nanoTime() < deadline, "the target did not terminate");
            Thread.sleep(20);
        }
    }

    private static Map<String, Long> registers(IStackFrame frame) throws DebugException {
        Map<String, Long> values = new HashMap<>();
        for (IRegisterGroup group : frame.getRegisterGroups()) {
            for (IRegister register : group.getRegisters()) {
                values.put(register.getName(), Long.decode(register.getValue().getValueString()));
            }
        }
        return values;
    }

    private static int firstByteAtEip(GuestDebugTarget target) throws DebugException {
        long eip = registers(target.getThreads()[0].getTopStackFrame()).get("EIP");
        MemoryByte[] bytes = target.getExtendedMemoryBlock("linear:" + eip, null).getBytesFromOffset(BigInteger.ZERO, 1);
        return bytes[0].getValue() & 0xff;
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
