package org.shadowbench.pool.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.handlers.AccessOrigin;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.pool.FaultingInstruction;
import org.shadowbench.pool.OpcodeClass;
import org.shadowbench.pool.PoolConfiguration;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.ShadowPagePool;

/**
 * Write monitoring of guest page tables through the registry, and the pool's access handler with
 * each of its heuristics: the modification limit, reuse and fork detection, the REP STOSD fast path
 * and its exact conditions, other REP prefixes, and writes by devices.
 */
class MonitoringTest {
    private static final int PD = ShadowPagePool.ROOT_32BIT_PD;
    /** A guest page table at 1 MiB whose eight first entries map data pages at 2 MiB. */
    private static final long GUEST_PT = 0x100000;
    private static final long DATA = 0x200000;

    private final PoolFixture f = new PoolFixture();
    private int pt;

    @BeforeEach
    void shadowAGuestPageTable() {
        for (int i = 0; i < 8; i++) {
            f.touch(DATA + 0x1000L * i);
            f.guestPte32(GUEST_PT, i, (DATA + 0x1000L * i) | PoolFixture.P | PoolFixture.RW);
        }
        pt = f.shadow(GUEST_PT, PoolKind.PT32_FOR_PT32, PD, 0);
        for (int i = 0; i < 8; i++) {
            f.map(pt, i, DATA + 0x1000L * i, true);
        }
        f.assertConsistent();
    }

    private boolean shadowed(int page, int i) {
        return (f.pool.entry(page, i) & PoolFixture.P) != 0;
    }

    /** Executes a CPU write of a guest PTE as the CPU will: with the instruction's facts available. */
    private void cpuWrite(long address, int size, long value, FaultingInstruction instruction) {
        f.hooks.instruction = instruction.linearAddress(0xc0000000L + (address & 0xfff));
        try {
            f.registry.write(address, size, value, AccessOrigin.CPU);
        } finally {
            f.hooks.instruction = null;
        }
    }

    private static FaultingInstruction mov() {
        return new FaultingInstruction().opcode(OpcodeClass.OTHER).writeSize(4).length(2);
    }

    /** The host frame behind a guest page of the fixture's RAM. */
    private int hostFrame(long address) {
        return f.ram.hostFrame(f.ram.pageIndex(address));
    }

    @Test
    void aSimpleWriteClearsTheEntryItTouchesAndCounts() {
        int tlbs = f.hooks.tlbFlushes;
        cpuWrite(GUEST_PT + 4 * 3, 4, (DATA + 0x5000) | 3, mov());
        assertFalse(shadowed(pt, 3), "the entry being overwritten is cleared");
        assertTrue(shadowed(pt, 2) && shadowed(pt, 4), "neighbours stay");
        assertEquals((DATA + 0x5000) | 3, f.memory.read(GUEST_PT + 12, 4), "the write itself happened");
        assertEquals(1, f.pool.page(pt).modifications());
        assertEquals(List.of(pt), f.pool.modifiedList());
        assertEquals(1, f.pool.statistics().monitorHandled());
        assertEquals(List.of(hostFrame(DATA + 0x3000)), f.hooks.flushedFrames,
                "the TLB drops the entries of the frame the cleared entry mapped");
        assertEquals(tlbs, f.hooks.tlbFlushes, "and keeps the rest");
        f.assertConsistent();
    }

    @Test
    void aWriteOverEmptyEntriesLeavesTheTlbAlone() {
        int tlbs = f.hooks.tlbFlushes;
        cpuWrite(GUEST_PT + 4 * 9, 4, (DATA + 0x5000) | 3, mov());
        assertEquals(1, f.pool.statistics().monitorHandled());
        assertEquals(List.of(), f.hooks.flushedFrames, "no shadow entry was cleared, so no translation changed");
        assertEquals(tlbs, f.hooks.tlbFlushes);
        f.assertConsistent();
    }

