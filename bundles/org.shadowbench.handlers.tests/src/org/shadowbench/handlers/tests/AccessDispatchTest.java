package org.shadowbench.handlers.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.shadowbench.handlers.AccessOrigin;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.AccessType;
import org.shadowbench.handlers.PhysicalAccessFault;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.handlers.RegistryStatistics;
import org.shadowbench.memory.FrameUse;
import org.shadowbench.memory.PgmException;

/** Guest accesses routed through handlers: callbacks, default access, faults, splitting and counters. */
class AccessDispatchTest {
    private static final long REGS = RegistryFixture.MMIO;
    private final RegistryFixture f = new RegistryFixture();

    @Test
    void writeHandlersSeeWritesButNotReads() {
        PhysicalHandler handler = f.register(f.writeType, 0x3000, 0x3fff, "w");
        f.registry.write(0x3010, 4, 0xdeadbeefL, AccessOrigin.CPU);
        assertEquals(List.of("WRITE 4 bytes at 0x3010 by CPU value 0xdeadbeef user=w"), f.accesses);
        assertEquals(0xdeadbeefL, f.registry.read(0x3010, 4, AccessOrigin.CPU), "DEFAULT wrote to memory");
        assertEquals(1, f.accesses.size(), "reads of WRITE pages are not intercepted");
        assertEquals(1, handler.writeHits());
        assertEquals(0, handler.readHits());
    }

    @Test
    void allHandlersSeeReadsAndCanAnswerThem() {
        PhysicalHandler handler = f.register(f.allType, 0x3000, 0x3fff, "a");
        f.outcome = AccessOutcome.HANDLED;
        assertEquals(0x55667788L, f.registry.read(0x3004, 4, AccessOrigin.DEVICE), "the completed value, cut to size");
        f.registry.write(0x3004, 2, 0x1234, AccessOrigin.DEBUGGER);
        assertEquals(0, f.memory.read(0x3004, 2), "HANDLED writes do not reach memory");
        assertEquals(List.of("READ 4 bytes at 0x3004 by DEVICE user=a", "WRITE 2 bytes at 0x3004 by DEBUGGER value 0x1234 user=a"),
                f.accesses);
        assertEquals(1, handler.readHits());
        assertEquals(1, handler.writeHits());
    }

    @Test
    void faultsBecomeAccessFaults() {
        f.register(f.allType, 0x3000, 0x3fff, "faulty");
        f.outcome = AccessOutcome.FAULT;
        PhysicalAccessFault fault = assertThrows(PhysicalAccessFault.class, () -> f.registry.read(0x3008, 8, AccessOrigin.CPU));
        assertEquals(0x3008, fault.address());
        assertEquals(AccessType.READ, fault.type());
        assertTrue(fault.getMessage().contains("faulty"));
        assertEquals(0, fault.getStackTrace().length, "control flow, no stack trace");
    }

    @Test
    void pageCrossingAccessesGiveOneCallbackPerPagePart() {
        f.register(f.allType, 0x3000, 0x4fff, "two pages");
        f.registry.write(0x3ffd, 8, 0x0807060504030201L, AccessOrigin.CPU);
        assertEquals(List.of("WRITE 3 bytes at 0x3ffd by CPU value 0x30201 user=two pages",
                "WRITE 5 bytes at 0x4000 by CPU value 0x807060504 user=two pages"), f.accesses);
        assertEquals(0x0807060504030201L, f.memory.read(0x3ffd, 8));
        f.accesses.clear();
        assertEquals(0x0807060504030201L, f.registry.read(0x3ffd, 8, AccessOrigin.CPU));
        assertEquals(2, f.accesses.size());
        f.accesses.clear();
        f.registry.read(0x3ff8, 8, AccessOrigin.CPU);
        assertEquals(List.of("READ 8 bytes at 0x3ff8 by CPU user=two pages"), f.accesses, "aligned 64-bit stays whole");
    }

    @Test
    void partOfAPageOutsideAWriteHandlerTakesTheDefaultPath() {
        f.register(f.writeType, 0x3000, 0x3003, "word");
        f.registry.write(0x3002, 4, 0xaabbccddL, AccessOrigin.CPU);
        assertEquals(List.of("WRITE 2 bytes at 0x3002 by CPU value 0xccdd user=word"), f.accesses);
        assertEquals(0xaabbccddL, f.memory.read(0x3002, 4));
        f.accesses.clear();
        f.register(f.writeType, 0x3006, 0x3007, "next");
        f.registry.write(0x3004, 4, 0x11223344L, AccessOrigin.CPU);
        assertEquals(List.of("WRITE 2 bytes at 0x3006 by CPU value 0x1122 user=next"), f.accesses,
                "the unhandled bytes before a handler go straight to memory");
        assertEquals(0x11223344L, f.memory.read(0x3004, 4));
    }

