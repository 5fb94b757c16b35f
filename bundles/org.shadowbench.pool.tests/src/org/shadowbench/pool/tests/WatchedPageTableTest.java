package org.shadowbench.pool.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.shadowbench.handlers.AccessOrigin;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.pool.FaultingInstruction;
import org.shadowbench.pool.OpcodeClass;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.ShadowPagePool;

/**
 * A watch (an overlay handler, as the debugger's physical watchpoints register) on a guest page
 * table the pool monitors: registered before or after the monitor, deregistered before or after
 * it; the watch sees the guest's writes and the pool's monitor handles them exactly as without it.
 */
class WatchedPageTableTest {
    private static final int PD = ShadowPagePool.ROOT_32BIT_PD;
    private static final long GUEST_PT = 0x100000;
    private static final long DATA = 0x200000;

    private final PoolFixture f = new PoolFixture();
    private final List<String> seen = new ArrayList<>();
    private final HandlerType watchType = f.registry.registerOverlayType(HandlerKind.WRITE, "debugger watch", (access, user) -> {
        seen.add(access.toString());
        return AccessOutcome.DEFAULT;
    });

    private void guestTable() {
        for (int i = 0; i < 8; i++) {
            f.touch(DATA + 0x1000L * i);
            f.guestPte32(GUEST_PT, i, (DATA + 0x1000L * i) | PoolFixture.P | PoolFixture.RW);
        }
    }

    private int shadowTable() {
        int pt = f.shadow(GUEST_PT, PoolKind.PT32_FOR_PT32, PD, 0);
        for (int i = 0; i < 8; i++) {
            f.map(pt, i, DATA + 0x1000L * i, true);
        }
        return pt;
    }

    private PhysicalHandler watch(long first, long last) {
        PhysicalHandler handler = f.registry.create(watchType, "watch", null);
        f.registry.register(handler, first, last);
        return handler;
    }

    private PageHandlerState state() {
        return f.ram.handlerState(f.ram.pageIndex(GUEST_PT));
    }

    private void cpuWrite(long address, long value) {
        f.hooks.instruction = new FaultingInstruction().opcode(OpcodeClass.OTHER).writeSize(4).length(2)
                .linearAddress(0xc0000000L + (address & 0xfff));
        try {
            f.registry.write(address, 4, value, AccessOrigin.CPU);
        } finally {
            f.hooks.instruction = null;
        }
    }

    private boolean shadowed(int page, int i) {
        return (f.pool.entry(page, i) & PoolFixture.P) != 0;
    }

    /** The write the guest makes, seen by the watch and handled by the monitor as always. */
    private void guestRewritesEntryThree(int pt, PhysicalHandler watch) {
        long handled = f.pool.statistics().monitorHandled();
        cpuWrite(GUEST_PT + 12, (DATA + 0x5000) | 3);
        assertEquals(List.of("WRITE 4 bytes at 0x10000c by CPU value 0x205003"), seen);
        assertEquals(1, watch.writeHits());
        assertFalse(shadowed(pt, 3), "the monitor cleared the entry being overwritten");
        assertTrue(shadowed(pt, 2) && shadowed(pt, 4));
        assertEquals(handled + 1, f.pool.statistics().monitorHandled());
        assertEquals(1, f.pool.page(pt).modifications());
        assertEquals((DATA + 0x5000) | 3, f.memory.read(GUEST_PT + 12, 4));
        assertEquals(1, f.registry.handlerAt(GUEST_PT).writeHits(), "the monitor's handler counted it too");
    }

    @Test
    void watchFirstThenMonitorThenWatchLeavesFirst() {
        guestTable();
        PhysicalHandler watch = watch(GUEST_PT + 12, GUEST_PT + 15);
        assertEquals(PageHandlerState.WRITE, state());
        int pt = shadowTable();
        assertSame(pt, f.registry.handlerAt(GUEST_PT).userArgument(), "the monitor registered beside the watch");
        f.assertConsistent();
        guestRewritesEntryThree(pt, watch);
        f.assertConsistent();
        f.registry.deregister(watch);
        assertEquals(PageHandlerState.WRITE, state(), "the monitor keeps the page");
        f.assertConsistent();
        f.pool.flushPage(pt);
        assertNull(f.registry.handlerAt(GUEST_PT));
        assertEquals(PageHandlerState.NONE, state());
        f.assertConsistent();
    }

    @Test
    void monitorFirstThenWatchThenMonitorLeavesFirst() {
        guestTable();
        int pt = shadowTable();
        PhysicalHandler watch = watch(GUEST_PT + 12, GUEST_PT + 15);
        assertEquals(PageHandlerState.WRITE, state());
        f.assertConsistent();
        guestRewritesEntryThree(pt, watch);
        f.pool.flushPage(pt);
        assertNull(f.registry.handlerAt(GUEST_PT), "the monitor deregistered as always");
        assertEquals(PageHandlerState.WRITE, state(), "the watch keeps the page");
        f.assertConsistent();
        seen.clear();
        cpuWrite(GUEST_PT + 12, 0);
        assertEquals(1, seen.size(), "the watch still sees the guest's writes");
        f.registry.deregister(watch);
        assertEquals(PageHandlerState.NONE, state());
        f.assertConsistent();
    }

    @Test
    void theMonitorMovesAndComesBackUnderTheWatch() {
        guestTable();
        PhysicalHandler watch = watch(GUEST_PT, GUEST_PT + 0xfff);
        int pt = shadowTable();
        int lowHalf = f.pool.alloc(GUEST_PT, PoolKind.PAE_PT_FOR_PT32, ShadowPagePool.ROOT_PAE_PD, 0).page();
        f.pool.flushPage(pt);
        assertEquals(lowHalf, f.registry.handlerAt(GUEST_PT).userArgument(), "the handler moved to the new head");
        f.assertConsistent();
        f.pool.flushPage(lowHalf);
        pt = shadowTable();
        f.assertConsistent();
        f.registry.write(GUEST_PT + 8, 4, 0, AccessOrigin.DEVICE);
        assertFalse(shadowed(pt, 2), "a device write is handled by the monitor");
        assertEquals(1, watch.writeHits());
        f.registry.deregister(watch);
        f.pool.flushPage(pt);
        assertEquals(PageHandlerState.NONE, state());
        f.assertConsistent();
    }
}
