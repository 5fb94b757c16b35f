package org.shadowbench.machine.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;

import org.junit.jupiter.api.Test;
import org.shadowbench.devices.serial.Uart16550;

/** The 16550A's registers as the data sheet defines them, through its port handler. */
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
}
