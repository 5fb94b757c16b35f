package org.shadowbench.pool.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shadowbench.memory.tests.Internals.field;
import static org.shadowbench.memory.tests.Internals.setField;

import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.shadowbench.memory.PageTracking;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.ShadowPagePool;

/** Every kind of pool inconsistency must be found. */
class PoolCheckerTest {
    private static final int PD = ShadowPagePool.ROOT_32BIT_PD;

    private static final class Built {
        final PoolFixture f = new PoolFixture();
        final int pt;
        final int other;

        Built() {
            f.touch(0x200000);
            f.guestPte32(0x100000, 0, 0x200000 | 3);
            pt = f.shadow(0x100000, PoolKind.PT32_FOR_PT32, PD, 1);
            f.map(pt, 0, 0x200000, true);
            other = f.shadow(0x110000, PoolKind.PT32_FOR_PT32, PD, 2);
            f.registry.write(0x100000 + 4, 4, 0, org.shadowbench.handlers.AccessOrigin.DEVICE);
            f.assertConsistent();
        }

        int[] array(String name) {
            return (int[]) field(f.pool, name);
        }
    }

    private static void assertDetects(String fragment, Consumer<Built> corruption) {
        Built built = new Built();
        corruption.accept(built);
        List<String> problems = built.f.pool.check();
        assertTrue(problems.stream().anyMatch(p -> p.contains(fragment)),
                "expected a problem mentioning '" + fragment + "', got " + problems);
    }

    @Test
    void trackingWordWithoutMapping() {
        assertDetects("is mapped by", b -> b.f.ram.setTracking(b.f.ram.pageIndex(0x201000), PageTracking.make(1, b.pt)));
    }

    @Test
    void mappingWithoutTracking() {
        assertDetects("is untracked but mapped", b -> b.f.ram.setTracking(b.f.ram.pageIndex(0x200000), 0));
    }

    @Test
    void presentCountOff() {
        assertDetects("present entries", b -> b.array("present")[b.pt]++);
    }

    @Test
    void brokenAgeList() {
        assertDetects("age list", b -> b.array("agePrev")[b.other] = 3);
    }

    @Test
    void hashChainMissingAPage() {
        assertDetects("the hash holds", b -> {
            int[] hash = b.array("hash");
            for (int i = 0; i < hash.length; i++) {
                if (hash[i] == b.other) {
                    hash[i] = b.array("next")[b.other];
                }
            }
        });
    }

    @Test
    void monitorHandlerPointingAtTheWrongPage() {
        assertDetects("does not own the WRITE handler", b -> b.f.registry.changeUserArgument(0x100000, b.other));
    }

    @Test
    void modifiedCountOff() {
        assertDetects("the count says", b -> setField(b.f.pool, "modifiedCount", 5));
    }

    @Test
    void userRecordPointingElsewhere() {
        assertDetects("points elsewhere", b -> b.f.pool.setDirectoryEntry(PD, 1, b.f.pool.entry(PD, 2)));
    }

    @Test
    void usedCountOff() {
        assertDetects("used pages", b -> setField(b.f.pool, "usedPages", 7));
    }

    @Test
    void zeroedFlagOnAFullTable() {
        assertDetects("flagged zeroed", b -> {
            byte[] flags = (byte[]) field(b.f.pool, "flags");
            flags[b.pt] |= 0x04;
        });
    }

    @Test
    void leakedExtent() {
        assertDetects("extent", b -> setField(field(b.f.pool, "extents"), "freeHead", 0xffff));
    }

    /** A page mapped by two tables keeps them in an extent list, which must name exactly those two. */
    @Test
    void extentListNamingTheWrongTable() {
        assertDetects("lists tables", b -> {
            b.f.guestPte32(0x110000, 0, 0x200000 | 3);
            b.f.map(b.other, 0, 0x200000, true);
            b.f.assertConsistent();
            int tracking = b.f.tracking(0x200000);
            assertTrue(PageTracking.isPhysExt(tracking), PageTracking.describe(tracking));
            int[] tables = (int[]) field(field(b.f.pool, "extents"), "tables");
            int extent = PageTracking.index(tracking);
            boolean replaced = false;
            for (int slot = 3 * extent; slot < 3 * extent + 3; slot++) {
                if (tables[slot] == b.other) {
                    tables[slot] = b.pt;
                    replaced = true;
                }
            }
            assertTrue(replaced, "the extent lists the second table");
        });
    }
}