    @Test
    void aWideWriteClearsEveryEntryItTouches() {
        cpuWrite(GUEST_PT + 4 * 5, 8, 0, mov().writeSize(8));
        assertFalse(shadowed(pt, 5));
        assertFalse(shadowed(pt, 6));
        assertTrue(shadowed(pt, 7));
        assertEquals(List.of(hostFrame(DATA + 0x5000), hostFrame(DATA + 0x6000)), f.hooks.flushedFrames);
        f.assertConsistent();
    }

    @Test
    void theModificationLimitFlushes() {
        PoolFixture limited = new PoolFixture(new PoolConfiguration(64, 128, 64, 8, 3, true));
        limited.guestPte32(GUEST_PT, 0, 0);
        int page = limited.shadow(GUEST_PT, PoolKind.PT32_FOR_PT32, PD, 0);
        limited.hooks.instruction = mov();
        for (int i = 0; i < 3; i++) {
            limited.registry.write(GUEST_PT, 4, 0, AccessOrigin.CPU);
        }
        assertEquals(3, limited.pool.page(page).modifications());
        limited.registry.write(GUEST_PT, 4, 0, AccessOrigin.CPU);
        assertEquals(PoolKind.FREE, limited.pool.page(page).kind(), "the fourth write flushes the page");
        assertEquals(1, limited.pool.statistics().monitorFlushed());
        assertEquals(0, limited.pool.entry(PD, 0));
        assertNull(limited.registry.handlerAt(GUEST_PT), "nothing is monitored any more");
        limited.assertConsistent();
    }

    @Test
    void theDefaultLimitIsFortyEightWrites() {
        f.hooks.instruction = mov();
        try {
            for (int i = 0; i < 48; i++) {
                f.registry.write(GUEST_PT + 4 * (i % 16), 4, 0, AccessOrigin.CPU);
            }
            assertEquals(48, f.pool.page(pt).modifications(), "48 writes handled one by one");
            assertEquals(0, f.pool.statistics().monitorFlushed());
            f.registry.write(GUEST_PT, 4, 0, AccessOrigin.CPU);
        } finally {
            f.hooks.instruction = null;
        }
        assertEquals(PoolKind.FREE, f.pool.page(pt).kind(), "the 49th flushes the table");
        assertEquals(1, f.pool.statistics().monitorFlushed());
        f.assertConsistent();
    }

    @Test
    void pushesAndStackWritesMeanThePageWasReused() {
        for (FaultingInstruction reuse : new FaultingInstruction[] { mov().opcode(OpcodeClass.PUSH),
            mov().opcode(OpcodeClass.PUSHF), mov().opcode(OpcodeClass.PUSHA), mov().opcode(OpcodeClass.FXSAVE),
            mov().destinationIsEsp(true) }) {
            PoolFixture fresh = new PoolFixture();
            int page = fresh.shadow(GUEST_PT, PoolKind.PT32_FOR_PT32, PD, 0);
            fresh.hooks.instruction = reuse;
            fresh.registry.write(GUEST_PT + 0x40, 4, 0, AccessOrigin.CPU);
            assertEquals(PoolKind.FREE, fresh.pool.page(page).kind(), reuse.toString());
            assertEquals(1, fresh.pool.statistics().monitorReused(), reuse.toString());
            fresh.assertConsistent();
        }
    }

    @Test
    void btrOnTheLowDwordIsAFork() {
        cpuWrite(GUEST_PT + 8, 4, DATA | 1, mov().opcode(OpcodeClass.BTR));
        assertEquals(PoolKind.FREE, f.pool.page(pt).kind(), "offset 8: the low dword of a PAE entry, a fork");
        assertEquals(1, f.pool.statistics().monitorFork());
        f.assertConsistent();
        PoolFixture other = new PoolFixture();
        other.guestPte32(GUEST_PT, 0, 0);
        int page = other.shadow(GUEST_PT, PoolKind.PT32_FOR_PT32, PD, 0);
        other.hooks.instruction = mov().opcode(OpcodeClass.BTR);
        other.registry.write(GUEST_PT + 0x0c, 4, 0, AccessOrigin.CPU);
        assertEquals(PoolKind.PT32_FOR_PT32, other.pool.page(page).kind(), "offset 0xc has bit 2 set: handled");
        assertEquals(0, other.pool.statistics().monitorFork());
    }

