package org.shadowbench.machine.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.IoPortBus;
import org.shadowbench.devices.debugexit.DebugExitPort;
import org.shadowbench.devices.serial.Uart16550;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;

/** The 16550A's registers as the data sheet defines them, through its port handler, and its interrupt line. */
class Uart16550Test {
    private static final int BASE = Uart16550.COM1;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    private Uart16550 uart(InputStream input) {
        return new Uart16550("com1", BASE, input, output);
    }

    @Test
    void transmitsWithTheWordLengthOfTheLineControlRegister() {
        Uart16550 uart = uart(InputStream.nullInputStream());
        uart.write(BASE, 1, 'P');
        uart.write(BASE + 3, 1, 0x03);
        uart.write(BASE, 1, 'P');
        assertArrayEquals(new byte[] { 0x10, 'P' }, output.toByteArray(), "five data bits after reset, then eight");
        assertEquals(0x60, uart.read(BASE + 5, 1), "transmitter always empty, nothing received");
    }

    @Test
    void divisorLatchSitsBehindDlab() {
        Uart16550 uart = uart(InputStream.nullInputStream());
        uart.write(BASE + 3, 1, 0x83);
        uart.write(BASE, 1, 0x01);
        uart.write(BASE + 1, 1, 0x02);
        assertEquals(0x01, uart.read(BASE, 1));
        assertEquals(0x02, uart.read(BASE + 1, 1));
        uart.write(BASE + 3, 1, 0x03);
        assertEquals(0, uart.read(BASE + 1, 1), "IER again");
        assertEquals(0, output.size(), "writing the divisor sends nothing");
    }

    @Test
    void receivesFromTheInputStream() {
        Uart16550 uart = uart(new ByteArrayInputStream(new byte[] { 'o', 'k' }));
        uart.write(BASE + 3, 1, 0x03);
        uart.write(BASE + 2, 1, 0x01);
        assertEquals(0x61, uart.read(BASE + 5, 1), "data ready");
        assertEquals('o', uart.read(BASE, 1));
        assertEquals('k', uart.read(BASE, 1));
        assertEquals(0x60, uart.read(BASE + 5, 1));
    }

    @Test
    void loopbackTurnsTransmissionsIntoReceptionsAndOverrunsWithoutFifo() {
        Uart16550 uart = uart(InputStream.nullInputStream());
        uart.write(BASE + 3, 1, 0x03);
        uart.write(BASE + 4, 1, 0x10);
        uart.write(BASE, 1, 'a');
        uart.write(BASE, 1, 'b');
        assertEquals(0, output.size());
        assertEquals(0x63, uart.read(BASE + 5, 1), "data ready and overrun: no FIFO holds one byte");
        assertEquals('a', uart.read(BASE, 1));
        assertEquals(0x60, uart.read(BASE + 5, 1), "reading LSR cleared the overrun");
    }

    @Test
    void interruptIdentificationAndTheTransmitterEmptySource() {
        Uart16550 uart = uart(new ByteArrayInputStream(new byte[] { 'x' }));
        assertEquals(0x01, uart.read(BASE + 2, 1), "nothing pending while no source is enabled");
        uart.write(BASE + 1, 1, 0x02);
        uart.write(BASE + 4, 1, 0x08);
        assertEquals(true, uart.interruptPending());
        assertEquals(0x02, uart.read(BASE + 2, 1), "transmitter empty");
        assertEquals(0x01, uart.read(BASE + 2, 1), "reading the IIR acknowledged it");
        uart.write(BASE + 1, 1, 0x03);
        assertEquals(0x04, uart.read(BASE + 2, 1), "received data outranks the transmitter");
    }

    @Test
    void everyByteReachesTheStreamAtOnceWithoutANewline() {
        BufferedOutputStream buffered = new BufferedOutputStream(output, 8192);
        Uart16550 uart = new Uart16550("com1", BASE, InputStream.nullInputStream(), buffered);
        uart.write(BASE + 3, 1, 0x03);
        for (char c : "$ ".toCharArray()) {
            uart.write(BASE, 1, c);
        }
        assertEquals("$ ", output.toString(), "a prompt without a newline is not held back in a buffer");
    }

    @Test
    void theInterruptOutputDrivesItsIsaLineWhateverOut2Says() {
        try (Machine machine = new Machine(MachineConfiguration.defaults().withRam(16L << 20))) {
            Uart16550 com1 = uart(InputStream.nullInputStream());
            Uart16550 com2 = new Uart16550("com2", 0x2f8, InputStream.nullInputStream(), output);
            machine.attach(com1);
            machine.attach(com2);
            assertEquals(4, com1.irq());
            assertEquals(3, com2.irq());
            IoPortBus io = machine.io();
            assertFalse(machine.interrupts().level(4), "no source enabled");
            io.write(BASE + 4, 1, 0x00);
            io.write(BASE + 1, 1, 0x02);
            assertTrue(machine.interrupts().level(4), "transmitter empty raises the line with OUT2 off, as in QEMU");
            io.write(BASE + 4, 1, 0x08);
            assertTrue(machine.interrupts().level(4), "and with OUT2 on");
            assertEquals(0x02, io.read(BASE + 2, 1));
            assertFalse(machine.interrupts().level(4), "reading the IIR acknowledged it");
            io.write(BASE, 1, 'a');
            assertTrue(machine.interrupts().level(4), "the next byte sent empties the transmitter again");
            assertFalse(machine.interrupts().level(3), "COM2 is quiet");
            machine.detach(com1);
            assertFalse(machine.interrupts().level(4), "a departing UART lets go of its line");
            assertThrows(IllegalArgumentException.class, () -> new Uart16550("bad", BASE, 16, null, output));
        }
    }

    @Test
    void inputArrivingWhileTheGuestWaitsRaisesTheReceivedDataInterrupt() throws Exception {
        try (Machine machine = new Machine(MachineConfiguration.defaults().withRam(16L << 20));
                PipedOutputStream keyboard = new PipedOutputStream();
                PipedInputStream input = new PipedInputStream(keyboard)) {
            Uart16550 com1 = uart(input);
            machine.attach(com1);
            machine.attach(new DebugExitPort());
            // A guest that enables the received-data interrupt (IER bit 0), clears the MCR as xv6 does, and spins.
            machine.loadFlat(HexFormat.of().parseHex("66baf903" + "b001" + "ee" + "66bafc03" + "b000" + "ee" + "ebfe"), 0x8000);
            machine.start();
            machine.run(100_000, Duration.ofSeconds(10)).join();
            assertFalse(machine.submit(m -> m.interrupts().level(4)).join(), "nothing received yet");
            keyboard.write('k');
            keyboard.flush();
            machine.run(200_000, Duration.ofSeconds(10)).join();
            assertTrue(machine.submit(m -> m.interrupts().level(4)).join(),
                    "within a millisecond of virtual time the byte raised the line");
            assertEquals('k', (int) machine.submit(m -> m.io().read(BASE, 1)).join());
            assertFalse(machine.submit(m -> m.interrupts().level(4)).join(), "reading the byte cleared it");
        }
    }
}
