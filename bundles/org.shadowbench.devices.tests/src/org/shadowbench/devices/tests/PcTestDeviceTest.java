package org.shadowbench.devices.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.IoPortBus;
import org.shadowbench.devices.testdev.PcTestDevice;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.machine.RunResult;
import org.shadowbench.machine.StopCause;

/** QEMU's pc-testdev: the data register, IRQ lines, the page flush port and the test memory. */
class PcTestDeviceTest {
    private final Machine machine = new Machine(MachineConfiguration.defaults().withRam(16L << 20));
    private final PcTestDevice testdev = new PcTestDevice();
    private final IoPortBus io = machine.io();

    PcTestDeviceTest() {
        machine.attach(testdev);
    }

    @AfterEach
    void close() {
        machine.close();
    }

    @Test
    void dataRegisterAtAnyWidthAndBothPortGroups() {
        io.write(0xe0, 4, 0x44332211);
        assertEquals(0x44332211, io.read(0xe0, 4));
        assertEquals(0x3322, io.read(0xe1, 2));
        assertEquals(0x44, io.read(0xeb, 1), "the byte ports see the same register");
        for (char c : "abcdefghijklmnop".toCharArray()) {
            io.write(0xe0, 1, c);
        }
        assertEquals('p', io.read(0xe0, 1), "rep outsb leaves the last byte");
        io.write(0xe0, 2, 0x9999);
        assertEquals(0x99, io.read(0xe0, 1));
        io.write(0xea, 1, 0x7f);
        assertEquals(0x447f9999, testdev.data());
        assertEquals(0x447f, io.read(0xe2, 4), "bytes beyond the register read 0");
    }

    @Test
    void irqLinePortsDriveTheIsaLines() {
        io.write(0x200e, 1, 1);
        assertTrue(machine.interrupts().level(14));
        io.write(0x200e, 1, 0);
        assertFalse(machine.interrupts().level(14));
        io.write(0x2003, 1, 0x80);
        assertTrue(machine.interrupts().level(3));
        io.write(0x2013, 1, 1);
        assertEquals(0, io.read(0x2013, 1) & 0, "lines 16 to 23 are claimed and ignored");
    }

    @Test
    void aGuestFlushesAPageAndUsesTheTestMemoryAcrossPages() throws Exception {
        byte[] code = {
                (byte) 0xc7, 0x05, (byte) 0xfe, 0x0f, 0x00, (byte) 0xff, 0x44, 0x33, 0x22, 0x11, // mov dword [0xff000ffe], 0x11223344
                (byte) 0xa1, (byte) 0xfe, 0x0f, 0x00, (byte) 0xff, // mov eax, [0xff000ffe]
                (byte) 0xa3, 0x00, 0x00, 0x02, 0x00, // mov [0x20000], eax
                0x66, (byte) 0xba, (byte) 0xe4, 0x00, // mov dx, 0xe4
                (byte) 0xb8, 0x00, 0x00, 0x02, 0x00, // mov eax, 0x20000
                (byte) 0xef, // out dx, eax
                (byte) 0xfa, (byte) 0xf4 }; // cli; hlt
        machine.loadFlat(code, 0x10000);
        machine.start();
        RunResult result = machine.run(1000, Duration.ofSeconds(30)).join();
        assertEquals(StopCause.HALTED, result.cause(), result.toString());
        assertEquals(0x11223344L, machine.submit(m -> m.memory().read(0x20000, 4)).join());
        assertEquals(1, machine.submit(m -> testdev.flushes()).join());
        assertNull(machine.submit(m -> m.cpu().walk(0x20000).tlb()).join(),
                "the flush reached the CPU's TLB: the page written before it has no entry");
        assertNotNull(machine.submit(m -> m.cpu().walk(0x10000).tlb()).join(),
                "the code's page, another frame, keeps its entry");
    }
}