    private static FaultingInstruction repStosd(long eax, long ecx) {
        return new FaultingInstruction().opcode(OpcodeClass.STOS).prefixes(FaultingInstruction.PREFIX_REP).writeSize(4)
                .length(2).registers(eax, ecx, 0x1000);
    }

    @Test
    void smallRepStosdIsExecutedByThePool() {
        FaultingInstruction stosd = repStosd(0, 6);
        cpuWrite(GUEST_PT + 8, 4, 0, stosd);
        assertTrue(stosd.completedByPool());
        assertEquals(0, stosd.ecx());
        assertEquals(0x1000 + 24, stosd.edi());
        for (int i = 2; i < 8; i++) {
            assertFalse(shadowed(pt, i), "entry " + i);
            assertEquals(0, f.memory.read(GUEST_PT + 4L * i, 4), "the pool wrote entry " + i);
        }
        assertTrue(shadowed(pt, 0) && shadowed(pt, 1));
        assertEquals(1, f.pool.statistics().monitorRepStosd());
        assertEquals(1, f.pool.page(pt).modifications());
        f.assertConsistent();
    }

    @Test
    void everyRepStosdConditionMatters() {
        FaultingInstruction[] spoilers = { repStosd(0, 6).cpl(3), repStosd(0, 0x21), repStosd(1, 6),
            repStosd(0, 6).directionFlag(true), repStosd(0, 6).modes(16, 32, 32), repStosd(0, 6).modes(32, 16, 32),
            repStosd(0, 6).modes(32, 32, 16),
            repStosd(0, 6).prefixes(FaultingInstruction.PREFIX_REP | FaultingInstruction.PREFIX_SEGMENT),
            repStosd(0, 6).opcode(OpcodeClass.MOVS) };
        for (FaultingInstruction spoiler : spoilers) {
            PoolFixture fresh = new PoolFixture();
            int page = fresh.shadow(GUEST_PT, PoolKind.PT32_FOR_PT32, PD, 0);
            fresh.hooks.instruction = spoiler.linearAddress(0xc0000008L);
            fresh.registry.write(GUEST_PT + 8, 4, 0, AccessOrigin.CPU);
            assertFalse(spoiler.completedByPool(), spoiler.toString());
            assertEquals(PoolKind.FREE, fresh.pool.page(page).kind(), "REP without the fast path flushes: " + spoiler);
            assertEquals(1, fresh.pool.statistics().monitorRepPrefix(), spoiler.toString());
        }
        PoolFixture accepted = new PoolFixture();
        accepted.shadow(GUEST_PT, PoolKind.PT32_FOR_PT32, PD, 0);
        FaultingInstruction eax80 = repStosd(0x80, 0x20);
        accepted.hooks.instruction = eax80.linearAddress(0xc0000f80L);
        accepted.registry.write(GUEST_PT + 0xf80, 4, 0, AccessOrigin.CPU);
        assertTrue(eax80.completedByPool(), "EAX 0x80 and 32 dwords up to the page end are accepted");
        PoolFixture misaligned = new PoolFixture();
        int page = misaligned.shadow(GUEST_PT, PoolKind.PT32_FOR_PT32, PD, 0);
        misaligned.hooks.instruction = repStosd(0, 2).linearAddress(0xc0000ffaL);
        misaligned.registry.write(GUEST_PT + 0xff8, 4, 0, AccessOrigin.CPU);
        assertEquals(PoolKind.FREE, misaligned.pool.page(page).kind(), "an unaligned destination flushes");
    }

    @Test
    void repneFlushes() {
        cpuWrite(GUEST_PT + 8, 4, 0, mov().prefixes(FaultingInstruction.PREFIX_REPNE));
        assertEquals(PoolKind.FREE, f.pool.page(pt).kind());
        assertEquals(1, f.pool.statistics().monitorRepPrefix());
    }

    @Test
    void devicesWritingPageTablesClearEntriesToo() {
        f.registry.write(GUEST_PT + 4 * 2, 4, 0, AccessOrigin.DEVICE);
        assertFalse(shadowed(pt, 2));
        assertEquals(1, f.pool.page(pt).modifications());
        assertEquals(List.of(hostFrame(DATA + 0x2000)), f.hooks.flushedFrames);
        f.assertConsistent();
    }

