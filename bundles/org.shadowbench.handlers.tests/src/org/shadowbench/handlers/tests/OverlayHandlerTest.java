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
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.handlers.PhysicalAccess;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;

/**
 * Overlay handlers (the Shadowbench extension behind physical watchpoints): they share pages and
 * bytes with one ordinary handler, the page carries the stronger state, deregistering either side
 * recomputes it from the other, the overlay observes first and the ordinary handler keeps its
 * outcome, and the combinations that cannot work are refused with nothing changed.
 */
class OverlayHandlerTest {
    private static final long REGS = RegistryFixture.MMIO;
    private final RegistryFixture f = new RegistryFixture();
    /** What the overlays answer; ignored by the registry. */
    private AccessOutcome overlayOutcome = AccessOutcome.DEFAULT;
    private final HandlerType watchWrites = f.registry.registerOverlayType(HandlerKind.WRITE, "debugger watch", this::observe);
    private final HandlerType watchAll = f.registry.registerOverlayType(HandlerKind.ALL, "debugger watch (all)", this::observe);

    private AccessOutcome observe(PhysicalAccess access, Object user) {
        f.accesses.add("overlay " + access + " user=" + user);
        return overlayOutcome;
    }

    private PhysicalHandler watch(HandlerType type, long first, long last, String name) {
        return f.register(type, first, last, name);
    }

    @Test
    void overlayTypesAreWriteOrAllAndMarked() {
        assertTrue(watchWrites.isOverlay());
        assertFalse(f.writeType.isOverlay(), "ordinary types are not overlays");
        PgmException error = assertThrows(PgmException.class,
                () -> f.registry.registerOverlayType(HandlerKind.MMIO, "watch mmio", this::observe));
        assertEquals(PgmStatus.VERR_INVALID_PARAMETER, error.status());
    }

