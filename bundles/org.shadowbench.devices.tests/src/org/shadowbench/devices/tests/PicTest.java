package org.shadowbench.devices.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.IoPortBus;
import org.shadowbench.devices.pic.Pic8259Pair;
import org.shadowbench.machine.InterruptBus;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;

/** The 8259A pair through its ports and the machine's interrupt lines, as the data sheet specifies. */
class PicTest {
    private final Machine machine = new Machine(MachineConfiguration.defaults().withRam(4L << 20));
    private final Pic8259Pair pic = new Pic8259Pair();
    private final IoPortBus io = machine.io();
    private final InterruptBus lines = machine.interrupts();

    PicTest() {
        machine.attach(pic);
        // ICW1-4 as a PC kernel writes them: vectors 0x20 and 0x28, cascade on 2, 8086 mode.
        io.write(0x20, 1, 0x11);
        io.write(0xa0, 1, 0x11);
        io.write(0x21, 1, 0x20);
        io.write(0xa1, 1, 0x28);
        io.write(0x21, 1, 0x04);
        io.write(0xa1, 1, 0x02);
        io.write(0x21, 1, 0x01);
        io.write(0xa1, 1, 0x01);
    }

    private void eoi(int port) {
        io.write(port, 1, 0x20);
    }

    @Test
    void edgeBecomesARequestAndTheAcknowledgeGivesTheVector() {
        assertFalse(pic.hasInterrupt());
        lines.pulse(1);
        assertTrue(pic.hasInterrupt());
        assertEquals(0x21, pic.acknowledge());
        assertFalse(pic.hasInterrupt(), "in service now, IRR cleared");
        io.write(0x20, 1, 0x0b);
        assertEquals(0x02, io.read(0x20, 1), "ISR");
        eoi(0x20);
        assertEquals(0x00, io.read(0x20, 1));
    }

    @Test
    void priorityAndNesting() {
        lines.pulse(3);
        lines.pulse(1);
        assertEquals(0x21, pic.acknowledge(), "IRQ 1 before IRQ 3");
        assertFalse(pic.hasInterrupt(), "IRQ 3 waits while the higher IRQ 1 is in service");
        lines.pulse(0);
        assertTrue(pic.hasInterrupt(), "IRQ 0 outranks the one in service");
        assertEquals(0x20, pic.acknowledge());
        eoi(0x20);
        eoi(0x20);
        assertEquals(0x23, pic.acknowledge());
    }

    @Test
    void maskedRequestsWaitAndSpecificEoi() {
        io.write(0x21, 1, 0x02);
        lines.pulse(1);
        assertFalse(pic.hasInterrupt());
        io.write(0x20, 1, 0x0a);
        assertEquals(0x02, io.read(0x20, 1), "IRR holds the masked request");
        io.write(0x21, 1, 0x00);
        assertEquals(0x21, pic.acknowledge());
        io.write(0x20, 1, 0x61);
        io.write(0x20, 1, 0x0b);
        assertEquals(0, io.read(0x20, 1), "specific EOI for level 1");
    }

    @Test
    void slaveCascadesThroughIrq2() {
        lines.pulse(12);
        assertTrue(pic.hasInterrupt());
        assertEquals(0x2c, pic.acknowledge());
        io.write(0x20, 1, 0x0b);
        assertEquals(0x04, io.read(0x20, 1), "the master has its cascade input in service");
        eoi(0xa0);
        eoi(0x20);
        lines.pulse(8);
        lines.pulse(15);
        assertEquals(0x28, pic.acknowledge());
        eoi(0xa0);
        eoi(0x20);
        assertEquals(0x2f, pic.acknowledge(), "the second slave request came through the cascade too");
    }

    @Test
    void vanishedLevelRequestIsSpurious() {
        io.write(0x4d0, 1, 0x20);
        lines.setLevel(5, true);
        assertTrue(pic.hasInterrupt());
        lines.setLevel(5, false);
        assertEquals(0x27, pic.acknowledge(), "spurious IRQ 7");
        io.write(0x20, 1, 0x0b);
        assertEquals(0, io.read(0x20, 1), "a spurious IRQ 7 is not put in service");
    }

    @Test
    void autoEoiAndPolling() {
        io.write(0x20, 1, 0x11);
        io.write(0x21, 1, 0x20);
        io.write(0x21, 1, 0x04);
        io.write(0x21, 1, 0x03);
        lines.pulse(4);
        assertEquals(0x24, pic.acknowledge());
        io.write(0x20, 1, 0x0b);
        assertEquals(0, io.read(0x20, 1), "automatic EOI leaves nothing in service");
        lines.pulse(6);
        io.write(0x20, 1, 0x0c);
        assertEquals(0x86, io.read(0x20, 1), "poll: request present, level 6");
        assertFalse(pic.hasInterrupt(), "the poll acknowledged it");
    }
}
