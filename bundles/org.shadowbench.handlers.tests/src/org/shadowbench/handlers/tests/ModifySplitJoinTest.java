package org.shadowbench.handlers.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;

/** Modify (move and resize), change user argument, split and join: VirtualBox 6.1 API kept alive. */
class ModifySplitJoinTest {
    private final RegistryFixture f = new RegistryFixture();

    @Test
    void modifyMovesTheHandlerAndItsPageStates() {
        PhysicalHandler handler = f.register(f.allType, 0x3000, 0x4fff, "moving");
        f.shadow.take();
        f.engine.take();
        assertEquals(PgmStatus.VINF_SUCCESS, f.registry.modify(0x3000, 0x8000, 0xafff));
        assertEquals(0x8000, handler.first());
        assertEquals(3, handler.pageCount());
        assertEquals(PageHandlerState.NONE, f.stateAt(0x3000));
        assertEquals(PageHandlerState.ALL, f.stateAt(0x8000));
        assertEquals(PageHandlerState.ALL, f.stateAt(0xa000));
        assertEquals(List.of("update 0x8000 ALL", "update 0x9000 ALL", "update 0xa000 ALL", "flush-tlbs", "flush-tlbs"),
                f.shadow.take());
        assertEquals(List.of("modified ALL 0x3000->0x8000+0x3000 true"), f.engine.take());
        assertEquals(handler, f.registry.lookup(0x9000));
        assertNull(f.registry.lookup(0x3000));
        f.assertConsistent();
    }

