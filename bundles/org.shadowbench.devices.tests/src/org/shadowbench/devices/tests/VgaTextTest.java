package org.shadowbench.devices.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.Register;
import org.shadowbench.devices.vga.VgaText;
import org.shadowbench.machine.GuestLoadException;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.machine.RunResult;
import org.shadowbench.memory.PageType;

/**
 * The VGA text buffer: writes reach the screen, the first access to a text page goes through the
 * handler and aliases the page to video memory, later ones go straight there, and the refresh
 * resets the aliases so that the next write is seen again.
 */
class VgaTextTest {
    private final Machine machine = new Machine(MachineConfiguration.defaults().withRam(4L << 20));
    private final VgaText vga = new VgaText();

    VgaTextTest() {
        machine.attach(vga);
    }

    @AfterEach
    void close() {
        machine.close();
    }

    private RunResult run(String hex, long instructions) throws GuestLoadException {
        machine.loadFlat(HexFormat.of().parseHex(hex.replace(" ", "")), 0x10000);
        machine.start();
        return machine.run(instructions, Duration.ofSeconds(30)).join();
    }

    @Test
    void textWritesAreAliasedAfterTheFirstAndSeenAgainAfterARefresh() throws GuestLoadException {
        // mov edi, 0xb8000 ; mov ecx, 2000 ; mov ax, 0x0741 ('A' grey) ; rep stosw ; hlt
        RunResult result = run("bf 00 80 0b 00 b9 d0 07 00 00 66 b8 41 07 f3 66 ab f4", 100);
        assertEquals(5, result.instructions());
        assertEquals("A".repeat(80), machine.submit(m -> vga.screen().get(24)).join());
        long traps = machine.submit(m -> vga.windowTraps()).join();
        assertEquals(1, traps, "2000 character writes, one trap: the first aliased the page for the rest");
        assertEquals(PageType.MMIO2_ALIAS_MMIO, machine.submit(m -> {
            var range = m.memory().rangeAt(VgaText.TEXT);
            return range.pageType(range.pageIndex(VgaText.TEXT));
        }).join());
        assertEquals(List.of(), machine.submit(Machine::check).join());
    }

    @Test
    void refreshResetsTheAliasesAndReportsDirtyPages() throws GuestLoadException {
        // L: inc byte [0xb8000] ; inc byte [0xb9000] ; mov ecx, 20000 ; M: loop M ; jmp L
        run("fe 05 00 80 0b 00 fe 05 00 90 0b 00 b9 20 4e 00 00 e2 fe eb ec", 4_000_000);
        long refreshes = machine.submit(m -> vga.refreshes()).join();
        long traps = machine.submit(m -> vga.windowTraps()).join();
        assertTrue(refreshes >= 2, "a 60 Hz refresh in 40 ms of virtual time: " + refreshes);
        assertTrue(traps >= 2 * refreshes && traps <= 2 * refreshes + 2,
                "one trap per page after each refresh: " + traps + " traps, " + refreshes + " refreshes");
        List<Integer> dirty = machine.submit(m -> vga.lastRefreshedTextPages()).join();
        assertTrue(!dirty.isEmpty() && List.of(0, 1).containsAll(dirty), "the written pages were found dirty: " + dirty);
        assertEquals(List.of(), machine.submit(Machine::check).join());
    }

    @Test
    void aRefreshReArmsOnlyAHandlerThatLetAPageGo() throws GuestLoadException {
        // M: loop M ; jmp M (ECX wraps): never touches video memory
        run("e2 fe eb fc", 4_000_000);
        long refreshes = machine.submit(m -> vga.refreshes()).join();
        assertTrue(refreshes >= 2, "a 60 Hz refresh in 40 ms of virtual time: " + refreshes);
        assertEquals(0, machine.submit(m -> m.registry().statistics().resets()).join(),
                "no page was let go, so no refresh resets a handler");

        Machine drawing = new Machine(MachineConfiguration.defaults().withRam(4L << 20));
        VgaText screen = new VgaText();
        drawing.attach(screen);
        try {
            // L: inc byte [0xb8000] ; mov ecx, 20000 ; M: loop M ; jmp L
            drawing.loadFlat(HexFormat.of().parseHex("fe0500800b00b9204e0000e2feebf2"), 0x10000);
            drawing.start();
            drawing.run(4_000_000, Duration.ofSeconds(30)).join();
            long drawn = drawing.submit(m -> screen.refreshes()).join();
            long resets = drawing.submit(m -> m.registry().statistics().resets()).join();
            assertTrue(drawn >= 2 && resets >= drawn - 1 && resets <= drawn,
                    "the text page is written between refreshes: " + resets + " resets, " + drawn + " refreshes");
            assertEquals(List.of(), drawing.submit(Machine::check).join());
        } finally {
            drawing.close();
        }
    }

    @Test
    void attributesFollowTheCrtcStartAddress() throws GuestLoadException {
        // mov edi, 0xb8000 ; mov ecx, 2000 ; mov ax, 0x1e41 ('A' yellow on blue) ; rep stosw ;
        // mov dx, 0x3d4 ; mov ax, 0x500d (start address low byte: 80, one row down) ; out dx, ax ; hlt
        run("bf 00 80 0b 00 b9 d0 07 00 00 66 b8 41 1e f3 66 ab 66 ba d4 03 66 b8 0d 50 66 ef f4", 100);
        byte[] attributes = machine.submit(m -> vga.attributes()).join();
        assertEquals(VgaText.ROWS * VgaText.COLUMNS, attributes.length);
        assertEquals(0x1e, attributes[0]);
        assertEquals(0x1e, attributes[24 * VgaText.COLUMNS - 1], "the last written row is the screen's 24th");
        assertEquals(0, attributes[24 * VgaText.COLUMNS], "the bottom row lies past what was written");
        assertEquals("A".repeat(80), machine.submit(m -> vga.screen().get(23)).join());
        assertEquals("", machine.submit(m -> vga.screen().get(24)).join());
    }

    @Test
    void crtcCursorAndStartAddress() throws GuestLoadException {
        // mov dx, 0x3d4 ; mov ax, 0x020e ; out dx, ax ; mov ax, 0x030f ; out dx, ax ; mov dx,0x3d5 ; mov al,0x0e; dec dx; out dx, al; inc dx; in al, dx ; hlt
        run("66 ba d4 03 66 b8 0e 02 66 ef 66 b8 0f 03 66 ef b0 0e ee 42 ec f4", 100);
        assertEquals(0x0203, machine.submit(m -> vga.cursor()).join());
        assertEquals(0x02, machine.submit(m -> m.cpu().register(Register.EAX) & 0xff).join());
    }
}
