package org.shadowbench.handlers.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.memory.FrameUse;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.RamRange;

/** Each kind of inconsistency must be found: both directions of the page check, counts, types, tree, cache. */
class RegistryCheckerTest {

    private static void assertDetects(String fragment, Consumer<RegistryFixture> corruption) {
        RegistryFixture f = new RegistryFixture();
        f.register(f.writeType, 0x3000, 0x4fff, "write");
        f.register(f.allType, 0x6000, 0x6fff, "all");
        f.register(f.writeType, 0x8100, 0x81ff, "small");
        f.register(f.mmioType, RegistryFixture.MMIO, RegistryFixture.MMIO + 0x1fff, "regs");
        f.registry.pageTempOff(0x3000, 0x4000);
        f.assertConsistent();
        corruption.accept(f);
        List<String> problems = f.registry.check();
        assertTrue(problems.stream().anyMatch(p -> p.contains(fragment)),
                "expected a problem mentioning '" + fragment + "', got " + problems);
    }

    @Test
    void pageStateWithoutAnyHandler() {
        assertDetects("but no handler covers it", f -> f.ram.setHandlerState(0x20, PageHandlerState.WRITE));
    }

    @Test
    void pageStateBelowItsHandler() {
        assertDetects("below the handler's ALL", f -> f.ram.setHandlerState(0x6, PageHandlerState.WRITE));
    }

    @Test
    void pageStateAboveItsHandlers() {
        assertDetects("imply WRITE", f -> f.ram.setHandlerState(0x8, PageHandlerState.ALL));
    }

    @Test
    void pageLeftNoneUnderAHandler() {
        assertDetects("state NONE below", f -> f.ram.setHandlerState(0x3, PageHandlerState.NONE));
    }

    @Test
    void switchedOffCountDisagreesWithThePages() {
        assertDetects("pages off, the pages say 2", f -> f.ram.setHandlerState(0x3, PageHandlerState.DISABLED));
    }

    @Test
    void aliasOutsideAnMmioHandler() {
        assertDetects("outside an MMIO handler", f -> {
            RamRange mmio = f.mmio;
            int frame = f.memory.frames().allocate(FrameUse.DEVICE);
            f.memory.aliasMmioPage(mmio, 9, PageType.SPECIAL_ALIAS_MMIO, frame, 0, PageHandlerState.DISABLED);
        });
    }

    @Test
    void aliasCountDisagreesWithThePages() {
        assertDetects("aliased pages, the pages say 1", f -> {
            int frame = f.memory.frames().allocate(FrameUse.DEVICE);
            f.memory.aliasMmioPage(f.mmio, 1, PageType.SPECIAL_ALIAS_MMIO, frame, 0, PageHandlerState.DISABLED);
        });
    }

    @Test
    void typeWithTooFewReferences() {
        assertDetects("references but", f -> {
            f.writeType.release();
            f.writeType.release();
        });
    }

    @Test
    void handlerMissingFromTheTree() {
        assertDetects("no handler covers it", f -> RegistryInternals.dropFromTree(f.registry, 0x6000));
    }

    @Test
    void pageCountDisagreesWithTheRange() {
        assertDetects("counts 7 pages", f -> RegistryInternals.setField(f.registry.handlerAt(0x3000), "pageCount", 7));
    }

    @Test
    void staleLookupCache() {
        assertDetects("look-up cache holds", f -> {
            PhysicalHandler all = f.registry.lookup(0x6000);
            RegistryInternals.dropFromTree(f.registry, 0x6000);
            RegistryInternals.setField(f.registry, "lastHit", all);
        });
    }

    @Test
    void mmioHandlerOverRam() {
        assertDetects("MMIO handler over a RAM page", f -> RegistryInternals.setField(f.registry.handlerAt(0x6000),
                "type", ((org.shadowbench.handlers.internal.PhysicalHandlerImpl) f.registry.handlerAt(RegistryFixture.MMIO))
                        .type()));
    }
}
