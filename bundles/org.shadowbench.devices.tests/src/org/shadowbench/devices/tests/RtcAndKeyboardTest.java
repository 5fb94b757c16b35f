package org.shadowbench.devices.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.IoPortBus;
import org.shadowbench.devices.keyboard.Keyboard8042;
import org.shadowbench.devices.pic.Pic8259Pair;
import org.shadowbench.devices.rtc.CmosRtc;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;

/** The CMOS clock against virtual time, and the 8042 with its keyboard. */
class RtcAndKeyboardTest {
    private final Machine machine = new Machine(MachineConfiguration.defaults().withRam(64L << 20));
    private final CmosRtc rtc = new CmosRtc(Instant.parse("2026-11-21T22:59:58Z"));
    private final Keyboard8042 keyboard = new Keyboard8042();
    private final Pic8259Pair pic = new Pic8259Pair();
    private final IoPortBus io = machine.io();

    RtcAndKeyboardTest() {
        machine.attach(rtc);
        machine.attach(keyboard);
        machine.attach(pic);
    }

    @AfterEach
    void close() {
        machine.close();
    }

    private int cmos(int index) {
        io.write(0x70, 1, index);
        return io.read(0x71, 1);
    }

    private void setCmos(int index, int value) {
        io.write(0x70, 1, index);
        io.write(0x71, 1, value);
    }

    /** Lets virtual time pass by running NOPs. */
    private void elapse(long instructions) throws Exception {
        byte[] nops = new byte[4096];
        java.util.Arrays.fill(nops, (byte) 0x90);
        nops[4094] = (byte) 0xeb;
        nops[4095] = (byte) 0xfe;
        machine.loadFlat(nops, 0x10000);
        machine.start();
        machine.run(instructions, Duration.ofSeconds(60)).join();
    }

    @Test
    void timeIsBcdTwentyFourHourByDefault() {
        assertEquals(0x58, cmos(0x00));
        assertEquals(0x59, cmos(0x02));
        assertEquals(0x22, cmos(0x04));
        assertEquals(0x21, cmos(0x07));
        assertEquals(0x11, cmos(0x08));
        assertEquals(0x26, cmos(0x09));
        assertEquals(0x20, cmos(0x32));
        assertEquals(0x80, cmos(0x0d), "valid RAM and time");
        assertEquals(640, cmos(0x15) | (cmos(0x16) << 8), "base memory in KiB");
        assertEquals(0x3c00, cmos(0x17) | (cmos(0x18) << 8), "15 MiB of extended memory below 16 MiB");
        assertEquals(48 * 16, cmos(0x34) | (cmos(0x35) << 8), "48 MiB above 16 MiB in 64 KiB blocks");
    }

    @Test
    void binaryTwelveHourFormatsAndSettingTheClock() {
        setCmos(0x0b, 0x04);
        assertEquals(59, cmos(0x02));
        assertEquals(0x80 | 10, cmos(0x04), "10 PM in binary 12-hour form");
        setCmos(0x0b, 0x86);
        setCmos(0x04, 7);
        setCmos(0x02, 30);
        setCmos(0x0b, 0x06);
        assertEquals(7, cmos(0x04));
        assertEquals(30, cmos(0x02));
    }

    @Test
    void timeAdvancesWithVirtualTime() throws Exception {
        elapse(300_000_000L);
        assertEquals(0x01, cmos(0x00), "3 s of virtual time after 22:59:58");
        assertEquals(0x23, cmos(0x04));
        assertEquals(0x00, cmos(0x02));
    }

    @Test
    void periodicInterruptRaisesIrq8AtTheRate() throws Exception {
        // PIC: slave unmasked for IRQ 8; RTC: rate 6 (1024 Hz), periodic interrupts on.
        setCmos(0x0a, 0x26);
        setCmos(0x0b, 0x42);
        elapse(1_000_000);
        assertTrue(pic.hasInterrupt(), "IRQ 8 pending through the cascade");
        assertEquals(0x28 + 0, pic.acknowledge() - 0x70 + 0x28, "vector of IRQ 8 at the slave's reset base 0x70");
        assertEquals(0xc0, cmos(0x0c), "IRQF and PF");
        assertEquals(0x00, cmos(0x0c), "reading register C cleared it");
    }

    @Test
    void keyboardControllerSelfTestAndCommandByte() {
        io.write(0x64, 1, 0xaa);
        assertEquals(0x55, io.read(0x60, 1));
        io.write(0x64, 1, 0x20);
        assertEquals(0x45 | 0x04, io.read(0x60, 1));
        io.write(0x64, 1, 0x60);
        io.write(0x60, 1, 0x44);
        io.write(0x64, 1, 0x20);
        assertEquals(0x44, io.read(0x60, 1));
        io.write(0x60, 1, 0xf2);
        assertEquals(0xfa, io.read(0x60, 1));
        assertEquals(0xab, io.read(0x60, 1));
        assertEquals(0x41, io.read(0x60, 1));
        io.write(0x60, 1, 0xed);
        assertEquals(0xfa, io.read(0x60, 1));
        io.write(0x60, 1, 0x04);
        assertEquals(0xfa, io.read(0x60, 1));
        assertEquals(4, keyboard.leds());
        io.write(0x60, 1, 0xee);
        assertEquals(0xee, io.read(0x60, 1));
        assertEquals(0x14, io.read(0x64, 1) & 0x15, "output buffer empty, system flag set");
    }

    @Test
    void typedKeysArriveAsScanCodesWithIrq1() {
        keyboard.type("Hi");
        assertTrue(pic.hasInterrupt());
        int[] expected = { 0x2a, 0x23, 0x23 | 0x80, 0x2a | 0x80, 0x17, 0x17 | 0x80 };
        for (int code : expected) {
            assertEquals(1, io.read(0x64, 1) & 1);
            assertEquals(code, io.read(0x60, 1));
        }
        assertEquals(0, io.read(0x64, 1) & 1);
        assertThrows(IllegalArgumentException.class, () -> keyboard.type("\u00e9"));
    }

    @Test
    void disabledKeyboardDropsKeys() {
        io.write(0x64, 1, 0xad);
        keyboard.type("x");
        assertEquals(0, keyboard.pendingBytes());
        io.write(0x64, 1, 0xae);
        keyboard.type("x");
        assertEquals(2, keyboard.pendingBytes());
    }
}