    @Test
    void pagesShadowingOneGuestPageShareAMonitorChain() {
        int lowHalf = f.pool.alloc(GUEST_PT, PoolKind.PAE_PT_FOR_PT32, ShadowPagePool.ROOT_PAE_PD, 0).page();
        int highHalf = f.pool.alloc(GUEST_PT + 0x800, PoolKind.PAE_PT_FOR_PT32, ShadowPagePool.ROOT_PAE_PD, 1).page();
        assertEquals(List.of(pt, highHalf, lowHalf), f.pool.monitorChain(lowHalf), "new pages go after the head");
        assertEquals(pt, f.registry.handlerAt(GUEST_PT).userArgument());
        f.map(lowHalf, 2, DATA + 0x2000, true);
        f.guestPte32(GUEST_PT, 0x202, (DATA + 0x7000) | 1);
        f.map(highHalf, 2, DATA + 0x7000, true);
        cpuWrite(GUEST_PT + 4 * 2, 4, 0, mov());
        assertFalse(shadowed(pt, 2));
        assertFalse(shadowed(lowHalf, 2), "the lower half shadows this entry");
        assertTrue(shadowed(highHalf, 2), "the upper half does not");
        f.assertConsistent();
        f.pool.flushPage(pt);
        assertEquals(highHalf, f.registry.handlerAt(GUEST_PT).userArgument(), "the handler moves to the new head");
        assertEquals(List.of(highHalf, lowHalf), f.pool.monitorChain(lowHalf));
        f.assertConsistent();
        f.pool.flushPage(lowHalf);
        f.pool.flushPage(highHalf);
        assertNull(f.registry.handlerAt(GUEST_PT));
        f.assertConsistent();
    }

    @Test
    void leavingTheMiddleOfAMonitorChainKeepsTheHeadAndTheHandler() {
        int lowHalf = f.pool.alloc(GUEST_PT, PoolKind.PAE_PT_FOR_PT32, ShadowPagePool.ROOT_PAE_PD, 0).page();
        int highHalf = f.pool.alloc(GUEST_PT + 0x800, PoolKind.PAE_PT_FOR_PT32, ShadowPagePool.ROOT_PAE_PD, 1).page();
        assertEquals(List.of(pt, highHalf, lowHalf), f.pool.monitorChain(pt));
        f.pool.flushPage(highHalf);
        assertEquals(List.of(pt, lowHalf), f.pool.monitorChain(pt), "the neighbours are linked to each other");
        assertEquals(List.of(pt, lowHalf), f.pool.monitorChain(lowHalf));
        assertEquals(pt, f.registry.handlerAt(GUEST_PT).userArgument(), "the head keeps the handler");
        f.assertConsistent();
        // Writes still reach both remaining pages.
        f.map(lowHalf, 2, DATA + 0x2000, true);
        cpuWrite(GUEST_PT + 4 * 2, 4, 0, mov());
        assertFalse(shadowed(lowHalf, 2));
        f.assertConsistent();
    }

    @Test
    void chainFlushFlushesEveryPageButTheRoot() {
        f.pool.monitorCr3(PD, GUEST_PT);
        assertEquals(List.of(pt, PD), f.pool.monitorChain(pt));
        assertTrue(f.pool.page(pt).cr3Mix(), "CR3-mix spreads over the chain");
        assertEquals(PgmStatus.VINF_SUCCESS, f.pool.chainFlush(PD));
        assertEquals(PoolKind.FREE, f.pool.page(pt).kind());
        assertEquals(List.of(PD), f.pool.monitorChain(PD));
        assertEquals(PD, f.registry.handlerAt(GUEST_PT).userArgument());
        f.assertConsistent();
    }

