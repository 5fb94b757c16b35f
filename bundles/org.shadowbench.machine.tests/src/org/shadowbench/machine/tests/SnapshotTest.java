package org.shadowbench.machine.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HexFormat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.devices.debugexit.DebugExitPort;
import org.shadowbench.machine.GuestLoadException;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.machine.MachineSnapshot;
import org.shadowbench.machine.RangeSnapshot;
import org.shadowbench.memory.PageState;
import org.shadowbench.memory.PageType;
import org.shadowbench.pool.PoolKind;

/** Snapshots: what they hold, and that unchanged ranges are shared between consecutive ones. */
class SnapshotTest {
    private final Machine machine = new Machine(MachineConfiguration.defaults().withRam(64L << 20));

    @AfterEach
    void close() {
        machine.close();
    }

    private static RangeSnapshot range(MachineSnapshot snapshot, long address) {
        return snapshot.ranges().stream().filter(r -> r.first() <= address && address <= r.last()).findFirst().orElseThrow();
    }

    @Test
    void snapshotsShowTheMachineAndShareUnchangedRanges() throws GuestLoadException {
        machine.attach(new DebugExitPort());
        // mov dword [0x200000], 0x11 ; inc eax ; jmp back to the inc
        machine.loadFlat(HexFormat.of().parseHex("c7050000200011000000" + "40" + "ebfd"), 0x8000);
        MachineSnapshot before = machine.takeSnapshot();
        assertEquals(1, before.sequence());
        assertEquals(0x8000, before.cpu().eip());
        assertEquals(PageState.ZERO, range(before, 0x200000).pageState((0x200000 - 0x100000) >> 12));
        machine.start();
        machine.run(1000, Duration.ofSeconds(10)).join();
        MachineSnapshot after = machine.snapshot().join();
        assertEquals(2, after.sequence());
        assertEquals(1000, after.instructions());
        assertEquals(1000 * 10, after.virtualNanos());
        assertEquals(500, after.cpu().registers().get(0), "EAX counted the INCs (999 instructions after the MOV)");
        RangeSnapshot extended = range(after, 0x200000);
        assertEquals(PageState.ALLOCATED, extended.pageState((0x200000 - 0x100000) >> 12), "the write allocated the page");
        assertNotSame(range(before, 0x200000), extended, "the written range was pictured anew");
        assertTrue(!extended.sharesChunk(range(before, 0x200000), 0), "its first chunk (the written page) was copied");
        assertTrue(extended.sharesChunk(range(before, 0x200000), 2), "its third chunk, untouched, is shared");
        assertSame(range(before, 0xe0000), range(after, 0xe0000), "the untouched BIOS range is shared");
        assertTrue(after.pool().pages().stream().anyMatch(p -> p.kind() == PoolKind.PT32_FOR_PHYS),
                "the pool's physical-mode table is in the picture");
        assertTrue(after.pool().ageList().size() >= 1);
        assertEquals("debug-exit", after.devices().get(0).name());
        assertEquals(PageType.RAM, extended.pageType(0));
        MachineSnapshot again = machine.snapshot().join();
        assertSame(after.ranges().get(0), again.ranges().get(0), "nothing ran: every range is shared");
        assertSame(extended, range(again, 0x200000));
    }
}