    @Test
    void unhandledPagesAndUnassignedAddressesUseTheDefaultAccess() {
        f.registry.write(0x5000, 4, 7, AccessOrigin.CPU);
        assertEquals(7, f.registry.read(0x5000, 4, AccessOrigin.CPU));
        assertEquals(0xffffffffL, f.registry.read(0x80000000L, 4, AccessOrigin.CPU));
        assertEquals(List.of(), f.accesses);
        RegistryStatistics stats = f.registry.statistics();
        assertEquals(0, stats.callbacks());
        assertEquals(3, stats.defaultAccesses());
    }

    @Test
    void mmioWithAliasesDispatchesOnlyTheUnaliasedPages() {
        f.register(f.mmioType, REGS, REGS + 0x2fff, "regs");
        Object vga = "vga";
        int vram = f.memory.registerMmio2(vga, 0x1000, "VRAM");
        f.registry.pageAliasMmio2(REGS, REGS + 0x1000, vga, vram, 0);
        f.registry.write(REGS + 0x1010, 4, 0x99, AccessOrigin.CPU);
        assertEquals(List.of(), f.accesses, "an MMIO2 alias is memory");
        assertEquals(0x99, f.memory.frames().read(f.memory.resolveMmio2Page(vga, vram, 0).hostFrame(), 0x10, 4));
        f.registry.write(REGS + 0x2010, 4, 0x99, AccessOrigin.CPU);
        assertEquals(1, f.accesses.size());
        int apicPage = f.memory.frames().allocate(FrameUse.DEVICE);
        f.registry.pageAliasHc(REGS, REGS, apicPage);
        f.registry.read(REGS + 0x20, 4, AccessOrigin.CPU);
        assertEquals(2, f.accesses.size(), "special aliases are MMIO to everyone but shadow paging");
    }

    @Test
    void sizesAreValidated() {
        assertThrows(PgmException.class, () -> f.registry.read(0, 3, AccessOrigin.CPU));
        assertThrows(PgmException.class, () -> f.registry.write(0, 16, 0, AccessOrigin.CPU));
    }

    @Test
    void lookupsUseTheLastHitCacheIncludingTheLastByte() {
        PhysicalHandler handler = f.register(f.writeType, 0x3000, 0x3fff, "h");
        f.register(f.writeType, 0x5000, 0x5fff, "other");
        assertSame(handler, f.registry.lookup(0x3000));
        RegistryStatistics before = f.registry.statistics();
        assertSame(handler, f.registry.lookup(0x3fff));
        assertSame(handler, f.registry.lookup(0x3800));
        assertNull(f.registry.lookup(0x4000));
        RegistryStatistics after = f.registry.statistics();
        assertEquals(3, after.lookups() - before.lookups());
        assertEquals(2, after.cacheHits() - before.cacheHits());
        f.registry.deregister(handler);
        assertNull(f.registry.lookup(0x3800), "deregistration empties the cache");
    }

    @Test
    void bestFitAndQueries() {
        PhysicalHandler low = f.register(f.writeType, 0x3000, 0x3fff, "low");
        PhysicalHandler high = f.register(f.allType, 0x5000, 0x5fff, "high");
        assertSame(low, f.registry.bestFit(0x4000, false));
        assertSame(high, f.registry.bestFit(0x4000, true));
        assertSame(high, f.registry.bestFit(0x5000, true));
        assertSame(high, f.registry.bestFit(0x5000, false));
        assertNull(f.registry.bestFit(0x2fff, false));
        assertNull(f.registry.bestFit(0x5001, true));
        assertSame(low, f.registry.handlerAt(0x3000));
        assertNull(f.registry.handlerAt(0x3001));
        assertTrue(f.registry.isRegistered(0x3fff));
        assertFalse(f.registry.isRegistered(0x4000));
        assertFalse(f.registry.isAll(0x3000));
        assertTrue(f.registry.isAll(0x5000));
        assertTrue(f.registry.isAll(0x4000), "no handler: the reference answers true");
        assertEquals(List.of(low, high), f.registry.handlers());
        assertEquals(2, f.registry.handlerCount());
    }

    @Test
    void dumpListsHandlersWithCounters() throws Exception {
        f.register(f.writeType, 0x3000, 0x4fff, "frame buffer");
        f.registry.pageTempOff(0x3000, 0x4000);
        f.registry.write(0x3000, 1, 1, AccessOrigin.CPU);
        StringBuilder out = new StringBuilder();
        f.registry.dump(out);
        String text = out.toString();
        assertTrue(text.contains("Physical handlers: 1 registered, 3 types"), text);
        assertTrue(text.contains("0000000000003000 - 0000000000004fff WRITE      2       0       1          0          1  write watcher / frame buffer"),
                text);
    }
}