    @Test
    void cr3MixPagesIgnoreTheModificationLimit() {
        PoolFixture limited = new PoolFixture(new PoolConfiguration(64, 128, 64, 8, 2, true));
        int page = limited.shadow(GUEST_PT, PoolKind.PT32_FOR_PT32, PD, 0);
        limited.pool.monitorCr3(PD, GUEST_PT);
        limited.hooks.instruction = mov();
        for (int i = 0; i < 5; i++) {
            limited.registry.write(GUEST_PT + 0x100, 4, 0, AccessOrigin.CPU);
        }
        assertEquals(PoolKind.PT32_FOR_PT32, limited.pool.page(page).kind());
        limited.assertConsistent();
    }

    @Test
    void cr3MonitoringMovesAndStops() {
        assertEquals(PgmStatus.VINF_SUCCESS, f.pool.monitorCr3(PD, 0x50000));
        assertTrue(f.pool.page(PD).monitored());
        assertEquals(PD, f.registry.handlerAt(0x50000).userArgument());
        assertEquals(PgmStatus.VINF_SUCCESS, f.pool.monitorCr3(PD, 0x50000), "already there");
        f.pool.monitorCr3(PD, GUEST_PT);
        assertNull(f.registry.handlerAt(0x50000));
        assertEquals(List.of(pt, PD), f.pool.monitorChain(PD));
        f.assertConsistent();
        f.pool.unmonitorCr3(PD);
        assertFalse(f.pool.page(PD).monitored());
        assertFalse(f.pool.page(pt).cr3Mix());
        assertEquals(-1, f.pool.page(PD).gcPhys());
        assertEquals(PgmStatus.VINF_SUCCESS, f.pool.unmonitorCr3(PD), "not monitored: nothing to do");
        f.assertConsistent();
    }

    @Test
    void hypervisorMappingsInTheRootRequestACr3Sync() {
        f.pool.monitorCr3(PD, 0x50000);
        f.pool.setDirectoryEntry(PD, 5, ShadowPagePool.MAPPING | PoolFixture.P | 0x123000);
        cpuWrite(0x50000 + 4 * 4, 4, 0, mov());
        assertFalse(f.pool.cr3SyncRequested(), "entry 4 is the guest's");
        cpuWrite(0x50000 + 4 * 4, 8, 0, mov().writeSize(8));
        assertTrue(f.pool.cr3SyncRequested(), "an 8-byte write reaches entry 5, a hypervisor mapping");
        assertEquals(1, f.hooks.syncRequests);
        f.pool.acknowledgeSync();
        f.pool.monitorCr3(ShadowPagePool.ROOT_PAE_PD, 0x60000);
        f.pool.setDirectoryEntry(ShadowPagePool.ROOT_PAE_PD, 7, ShadowPagePool.MAPPING | PoolFixture.P);
        cpuWrite(0x60000 + 4 * 3, 4, 0, mov());
        assertTrue(f.pool.cr3SyncRequested(), "guest entry 3 is PAE entries 6 and 7");
    }

    @Test
    void writesToShadowedDirectoriesReleaseTheirTables() {
        long guestPd = 0x80000;
        int pd = f.shadow(guestPd, PoolKind.PAE_PD_FOR_PAE_PD, ShadowPagePool.ROOT_PDPT, 0);
        int child = f.shadow(0x90000, PoolKind.PAE_PT_FOR_PAE_PT, pd, 3);
        assertEquals(1, f.pool.page(child).users().size());
        int tlbs = f.hooks.tlbFlushes;
        cpuWrite(guestPd + 8 * 3, 8, 0, mov().writeSize(8));
        assertEquals(0, f.pool.entry(pd, 3), "the directory entry the guest changes is released");
        assertEquals(0, f.pool.page(child).users().size(), "and the child table lost that user");
        assertEquals(tlbs + 1, f.hooks.tlbFlushes, "a whole table's mappings went: the TLB is flushed");
        assertEquals(List.of(), f.hooks.flushedFrames);
        f.assertConsistent();
    }

    @Test
    void modifiedListClearsOnRequest() {
        cpuWrite(GUEST_PT, 4, 0, mov());
        f.pool.modifiedClearAll();
        assertEquals(List.of(), f.pool.modifiedList());
        assertEquals(0, f.pool.page(pt).modifications());
        f.assertConsistent();
    }
}