    @Test
    void watchThenOrdinaryHandlerThenDeregisterTheOrdinaryFirst() {
        PhysicalHandler watch = watch(watchWrites, 0x3010, 0x3013, "w");
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x3000));
        f.assertConsistent();
        PhysicalHandler monitor = f.register(f.writeType, 0x3000, 0x3fff, "monitor");
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x3000));
        assertEquals(List.of(monitor, watch), f.registry.handlers(), "both listed, the ordinary one first");
        assertEquals(2, f.registry.handlerCount());
        assertSame(monitor, f.registry.lookup(0x3010), "look-ups see the ordinary handler");
        assertSame(monitor, f.registry.handlerAt(0x3000));
        assertSame(watch, f.registry.overlayAt(0x3012));
        assertNull(f.registry.overlayAt(0x3014));
        f.assertConsistent();

        f.registry.write(0x3010, 4, 0xcafef00dL, AccessOrigin.CPU);
        assertEquals(List.of("overlay WRITE 4 bytes at 0x3010 by CPU value 0xcafef00d user=w",
                "WRITE 4 bytes at 0x3010 by CPU value 0xcafef00d user=monitor"), f.accesses, "the overlay sees it first");
        assertEquals(0xcafef00dL, f.memory.read(0x3010, 4));
        assertEquals(1, watch.writeHits());
        assertEquals(1, monitor.writeHits());
        f.accesses.clear();
        f.registry.write(0x3020, 4, 1, AccessOrigin.CPU);
        assertEquals(List.of("WRITE 4 bytes at 0x3020 by CPU value 0x1 user=monitor"), f.accesses, "outside the watch");
        assertEquals(1, watch.writeHits());

        f.registry.deregister(monitor);
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x3000), "the watch keeps the page");
        f.assertConsistent();
        f.registry.deregister(watch);
        assertEquals(PageHandlerState.NONE, f.stateAt(0x3000));
        assertEquals(0, f.registry.handlerCount());
        f.assertConsistent();
    }

    @Test
    void ordinaryHandlerThenWatchThenDeregisterTheWatchFirst() {
        PhysicalHandler monitor = f.register(f.writeType, 0x3000, 0x3fff, "monitor");
        PhysicalHandler watch = watch(watchWrites, 0x3ffc, 0x3fff, "w");
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x3000));
        f.assertConsistent();
        f.registry.deregister(watch);
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x3000), "the ordinary handler keeps the page");
        f.assertConsistent();
        f.registry.write(0x3ffc, 4, 7, AccessOrigin.CPU);
        assertEquals(List.of("WRITE 4 bytes at 0x3ffc by CPU value 0x7 user=monitor"), f.accesses);
        f.registry.deregister(monitor);
        assertEquals(PageHandlerState.NONE, f.stateAt(0x3000));
        f.assertConsistent();
    }

    @Test
    void theStrongerStateWinsAndDeregisteringEitherRecomputesIt() {
        PhysicalHandler monitor = f.register(f.writeType, 0x5000, 0x5fff, "monitor");
        PhysicalHandler watch = watch(watchAll, 0x5800, 0x5803, "r");
        assertEquals(PageHandlerState.ALL, f.stateAt(0x5000), "a read watch raises the page to ALL");
        f.assertConsistent();
        f.accesses.clear();
        assertEquals(0, f.registry.read(0x5800, 4, AccessOrigin.CPU));
        assertEquals(List.of("overlay READ 4 bytes at 0x5800 by CPU user=r"), f.accesses,
                "the WRITE handler sees no reads although its page now reads through the registry");
        assertEquals(1, watch.readHits());
        assertEquals(0, monitor.readHits());
        f.shadow.take();
        f.registry.deregister(watch);
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x5000), "back to the ordinary handler's state");
        f.assertConsistent();
        watch = watch(watchAll, 0x5800, 0x5803, "r");
        assertEquals(List.of("update 0x5000 ALL", "flush-tlbs"), f.shadow.take(), "raising updates shadow paging");
        f.registry.deregister(monitor);
        assertEquals(PageHandlerState.ALL, f.stateAt(0x5000), "the read watch keeps the page at ALL");
        f.assertConsistent();
        f.registry.deregister(watch);
        assertEquals(PageHandlerState.NONE, f.stateAt(0x5000));
        f.assertConsistent();
    }

    @Test
    void aWatchAloneObservesAndTheAccessIsPlainMemory() {
        PhysicalHandler watch = watch(watchAll, 0x7000, 0x7000, "byte");
        overlayOutcome = AccessOutcome.HANDLED;
        f.registry.write(0x6fff, 4, 0x44332211L, AccessOrigin.DEVICE);
        assertEquals(0x44332211L, f.memory.read(0x6fff, 4), "the overlay's answer is ignored: memory is written");
        assertEquals(List.of("overlay WRITE 1 bytes at 0x7000 by DEVICE value 0x22 user=byte"), f.accesses,
                "the overlay sees the byte it covers");
        assertEquals(0x44332211L, f.registry.read(0x6fff, 4, AccessOrigin.CPU));
        assertEquals(1, watch.readHits());
        assertEquals(1, watch.writeHits());
        overlayOutcome = AccessOutcome.FAULT;
        f.registry.write(0x7000, 1, 0x99, AccessOrigin.CPU);
        assertEquals(0x99, f.memory.read(0x7000, 1), "not even FAULT stops the access");
        f.assertConsistent();
    }

    @Test
    void theOrdinaryHandlerKeepsItsOutcome() {
        f.register(f.allType, 0x8000, 0x8fff, "device");
        watch(watchWrites, 0x8000, 0x8003, "w");
        f.outcome = AccessOutcome.HANDLED;
        f.registry.write(0x8000, 4, 0x12345678L, AccessOrigin.CPU);
        assertEquals(0, f.memory.read(0x8000, 4), "HANDLED by the ordinary handler: memory untouched");
        f.outcome = AccessOutcome.FAULT;
        assertThrows(org.shadowbench.handlers.PhysicalAccessFault.class,
                () -> f.registry.write(0x8000, 4, 1, AccessOrigin.CPU));
        assertEquals(List.of("overlay WRITE 4 bytes at 0x8000 by CPU value 0x12345678 user=w",
                "WRITE 4 bytes at 0x8000 by CPU value 0x12345678 user=device",
                "overlay WRITE 4 bytes at 0x8000 by CPU value 0x1 user=w",
                "WRITE 4 bytes at 0x8000 by CPU value 0x1 user=device"), f.accesses);
    }

    @Test
    void conflictsAndUnsupportedCombinationsAreRefusedWithNothingChanged() {
        watch(watchWrites, 0x3010, 0x301f, "first");
        f.register(f.writeType, 0x6000, 0x6fff, "dirty tracking");
        f.registry.pageTempOff(0x6000, 0x6000);
        f.register(f.mmioType, REGS, REGS + 0x1fff, "regs");
        int vram = f.memory.registerMmio2("vga", PhysicalMemory.PAGE_SIZE, "VRAM");
        f.registry.pageAliasMmio2(REGS, REGS + 0x1000, "vga", vram, 0);
        f.assertConsistent();
        PhysicalHandler second = f.registry.create(watchWrites, "second", null);
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_CONFLICT, () -> f.registry.register(second, 0x3000, 0x3010),
                "overlaps");
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_CONFLICT, () -> f.registry.register(second, 0x301f, 0x301f),
                "overlaps");
        f.assertRejected(PgmStatus.VERR_ACCESS_DENIED, () -> f.registry.register(second, 0x6100, 0x6103), "switched off");
        f.assertRejected(PgmStatus.VERR_ACCESS_DENIED, () -> f.registry.register(second, REGS + 0x1000, REGS + 0x1003),
                "aliased");
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_NO_RAM_RANGE,
                () -> f.registry.register(second, RegistryFixture.RAM2 - 4, RegistryFixture.RAM2 + 3), "RAM range");
        f.assertRejected(PgmStatus.VERR_INVALID_PARAMETER, () -> f.registry.register(second, 0x4004, 0x4003), "first");
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_NOT_FOUND, () -> f.registry.deregister(0x3010L),
                "0x3010");
        assertEquals(PgmStatus.VINF_SUCCESS, f.registry.register(second, 0x3020, 0x3020), "adjacent is fine");
        assertEquals(PgmStatus.VINF_SUCCESS, f.registry.register(f.registry.create(watchAll, "mmio", null), REGS, REGS + 3),
                "a watch on device registers");
        f.assertConsistent();
    }

    @Test
    void theOrdinaryHandlerWinsOnPagesItSwitchesOffUntilReset() {
        f.register(f.writeType, 0x6000, 0x7fff, "dirty tracking");
        PhysicalHandler watch = watch(watchAll, 0x6100, 0x6103, "r");
        f.registry.pageTempOff(0x6000, 0x6000);
        assertEquals(PageHandlerState.DISABLED, f.stateAt(0x6000));
        f.assertConsistent();
        f.registry.write(0x6100, 4, 5, AccessOrigin.CPU);
        f.registry.read(0x6100, 4, AccessOrigin.CPU);
        assertEquals(List.of(), f.accesses, "a switched-off page is plain memory for everyone");
        f.registry.reset(0x6000);
        assertEquals(PageHandlerState.ALL, f.stateAt(0x6000), "reset re-arms the page with the watch's state");
        f.assertConsistent();
        f.registry.pageTempOff(0x6000, 0x6000);
        f.registry.deregister(0x6000L);
        assertEquals(PageHandlerState.ALL, f.stateAt(0x6000), "the page goes back to the watch with its handler");
        f.registry.read(0x6100, 1, AccessOrigin.CPU);
        assertEquals(1, watch.readHits());
        f.assertConsistent();
    }

    @Test
    void modifyingTheOrdinaryHandlerAwayLeavesTheWatchArmed() {
        f.register(f.allType, 0x9000, 0x9fff, "mover");
        watch(watchWrites, 0x9100, 0x9101, "w");
        f.registry.modify(0x9000, 0xa000, 0xafff);
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x9000));
        assertEquals(PageHandlerState.ALL, f.stateAt(0xa000));
        f.assertConsistent();
        f.registry.modify(0xa000, 0x9000, 0x9fff);
        assertEquals(PageHandlerState.ALL, f.stateAt(0x9000));
        f.assertConsistent();
    }

    @Test
    void partialPagesSharedWithOrdinaryNeighboursAreRecomputedFromBothSides() {
        PhysicalHandler low = f.register(f.writeType, 0xb000, 0xb7ff, "low");
        PhysicalHandler watch = watch(watchAll, 0xb900, 0xb9ff, "r");
        assertEquals(PageHandlerState.ALL, f.stateAt(0xb000));
        f.registry.deregister(watch);
        assertEquals(PageHandlerState.WRITE, f.stateAt(0xb000));
        f.assertConsistent();
        watch = watch(watchWrites, 0xb900, 0xb9ff, "w");
        f.registry.deregister(low);
        assertEquals(PageHandlerState.WRITE, f.stateAt(0xb000));
        f.registry.deregister(watch);
        assertEquals(PageHandlerState.NONE, f.stateAt(0xb000));
        f.assertConsistent();
    }

    @Test
    void dumpAndRetiringTheWatchType() throws Exception {
        watch(watchWrites, 0x3000, 0x3003, "w");
        StringBuilder dump = new StringBuilder();
        f.registry.dump(dump);
        assertTrue(dump.toString().contains("debugger watch / w (overlay)"), dump.toString());
        assertEquals(1, f.registry.overlays().size());
    }

    private void assertDetects(String fragment) {
        List<String> problems = f.registry.check();
        assertTrue(problems.stream().anyMatch(p -> p.contains(fragment)),
                "expected a problem mentioning '" + fragment + "', got " + problems);
    }

    @Test
    void theCheckerKnowsOverlays() {
        f.register(f.writeType, 0x3000, 0x3fff, "monitor");
        watch(watchAll, 0x3010, 0x3013, "r");
        watch(watchWrites, 0x5010, 0x5013, "w");
        f.assertConsistent();
        f.ram.setHandlerState(0x3, PageHandlerState.WRITE);
        assertDetects("below the overlay's ALL");
        f.ram.setHandlerState(0x3, PageHandlerState.ALL);
        f.ram.setHandlerState(0x5, PageHandlerState.ALL);
        assertDetects("imply WRITE");
        f.ram.setHandlerState(0x5, PageHandlerState.DISABLED);
        assertDetects("only overlays cover it");
        f.ram.setHandlerState(0x5, PageHandlerState.WRITE);
        f.assertConsistent();
    }
}
