package org.shadowbench.handlers.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.memory.PageHandlerState;

/**
 * Pages shared by several handlers: registration only raises states, deregistration recomputes
 * partial first and last pages from the neighbours (RecalcPageState below and above), and the
 * engine hears of the whole pages a handler really left.
 */
class SharedPageStateTest {
    private final RegistryFixture f = new RegistryFixture();

    @Test
    void registrationOnlyRaisesStates() {
        f.register(f.allType, 0x3000, 0x3fff, "all");
        f.register(f.writeType, 0x2800, 0x2fff, "write below");
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x2000));
        assertEquals(PageHandlerState.ALL, f.stateAt(0x3000));
        f.shadow.take();
        f.register(f.writeType, 0x2000, 0x27ff, "write sharing");
        assertEquals(List.of(), f.shadow.take(), "the page already had WRITE: nothing to update");
        f.assertConsistent();
    }

    @Test
    void deregisteringRecomputesTheFirstPageFromHandlersBelow() {
        f.register(f.writeType, 0x2100, 0x21ff, "low write");
        f.register(f.writeType, 0x2200, 0x2400, "write");
        PhysicalHandler upper = f.register(f.writeType, 0x2800, 0x5fff, "upper");
        f.shadow.take();
        f.engine.take();
        f.registry.deregister(upper);
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x2000), "the first page still carries the lower handlers");
        assertEquals(PageHandlerState.NONE, f.stateAt(0x3000));
        assertEquals(PageHandlerState.NONE, f.stateAt(0x5000));
        assertEquals(List.of("update 0x2000 WRITE", "flush-tlbs"), f.shadow.take(), "the recomputed page is re-armed");
        assertEquals(List.of("deregistered WRITE 0x3000+0x3000 -1 true"), f.engine.take(),
                "the engine hears of the whole pages only");
        f.assertConsistent();
    }

    @Test
    void deregisteringRecomputesTheLastPageFromHandlersAbove() {
        PhysicalHandler lower = f.register(f.writeType, 0x1000, 0x37ff, "lower");
        f.register(f.writeType, 0x3800, 0x38ff, "upper write");
        f.register(f.writeType, 0x3900, 0x3aff, "upper write 2");
        f.engine.take();
        f.registry.deregister(lower);
        assertEquals(PageHandlerState.NONE, f.stateAt(0x1000));
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x3000));
        assertEquals(List.of("deregistered WRITE 0x1000+0x2000 -1 true"), f.engine.take());
        f.assertConsistent();
    }

    @Test
    void theHighestNeighbourWinsOnBothSides() {
        f.register(f.writeType, 0x4000, 0x40ff, "write below");
        PhysicalHandler middle = f.register(f.writeType, 0x4100, 0x41ff, "middle");
        f.register(f.writeType, 0x4200, 0x42ff, "write above");
        f.registry.deregister(middle);
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x4000));
        f.engine.take();
        f.assertConsistent();
    }

    @Test
    void aHandlerInsideOnePageLeavesNothingWholeToReport() {
        f.register(f.writeType, 0x4000, 0x40ff, "neighbour");
        PhysicalHandler small = f.register(f.writeType, 0x4100, 0x41ff, "small");
        f.engine.take();
        f.registry.deregister(small);
        assertEquals(List.of(), f.engine.take(), "no whole page was left");
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x4000));
    }

    @Test
    void aLoneHandlerInsideOnePageReportsTheWholePage() {
        PhysicalHandler small = f.register(f.writeType, 0x4100, 0x41ff, "small");
        f.engine.take();
        f.registry.deregister(small);
        assertEquals(List.of("deregistered WRITE 0x4000+0x1000 -1 true"), f.engine.take());
        assertEquals(PageHandlerState.NONE, f.stateAt(0x4000));
    }

    @Test
    void lastByteAtPageEndWithAHandlerBelowOnThatPage() {
        // The reference also adjusts a last byte at offset 0xfff when the page is still handled.
        f.register(f.writeType, 0x6000, 0x67ff, "below");
        PhysicalHandler upper = f.register(f.writeType, 0x6800, 0x6fff, "upper");
        f.engine.take();
        f.registry.deregister(upper);
        assertEquals(List.of(), f.engine.take());
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x6000));
    }

    @Test
    void handlersEndingAtRangeBoundariesRecomputeSafely() {
        PhysicalHandler atZero = f.register(f.writeType, 0x0, 0x7ff, "at zero");
        PhysicalHandler atEnd = f.register(f.writeType, 0x1ff800, 0x1ffffe, "at the end");
        f.registry.deregister(atZero);
        f.registry.deregister(atEnd);
        assertEquals(PageHandlerState.NONE, f.stateAt(0));
        assertEquals(PageHandlerState.NONE, f.stateAt(0x1ff000));
        f.assertConsistent();
    }

    @Test
    void registeringInTheSecondOfTwoAdjacentRangesWorksButNotAcross() {
        f.register(f.writeType, 0x100000, 0x100fff, "second range");
        f.register(f.writeType, 0xff000, 0xfffff, "end of first");
        assertEquals(PageHandlerState.WRITE, f.stateAt(0xff000));
        assertEquals(PageHandlerState.WRITE, f.stateAt(0x100000));
        f.assertConsistent();
    }
}
