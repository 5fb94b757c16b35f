package org.shadowbench.handlers.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.memory.FrameUse;
import org.shadowbench.memory.HostFrameStore;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageLocation;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;

/** Temp-off, MMIO2 and host page aliases, and reset, as VirtualBox's VGA and APIC use them. */
class PageLevelOperationsTest {
    private static final long REGS = RegistryFixture.MMIO;
    private final RegistryFixture f = new RegistryFixture();
    private final Object vga = "vga";
    private final int vram = f.memory.registerMmio2(vga, 4 * PhysicalMemory.PAGE_SIZE, "VRAM");

    private PageLocation page(long address) {
        return f.memory.page(address);
    }

    @Test
    void tempOffDisablesOnePageUntilReset() {
        PhysicalHandler handler = f.register(f.writeType, 0x3000, 0x5fff, "dirty tracking");
        f.shadow.take();
        f.registry.pageTempOff(0x3000, 0x4123);
        assertEquals(PageHandlerState.DISABLED, f.stateAt(0x4000));
        assertEquals(1, handler.tempOffPageCount());
        f.registry.pageTempOff(0x3000, 0x4000);
        assertEquals(1, handler.tempOffPageCount(), "switching a page off twice counts once");
        f.registry.pageTempOff(0x3000, 0x5000);
        assertEquals(2, handler.tempOffPageCount());
        assertEquals(List.of(), f.shadow.take(), "the caller handles page tables, as in the reference");
        f.assertConsistent();
        f.registry.reset(0x3000);
        assertEquals(0, handler.tempOffPageCount());
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x4000));
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x5000));
        assertEquals(List.of("update 0x4000 WRITE", "update 0x5000 WRITE", "flush-tlbs"), f.shadow.take());
        f.assertConsistent();
    }

    @Test
    void tempOffRules() {
        f.register(f.writeType, 0x3000, 0x37ff, "partial");
        f.register(f.allType, 0x6000, 0x6fff, "all");
        f.register(f.mmioType, REGS, REGS + 0x1fff, "regs");
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_NOT_FOUND, () -> f.registry.pageTempOff(0x5000, 0x5000), "0x5000");
        f.assertRejected(PgmStatus.VERR_INVALID_PARAMETER, () -> f.registry.pageTempOff(0x6000, 0x7000), "outside");
        f.assertRejected(PgmStatus.VERR_INVALID_PARAMETER, () -> f.registry.pageTempOff(0x3000, 0x3000), "whole pages");
        f.assertRejected(PgmStatus.VERR_ACCESS_DENIED, () -> f.registry.pageTempOff(REGS, REGS), "MMIO");
        f.registry.pageTempOff(0x6000, 0x6000);
        assertEquals(PageHandlerState.DISABLED, f.stateAt(0x6000), "ALL handlers can switch pages off too");
    }

    @Test
    void resetWithoutSwitchedOffPagesTouchesNothing() {
        f.register(f.writeType, 0x3000, 0x3fff, "h");
        f.shadow.take();
        f.registry.reset(0x3000);
        assertEquals(List.of(), f.shadow.take());
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_NOT_FOUND, () -> f.registry.reset(0x4000), "0x4000");
    }

    @Test
    void aliasMmio2BacksAnMmioPageWithVram() {
        PhysicalHandler regs = f.register(f.mmioType, REGS, REGS + 0x3fff, "VGA window");
        PageLocation source = f.memory.resolveMmio2Page(vga, vram, 0x1000);
        assertEquals(PgmStatus.VINF_SUCCESS, f.registry.pageAliasMmio2(REGS, REGS + 0x2000, vga, vram, 0x1000));
        PageLocation alias = page(REGS + 0x2000);
        assertEquals(PageType.MMIO2_ALIAS_MMIO, alias.type());
        assertEquals(source.hostFrame(), alias.hostFrame());
        assertEquals(source.range().pageId(source.index()), alias.range().pageId(alias.index()));
        assertEquals(PageHandlerState.DISABLED, alias.handlerState());
        assertEquals(1, regs.aliasedPageCount());
        f.assertConsistent();

        assertEquals(PgmStatus.VINF_PGM_HANDLER_ALREADY_ALIASED,
                f.registry.pageAliasMmio2(REGS, REGS + 0x2000, vga, vram, 0x1000));
        f.shadow.take();
        assertEquals(PgmStatus.VINF_SUCCESS, f.registry.pageAliasMmio2(REGS, REGS + 0x2000, vga, vram, 0x3000),
                "re-aliasing to another page resets first");
        assertEquals(List.of(String.format("flush %#x DISABLED", REGS + 0x2000), "flush-tlbs"), f.shadow.take());
        assertEquals(f.memory.resolveMmio2Page(vga, vram, 0x3000).hostFrame(), page(REGS + 0x2000).hostFrame());
        assertEquals(1, regs.aliasedPageCount());
        f.assertConsistent();

        f.registry.reset(REGS);
        assertEquals(PageType.MMIO, page(REGS + 0x2000).type());
        assertEquals(HostFrameStore.ZERO_FRAME, page(REGS + 0x2000).hostFrame());
        assertEquals(PageHandlerState.ALL, page(REGS + 0x2000).handlerState());
        assertEquals(0, regs.aliasedPageCount());
        f.assertConsistent();
    }

    @Test
    void aliasMmio2Statuses() {
        f.register(f.mmioType, REGS, REGS + 0x3fff, "regs");
        f.register(f.writeType, 0x3000, 0x3fff, "ram watcher");
        f.assertRejected(PgmStatus.VERR_OUT_OF_RANGE, () -> f.registry.pageAliasMmio2(REGS, REGS, "nic", vram, 0),
                "not owned by nic");
        f.assertRejected(PgmStatus.VERR_OUT_OF_RANGE, () -> f.registry.pageAliasMmio2(REGS, REGS, vga, vram, 0x4000),
                "beyond the end");
        f.assertRejected(PgmStatus.VERR_OUT_OF_RANGE, () -> f.registry.pageAliasMmio2(0x12345, REGS, vga, vram, 0x4000),
                "beyond the end");
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_NOT_FOUND, () -> f.registry.pageAliasMmio2(REGS + 1, REGS, vga, vram, 0),
                String.format("%#x", REGS + 1));
        f.assertRejected(PgmStatus.VERR_INVALID_PARAMETER,
                () -> f.registry.pageAliasMmio2(REGS, REGS + 0x4000, vga, vram, 0), "outside");
        f.assertRejected(PgmStatus.VERR_ACCESS_DENIED, () -> f.registry.pageAliasMmio2(0x3000, 0x3000, vga, vram, 0),
                "not MMIO");
        int apicPage = f.memory.frames().allocate(FrameUse.DEVICE);
        f.registry.pageAliasHc(REGS, REGS + 0x1000, apicPage);
        f.assertRejected(PgmStatus.VERR_PGM_PHYS_NOT_MMIO2,
                () -> f.registry.pageAliasMmio2(REGS, REGS + 0x1000, vga, vram, 0), "SPECIAL_ALIAS_MMIO");
    }

    @Test
    void aliasHcMapsTheApicAccessPage() {
        PhysicalHandler apic = f.register(f.mmioType, REGS, REGS + 0xfff, "APIC");
        int apicPage = f.memory.frames().allocate(FrameUse.DEVICE);
        assertEquals(PgmStatus.VINF_SUCCESS, f.registry.pageAliasHc(REGS, REGS, apicPage));
        PageLocation alias = page(REGS);
        assertEquals(PageType.SPECIAL_ALIAS_MMIO, alias.type());
        assertEquals(apicPage, alias.hostFrame());
        assertEquals(PhysicalMemory.NIL_PAGE_ID, alias.range().pageId(alias.index()));
        assertEquals(1, apic.aliasedPageCount());
        int otherPage = f.memory.frames().allocate(FrameUse.DEVICE);
        assertEquals(PgmStatus.VINF_PGM_HANDLER_ALREADY_ALIASED, f.registry.pageAliasHc(REGS, REGS, otherPage),
                "any special alias counts as already aliased");
        assertEquals(apicPage, page(REGS).hostFrame());
        f.assertConsistent();
        f.registry.deregister(apic);
        assertEquals(PageType.MMIO, page(REGS).type(), "deregistering undoes aliases");
        assertEquals(PageHandlerState.NONE, page(REGS).handlerState());
        f.assertConsistent();
    }

    @Test
    void aliasHcStatuses() {
        f.register(f.mmioType, REGS, REGS + 0x1fff, "regs");
        f.register(f.allType, 0x3000, 0x3fff, "ram");
        int apicPage = f.memory.frames().allocate(FrameUse.DEVICE);
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_NOT_FOUND, () -> f.registry.pageAliasHc(REGS + 0x1000, REGS, apicPage));
        f.assertRejected(PgmStatus.VERR_INVALID_PARAMETER, () -> f.registry.pageAliasHc(REGS, REGS + 0x2000, apicPage),
                "outside");
        f.assertRejected(PgmStatus.VERR_ACCESS_DENIED, () -> f.registry.pageAliasHc(0x3000, 0x3000, apicPage), "not MMIO");
        f.assertRejected(PgmStatus.VERR_INVALID_PARAMETER, () -> f.registry.pageAliasHc(REGS, REGS, 99999), "FREE");
        f.registry.pageAliasMmio2(REGS, REGS + 0x1000, vga, vram, 0);
        f.assertRejected(PgmStatus.VERR_PGM_PHYS_NOT_MMIO2, () -> f.registry.pageAliasHc(REGS, REGS + 0x1000, apicPage),
                "MMIO2_ALIAS_MMIO");
    }

    @Test
    void modifyingAnAliasedMmioHandlerUnaliasesFirst() {
        PhysicalHandler regs = f.register(f.mmioType, REGS, REGS + 0x3fff, "regs");
        f.registry.pageAliasMmio2(REGS, REGS + 0x1000, vga, vram, 0);
        f.registry.modify(REGS, REGS + 0x8000, REGS + 0x8fff);
        assertEquals(0, regs.aliasedPageCount());
        RamRange mmio = f.mmio;
        assertEquals(PageType.MMIO, mmio.pageType(1));
        assertEquals(PageHandlerState.NONE, mmio.handlerState(1));
        f.assertConsistent();
    }
}
