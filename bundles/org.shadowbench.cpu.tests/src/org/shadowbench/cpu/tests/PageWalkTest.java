package org.shadowbench.cpu.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.PageWalk;

/** The side-by-side walk of a linear address through the guest's tables and the shadow tables. */
class PageWalkTest {
    private static final int WINDOW = 0x0200_0000;
    private static final int PAGE = 0x0050_0000;

    private final CpuFixture f = new CpuFixture();
    private int table;
    private long pte;

    @AfterEach
    void consistent() {
        f.assertConsistent();
    }

    /** Identity-maps 16 MiB and maps {@link #WINDOW} to {@link #PAGE} with {@code flags}. */
    private void window(int flags) {
        int directory = f.identityDirectory32();
        table = f.allocateTable();
        f.memory.write(directory + 4L * (WINDOW >>> 22), 4, table | 0x7);
        pte = table + 4L * ((WINDOW >>> 12) & 1023);
        f.memory.write(pte, 4, PAGE | flags);
        f.enablePaging32(directory);
    }

    private static String hex32(int value) {
        return String.format("%02x %02x %02x %02x", value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24);
    }

    @Test
    void followsAPageFromUnsyncedToWriteProtectedToWritable() {
        window(0x3);
        PageWalk before = f.cpu.walk(WINDOW + 0x10);
        assertEquals("32-bit", before.mode());
        assertEquals(List.of("PDE", "PTE"), before.guestLevels().stream().map(PageWalk.Level::name).toList());
        assertEquals(table, before.guestLevels().get(1).table());
        assertEquals(PAGE + 0x10, before.guestPhysical());
        assertNull(before.guestFault());
        assertEquals(-1, before.hostFrame());
        assertTrue(before.verdict().startsWith("no shadow page table covers"), before.verdict());
        assertEquals(0, f.read(pte, 4) & 0x60, "walking set no accessed bit");

        f.exec("a1 " + hex32(WINDOW + 0x10));
        PageWalk afterRead = f.cpu.walk(WINDOW + 0x10);
        assertEquals(f.ram.hostFrame(PAGE >>> 12), afterRead.hostFrame());
        assertEquals(2, afterRead.shadowLevels().size());
        assertTrue(afterRead.shadowLevels().get(1).poolPage() > 0, "the shadow table is a pool page");
        assertTrue(afterRead.guestWritable() && !afterRead.guestDirty() && !afterRead.shadowWritable());
        assertTrue(afterRead.verdict().startsWith("write-protected until the guest's first write"), afterRead.verdict());
        assertTrue(afterRead.tlb().contains("R- kernel"), afterRead.tlb());
        assertEquals("RAM", afterRead.pageType());

        f.exec("a3 " + hex32(WINDOW + 0x10));
        PageWalk afterWrite = f.cpu.walk(WINDOW + 0x10);
        assertTrue(afterWrite.guestDirty() && afterWrite.shadowWritable());
        assertEquals("the shadow grants what the guest grants", afterWrite.verdict());
        List<String> text = afterWrite.describe();
        assertTrue(text.get(0).startsWith("linear 0x02000010, guest paging 32-bit"), text.get(0));
        assertTrue(text.stream().anyMatch(line -> line.startsWith("  guest  PTE") && line.endsWith("P W A D")), text.toString());
        assertTrue(text.stream().anyMatch(line -> line.startsWith("  shadow PTE") && line.contains(" pool ")), text.toString());
    }

    @Test
    void aMonitoredGuestPageTableIsReadOnlyBecauseOfItsWriteHandler() {
        window(0x3);
        // Shadowing the window's table makes the pool monitor it; then read the table through the identity map.
        f.exec("a1 " + hex32(WINDOW) + " a1 " + hex32(table));
        PageWalk walk = f.cpu.walk(table);
        assertEquals(table, walk.guestPhysical());
        assertEquals("WRITE", walk.pageHandlerState());
        assertTrue(walk.verdict().startsWith("a write handler watches the page"), walk.verdict());
    }

    @Test
    void unmappedAndReservedEntriesAreExplained() {
        window(0x2);
        PageWalk notPresent = f.cpu.walk(WINDOW);
        assertEquals("PTE not present", notPresent.guestFault());
        assertEquals(-1, notPresent.guestPhysical());
        assertTrue(notPresent.verdict().contains("raises #PF"), notPresent.verdict());

        CpuFixture pae = new CpuFixture();
        int directory = pae.enablePaePaging(false);
        pae.memory.write(directory + 8L * 2, 8, (2 << 21) | 0x87 | (1L << 63));
        PageWalk reserved = pae.cpu.walk(0x0040_0000);
        assertEquals("PAE", reserved.mode());
        assertEquals(List.of("PDPTE", "PDE"), reserved.guestLevels().stream().map(PageWalk.Level::name).toList());
        assertEquals("reserved bits 0x8000000000000000 set in the PDE", reserved.guestFault());
        PageWalk big = pae.cpu.walk(0x0020_1234);
        assertEquals(0x0020_1234, big.guestPhysical(), "a 2 MiB page");
        assertTrue(big.guestLevels().get(1).flags().contains("PS"));
    }

    @Test
    void withoutPagingLinearIsPhysicalAndMmioIsExplained() {
        PageWalk walk = f.cpu.walk(0x0012_3456);
        assertEquals("none", walk.mode());
        assertEquals(List.of(), walk.guestLevels());
        assertEquals(0x0012_3456, walk.guestPhysical());
        PageWalk outside = f.cpu.walk(0x4000_0000);
        assertNull(outside.pageType());
        assertTrue(outside.verdict().startsWith("unassigned guest-physical address"), outside.verdict());
        f.exec("a1 56 34 12 00");
        PageWalk synced = f.cpu.walk(0x0012_3456);
        assertNotNull(synced.tlb());
        assertEquals(f.ram.hostFrame(0x123), synced.hostFrame());
    }
}
