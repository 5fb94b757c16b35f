package org.shadowbench.memory.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageProtection;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PageTracking;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PdeType;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;

class PageModelEnumsTest {

    @Test
    void pageTypesUseVirtualBoxNumbering() {
        assertEquals(0, PageType.INVALID.code());
        assertEquals(1, PageType.RAM.code());
        assertEquals(2, PageType.MMIO2.code());
        assertEquals(3, PageType.MMIO2_ALIAS_MMIO.code());
        assertEquals(4, PageType.SPECIAL_ALIAS_MMIO.code());
        assertEquals(5, PageType.ROM_SHADOW.code());
        assertEquals(6, PageType.ROM.code());
        assertEquals(7, PageType.MMIO.code());
        assertEquals(PageType.INVALID, PageType.fromCode(8));
        assertEquals(PageType.INVALID, PageType.fromCode(-1));
    }

    @Test
    void readabilityAndWritabilityFollowTheTypeOrder() {
        for (PageType type : PageType.values()) {
            boolean readable = type != PageType.INVALID && type != PageType.MMIO;
            boolean writable = readable && type != PageType.ROM;
            assertEquals(readable, type.isReadable(), type.name());
            assertEquals(writable, type.isWritable(), type.name());
        }
        assertTrue(PageType.MMIO.isMmioOrAlias());
        assertTrue(PageType.MMIO2_ALIAS_MMIO.isMmioAlias());
        assertTrue(PageType.SPECIAL_ALIAS_MMIO.isMmioAlias());
        assertFalse(PageType.MMIO.isMmioAlias());
        assertFalse(PageType.MMIO2.isMmioOrAlias());
    }

    @Test
    void statesAndPdeTypesUseVirtualBoxNumbering() {
        assertEquals(0, PageState.ZERO.code());
        assertEquals(1, PageState.ALLOCATED.code());
        assertEquals(2, PageState.WRITE_MONITORED.code());
        assertEquals(3, PageState.SHARED.code());
        assertEquals(4, PageState.BALLOONED.code());
        assertTrue(PageState.ALLOCATED.isWritable());
        assertFalse(PageState.SHARED.isWritable());
        assertEquals(0, PdeType.DONT_CARE.code());
        assertEquals(1, PdeType.PT.code());
        assertEquals(2, PdeType.PDE.code());
        assertEquals(3, PdeType.PDE_DISABLED.code());
    }

    @Test
    void handlerStatesAreOrdered() {
        assertTrue(PageHandlerState.NONE.compareTo(PageHandlerState.DISABLED) < 0);
        assertTrue(PageHandlerState.DISABLED.compareTo(PageHandlerState.WRITE) < 0);
        assertTrue(PageHandlerState.WRITE.compareTo(PageHandlerState.ALL) < 0);
        assertEquals(PageHandlerState.ALL, PageHandlerState.WRITE.max(PageHandlerState.ALL));
        assertEquals(PageHandlerState.WRITE, PageHandlerState.WRITE.max(PageHandlerState.DISABLED));
        assertFalse(PageHandlerState.DISABLED.isActive());
        assertTrue(PageHandlerState.WRITE.isActive());
        assertFalse(PageHandlerState.WRITE.interceptsReads());
        assertTrue(PageHandlerState.ALL.interceptsReads());
    }

    @Test
    void trackingWordEncodesReferencesAndIndex() {
        int single = PageTracking.make(1, 0x123);
        assertEquals(0x4123, single);
        assertEquals(1, PageTracking.refs(single));
        assertEquals(0x123, PageTracking.index(single));
        assertFalse(PageTracking.isPhysExt(single));
        int ext = PageTracking.make(PageTracking.REFS_PHYS_EXT, 7);
        assertTrue(PageTracking.isPhysExt(ext));
        assertFalse(PageTracking.isOverflowed(ext));
        int overflowed = PageTracking.make(PageTracking.REFS_PHYS_EXT, PageTracking.INDEX_OVERFLOWED);
        assertEquals(0xffff, overflowed);
        assertTrue(PageTracking.isOverflowed(overflowed));
        assertEquals("overflowed", PageTracking.describe(overflowed));
        assertEquals("untracked", PageTracking.describe(0));
        assertEquals("refs=1 idx=0x123", PageTracking.describe(single));
        assertEquals("ext=0x7", PageTracking.describe(ext));
        assertThrows(IllegalArgumentException.class, () -> PageTracking.make(4, 0));
        assertThrows(IllegalArgumentException.class, () -> PageTracking.make(1, 0x4000));
    }

    @Test
    void protectionRendering() {
        assertEquals("---", PageProtection.describe(PageProtection.NONE));
        assertEquals("R-X", PageProtection.describe(PageProtection.READ | PageProtection.EXECUTE));
        assertEquals("RWX", PageProtection.describe(7));
    }

    @Test
    void statusesCarryVirtualBoxValues() {
        assertEquals(-1603, PgmStatus.VERR_PGM_HANDLER_PHYSICAL_CONFLICT.code());
        assertEquals(-1605, PgmStatus.VERR_PGM_INVALID_GC_PHYSICAL_ADDRESS.code());
        assertEquals(1623, PgmStatus.VINF_PGM_GCPHYS_ALIASED.code());
        assertEquals(-22, PgmStatus.VERR_WRONG_ORDER.code());
        assertTrue(PgmStatus.VINF_PGM_HANDLER_ALREADY_ALIASED.isSuccess());
        assertTrue(PgmStatus.VERR_PGM_HANDLER_ALREADY_ALIASED.isFailure());
        assertThrows(IllegalArgumentException.class, () -> new PgmException(PgmStatus.VINF_SUCCESS, "not a failure"));
        assertEquals("VERR_NO_MEMORY: out", new PgmException(PgmStatus.VERR_NO_MEMORY, "out").getMessage());
    }
}
