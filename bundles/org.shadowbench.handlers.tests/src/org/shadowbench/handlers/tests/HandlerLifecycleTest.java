package org.shadowbench.handlers.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.handlers.PhysicalHandlerRegistryFactory;
import org.shadowbench.handlers.ShadowPageTables;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.tests.Factories;

/** Types and the create / duplicate / register / deregister / destroy life cycle, status by status. */
class HandlerLifecycleTest {
    private final RegistryFixture f = new RegistryFixture();

    @Test
    void typesAreReferenceCounted() {
        HandlerType type = f.registry.registerType(HandlerKind.WRITE, "counted", (a, u) -> AccessOutcome.DEFAULT);
        assertEquals(1, type.referenceCount());
        assertEquals(2, type.retain());
        PhysicalHandler handler = f.registry.create(type, null, null);
        assertEquals(3, type.referenceCount(), "a handler holds a reference");
        assertEquals("counted", handler.description(), "the type's description by default");
        f.registry.destroy(handler);
        assertEquals(2, type.referenceCount());
        assertEquals(1, type.release());
        assertEquals(0, type.release());
        assertFalse(type.isLive());
        assertEquals(PgmStatus.VERR_INVALID_HANDLE, assertThrows(PgmException.class, type::release).status());
        assertEquals(PgmStatus.VERR_INVALID_HANDLE, assertThrows(PgmException.class, type::retain).status());
        f.assertRejected(PgmStatus.VERR_INVALID_HANDLE, () -> f.registry.create(type, null, "late"), "dead");
    }

    @Test
    void typesNeedKindDescriptionAndCallback() {
        assertThrows(PgmException.class, () -> f.registry.registerType(null, "x", (a, u) -> AccessOutcome.DEFAULT));
        assertThrows(PgmException.class, () -> f.registry.registerType(HandlerKind.ALL, " ", (a, u) -> AccessOutcome.DEFAULT));
        assertThrows(PgmException.class, () -> f.registry.registerType(HandlerKind.ALL, "x", null));
    }

    @Test
    void foreignTypesAndHandlersAreInvalidHandles() {
        PhysicalHandlerRegistry other = Factories.provider(PhysicalHandlerRegistryFactory.class)
                .create(f.memory, ShadowPageTables.NONE, null);
        HandlerType foreignType = other.registerType(HandlerKind.WRITE, "other", (a, u) -> AccessOutcome.DEFAULT);
        f.assertRejected(PgmStatus.VERR_INVALID_HANDLE, () -> f.registry.create(foreignType, null, null), "not a type");
        PhysicalHandler foreign = other.create(foreignType, null, null);
        f.assertRejected(PgmStatus.VERR_INVALID_HANDLE, () -> f.registry.register(foreign, 0x1000, 0x1fff),
                "not a handler of this registry");
        f.assertRejected(PgmStatus.VERR_INVALID_HANDLE, () -> f.registry.deregister(foreign));
        f.assertRejected(PgmStatus.VERR_INVALID_HANDLE, () -> f.registry.destroy(foreign));
    }

    @Test
    void duplicateCopiesTypeArgumentAndDescription() {
        PhysicalHandler source = f.registry.create(f.writeType, "arg", "source");
        PhysicalHandler copy = f.registry.duplicate(source);
        assertNotSame(source, copy);
        assertSame(source.type(), copy.type());
        assertEquals("arg", copy.userArgument());
        assertEquals("source", copy.description());
        assertFalse(copy.isRegistered());
        assertEquals(3, f.writeType.referenceCount());
    }