    @Test
    void modifyMayOverlapItsOldRangeAndAcceptsOneByteWriteHandlers() {
        PhysicalHandler handler = f.register(f.writeType, 0x3000, 0x4fff, "h");
        f.registry.modify(0x3000, 0x4000, 0x4000);
        assertEquals(1, handler.pageCount());
        assertEquals(PageHandlerState.NONE, f.stateAt(0x3000));
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x4000));
        f.assertConsistent();
    }

    @Test
    void modifyOfAnUnknownHandlerChangesNothing() {
        f.register(f.writeType, 0x3000, 0x3fff, "h");
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_NOT_FOUND, () -> f.registry.modify(0x3001, 0x5000, 0x5fff), "0x3001");
    }

    private void assertFailedModifyDestroys(PgmStatus status, long first, long last, String fragment, String engineCall) {
        PhysicalHandler handler = f.register(f.allType, 0x3000, 0x3fff, "doomed");
        f.register(f.writeType, 0x6000, 0x6fff, "blocker");
        int references = f.allType.referenceCount();
        f.engine.take();
        PgmException error = assertThrows(PgmException.class, () -> f.registry.modify(0x3000, first, last));
        assertEquals(status, error.status());
        assertTrue(error.getMessage().contains("deregistered and destroyed"), error.getMessage());
        assertTrue(error.getMessage().contains(fragment), error.getMessage());
        assertFalse(handler.isRegistered());
        assertNull(f.registry.handlerAt(0x3000));
        assertEquals(PageHandlerState.NONE, f.stateAt(0x3000));
        assertEquals(references - 1, f.allType.referenceCount());
        assertEquals(List.of(engineCall), f.engine.take());
        assertThrows(PgmException.class, () -> f.registry.register(handler, 0x9000, 0x9fff), "destroyed");
        f.assertConsistent();
    }

    @Test
    void modifyToAnInvertedRangeDestroysTheHandler() {
        assertFailedModifyDestroys(PgmStatus.VERR_INVALID_PARAMETER, 0x9000, 0x8fff, "invalid new range",
                "deregistered ALL 0x3000+0x1000 -1 true");
    }

    @Test
    void modifyOfAWholePageHandlerToPartialPagesDestroysIt() {
        assertFailedModifyDestroys(PgmStatus.VERR_INVALID_PARAMETER, 0x9000, 0x97ff, "whole pages",
                "deregistered ALL 0x3000+0x1000 -1 true");
    }

    @Test
    void modifyOutOfRamDestroysTheHandler() {
        assertFailedModifyDestroys(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_NO_RAM_RANGE, 0x40000000L, 0x40000fffL,
                "not inside one RAM range", "deregistered ALL 0x3000+0x1000 -1 true");
    }

    @Test
    void modifyAcrossTheEndOfTheRamRangeDestroysTheHandler() {
        assertFailedModifyDestroys(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_NO_RAM_RANGE, 0xff000, 0x100fff,
                "not inside one RAM range", "deregistered ALL 0x3000+0x1000 -1 true");
    }

    @Test
    void modifyIntoAnotherHandlerDestroysItAndReportsTheNewRange() {
        assertFailedModifyDestroys(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_CONFLICT, 0x5000, 0x6fff, "overlaps",
                "deregistered ALL 0x5000+0x2000 -1 true");
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x6000), "the blocker keeps its page");
    }

    @Test
    void changeUserArgument() {
        PhysicalHandler handler = f.register(f.writeType, 0x3000, 0x3fff, "h");
        f.registry.changeUserArgument(0x3000, "new");
        assertEquals("new", handler.userArgument());
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_NOT_FOUND, () -> f.registry.changeUserArgument(0x3800, "x"), "0x3800");
    }

    @Test
    void splitMakesTwoHandlersOfTheSameType() {
        PhysicalHandler handler = f.register(f.writeType, 0x3000, 0x5fff, "whole");
        int references = f.writeType.referenceCount();
        f.shadow.take();
        f.registry.split(0x3000, 0x4800);
        PhysicalHandler second = f.registry.handlerAt(0x4800);
        assertEquals(0x47ff, handler.last());
        assertEquals(2, handler.pageCount());
        assertEquals(0x5fff, second.last());
        assertEquals(2, second.pageCount());
        assertEquals(handler.type(), second.type());
        assertEquals(handler.userArgument(), second.userArgument());
        assertEquals(references + 1, f.writeType.referenceCount(), "the new half holds a type reference");
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x4000));
        assertEquals(List.of(), f.shadow.take(), "page states do not change");
        assertEquals(handler, f.registry.lookup(0x47ff));
        assertEquals(second, f.registry.lookup(0x4800));
        f.assertConsistent();
    }

    @Test
    void splitRules() {
        f.register(f.allType, 0x3000, 0x5fff, "all");
        f.assertRejected(PgmStatus.VERR_INVALID_PARAMETER, () -> f.registry.split(0x3000, 0x3000), "above");
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_NOT_FOUND, () -> f.registry.split(0x2000, 0x4000), "0x2000");
        f.assertRejected(PgmStatus.VERR_INVALID_PARAMETER, () -> f.registry.split(0x3000, 0x6000), "outside");
        f.assertRejected(PgmStatus.VERR_INVALID_PARAMETER, () -> f.registry.split(0x3000, 0x4800), "page aligned",
                "whole-page");
        f.registry.split(0x3000, 0x4000);
        f.assertConsistent();
        PhysicalHandler write = f.register(f.writeType, 0x8000, 0x9fff, "write");
        f.registry.pageTempOff(0x8000, 0x9000);
        f.assertRejected(PgmStatus.VERR_INVALID_PARAMETER, () -> f.registry.split(0x8000, 0x9800), "would cut page 0x9000");
        f.registry.split(0x8000, 0x9000);
        assertEquals(0, write.tempOffPageCount());
        assertEquals(1, f.registry.handlerAt(0x9000).tempOffPageCount(), "the switched-off page moves with its half");
        f.assertConsistent();
    }

    @Test
    void joinMergesAdjacentHandlersOfTheSameType() {
        PhysicalHandler first = f.register(f.writeType, 0x3000, 0x37ff, "first");
        PhysicalHandler second = f.register(f.writeType, 0x3800, 0x4fff, "second");
        int references = f.writeType.referenceCount();
        f.registry.join(0x3000, 0x3800);
        assertEquals(0x4fff, first.last());
        assertEquals(2, first.pageCount());
        assertFalse(second.isRegistered());
        assertNull(f.registry.handlerAt(0x3800));
        assertEquals(references - 1, f.writeType.referenceCount());
        assertEquals(first, f.registry.lookup(0x4abc));
        f.assertConsistent();
    }

    @Test
    void joinRules() {
        f.register(f.writeType, 0x3000, 0x37ff, "a");
        f.register(f.writeType, 0x3900, 0x3fff, "b");
        f.register(f.allType, 0x4000, 0x4fff, "c");
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_NOT_FOUND, () -> f.registry.join(0x1000, 0x3900), "0x1000");
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_NOT_FOUND, () -> f.registry.join(0x3000, 0x3800), "0x3800");
        f.assertRejected(PgmStatus.VERR_INVALID_PARAMETER, () -> f.registry.join(0x3000, 0x3900), "not adjacent");
        f.assertRejected(PgmStatus.VERR_INVALID_PARAMETER, () -> f.registry.join(0x3900, 0x3000), "not adjacent");
        f.assertRejected(PgmStatus.VERR_ACCESS_DENIED, () -> f.registry.join(0x3900, 0x4000), "different types");
    }

    @Test
    void joinAcrossAdjacentRamRangesIsRefusedAndChangesNothing() {
        // The fixture's two RAM ranges meet at RAM2: each handler lies inside its own range.
        f.register(f.writeType, RegistryFixture.RAM2 - 0x1000, RegistryFixture.RAM2 - 1, "low");
        f.register(f.writeType, RegistryFixture.RAM2, RegistryFixture.RAM2 + 0xfff, "high");
        f.registry.pageTempOff(RegistryFixture.RAM2 - 0x1000, RegistryFixture.RAM2 - 0x1000);
        f.assertRejected(PgmStatus.VERR_PGM_HANDLER_PHYSICAL_NO_RAM_RANGE,
                () -> f.registry.join(RegistryFixture.RAM2 - 0x1000, RegistryFixture.RAM2), "different RAM ranges");
        assertEquals(2, f.registry.handlers().size());
        f.assertConsistent();
    }

    @Test
    void splitThenJoinRestoresTheHandlerAndCounts() {
        PhysicalHandler handler = f.register(f.allType, 0x3000, 0x6fff, "h");
        f.registry.pageTempOff(0x3000, 0x5000);
        f.registry.split(0x3000, 0x5000);
        f.registry.join(0x3000, 0x5000);
        assertEquals(0x6fff, handler.last());
        assertEquals(1, handler.tempOffPageCount());
        assertEquals(PageHandlerState.DISABLED, f.stateAt(0x5000));
        f.assertConsistent();
    }
}