    @Test
    void registerArmsPagesAndTellsShadowPagingAndTheEngine() {
        PhysicalHandler handler = f.registry.create(f.writeType, "u", "watch");
        assertEquals(PgmStatus.VINF_SUCCESS, f.registry.register(handler, 0x3000, 0x4fff));
        assertTrue(handler.isRegistered());
        assertEquals(0x3000, handler.first());
        assertEquals(0x4fff, handler.last());
        assertEquals(2, handler.pageCount());
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x3000));
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x4fff));
        assertEquals(PageHandlerState.NONE, f.stateAt(0x5000));
        assertEquals(List.of("update 0x3000 WRITE", "update 0x4000 WRITE", "flush-tlbs"), f.shadow.take());
        assertEquals(List.of("registered WRITE 0x3000+0x2000"), f.engine.take());
        f.assertConsistent();
    }

    @Test
    void registerPartialPagesCountsThem() {
        PhysicalHandler handler = f.register(f.writeType, 0x3800, 0x5001, "odd");
        assertEquals(3, handler.pageCount());
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x3000));
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x5fff));
        f.assertConsistent();
    }

    @Test
    void registerWithoutTlbFlushWhenShadowPagingChangedNothing() {
        f.shadow.defaultResult = 0;
        f.register(f.allType, 0x3000, 0x3fff, "quiet");
        assertEquals(List.of("update 0x3000 ALL"), f.shadow.take());
    }

    @Test
    void aliasedGuestPagesGiveGcPhysAliased() {
        f.shadow.results.put(0x4000L, ShadowPageTables.SYNC_CR3 | ShadowPageTables.FLUSH_TLBS);
        PhysicalHandler handler = f.registry.create(f.allType, null, "aliased");
        assertEquals(PgmStatus.VINF_PGM_GCPHYS_ALIASED, f.registry.register(handler, 0x3000, 0x5fff));
        assertTrue(handler.isRegistered(), "informational: the handler is registered");
        assertEquals(PageHandlerState.ALL, f.stateAt(0x5000));
        assertEquals(PgmStatus.VINF_SUCCESS, f.registry.register(0x8000, 0x8fff, f.allType, null, null),
                "other pages report success");
    }

    @Test
    void registerRejectsEveryBadInput() {
        PhysicalHandler handler = f.register(f.writeType, 0x3000, 0x3fff, "first");
        f.assertRejected(PgmStatus.VERR_WRONG_ORDER, () -> f.registry.register(handler, 0x9000, 0x9fff),
                "already registered", "0x9000");
        PhysicalHandler fresh = f.registry.create(f.writeType, null, "fresh");
        f.assertRejected(PgmStatus.VERR_INVALID_PARAMETER, () -> f.registry.register(fresh, 0x9000, 0x9000),
                "'fresh'", "first must be below last");
        f.assertRejected(PgmStatus.VERR_INVALID_PARAMETER, () -> f.registry.register(fresh, 0x9001, 0x9000));
        PhysicalHandler all = f.registry.create(f.allType, null, "all");
        f.assertRejected(PgmStatus.VERR_INVALID_PARAMETER, () -> f.registry.register(all, 0x9001, 0x9fff),
                "whole pages", "0x9001");
        f.assertRejected(PgmStatus.VERR_INVALID_PARAMETER, () -> f.registry.register(all, 0x9000, 0x9ffe), "0x9ffe");
        PhysicalHandler mmio = f.registry.create(f.mmioType, null, "regs");
        f.assertRejected(PgmStatus.VERR_INVALID_PARAMETER, () -> f.registry.register(mmio, 0x9000, 0x9fff),
                "covers RAM page 0x9000");
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_NO_RAM_RANGE,
                () -> f.registry.register(fresh, 0x50000000L, 0x50000fffL), "0x50000000", "not inside one RAM range");
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_NO_RAM_RANGE,
                () -> f.registry.register(fresh, 0xff000, 0x100fff), "0xff000");
        for (long[] span : new long[][] { { 0x3000, 0x3fff }, { 0x2fff, 0x3000 }, { 0x3fff, 0x4000 }, { 0x2000, 0x5000 },
            { 0x3100, 0x3200 } }) {
            f.assertRejected(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_CONFLICT,
                    () -> f.registry.register(fresh, span[0], span[1]), "overlaps handler 'first'");
        }
        assertFalse(fresh.isRegistered());
        assertEquals(PgmStatus.VINF_SUCCESS, f.registry.register(fresh, 0x4000, 0x4001), "adjacent is fine");
    }

    @Test
    void registerByAddressLeavesNothingBehindOnFailure() {
        f.register(f.writeType, 0x3000, 0x3fff, "first");
        int references = f.writeType.referenceCount();
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_CONFLICT,
                () -> f.registry.register(0x3800, 0x4fff, f.writeType, null, "second"));
        assertEquals(references, f.writeType.referenceCount());
        assertEquals(PgmStatus.VINF_SUCCESS, f.registry.register(0x4000, 0x4fff, f.writeType, "u", null));
        assertEquals("write watcher", f.registry.handlerAt(0x4000).description());
    }

    @Test
    void deregisterRestoresPagesKeepsTheHandlerAndDestroyFreesIt() {
        PhysicalHandler handler = f.register(f.allType, 0x3000, 0x4fff, "h");
        f.shadow.take();
        f.engine.take();
        f.registry.deregister(handler);
        assertFalse(handler.isRegistered());
        assertEquals(PhysicalMemory.NIL_ADDRESS, handler.first());
        assertEquals(PageHandlerState.NONE, f.stateAt(0x3000));
        assertEquals(PageHandlerState.NONE, f.stateAt(0x4000));
        assertEquals(List.of(), f.shadow.take(), "disarming leaves shadow entries to the next fault");
        assertEquals(List.of("deregistered ALL 0x3000+0x2000 -1 true"), f.engine.take());
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_NOT_FOUND, () -> f.registry.deregister(handler), "not registered");
        assertEquals(PgmStatus.VINF_SUCCESS, f.registry.register(handler, 0x6000, 0x6fff), "can be registered again");
        f.assertRejected(PgmStatus.VERR_WRONG_ORDER, () -> f.registry.destroy(handler), "while it is registered");
        f.registry.deregister(handler);
        int references = f.allType.referenceCount();
        f.registry.destroy(handler);
        assertEquals(references - 1, f.allType.referenceCount());
        f.assertRejected(PgmStatus.VERR_INVALID_HANDLE, () -> f.registry.register(handler, 0x6000, 0x6fff), "destroyed");
        f.assertRejected(PgmStatus.VERR_INVALID_HANDLE, () -> f.registry.destroy(handler), "destroyed");
        f.assertConsistent();
    }

    @Test
    void deregisterByAddress() {
        f.register(f.writeType, 0x3000, 0x3fff, "h");
        int references = f.writeType.referenceCount();
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_NOT_FOUND, () -> f.registry.deregister(0x3001L), "0x3001");
        f.registry.deregister(0x3000L);
        assertNull(f.registry.handlerAt(0x3000));
        assertEquals(references - 1, f.writeType.referenceCount(), "deregistering by address destroys");
        f.assertConsistent();
    }

    @Test
    void deregisterOfAHandlerTheTreeLostIsAnInternalError() {
        PhysicalHandler handler = f.register(f.writeType, 0x3000, 0x3fff, "h");
        RegistryInternals.dropFromTree(f.registry, 0x3000);
        PgmException error = assertThrows(PgmException.class, () -> f.registry.deregister(handler));
        assertEquals(PgmStatus.VERR_PGM_HANDLER_IPE_1, error.status());
        assertTrue(error.getMessage().contains("instead of"), error.getMessage());
    }
}
