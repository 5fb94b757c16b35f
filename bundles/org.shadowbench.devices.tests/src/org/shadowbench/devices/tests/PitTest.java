package org.shadowbench.devices.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HexFormat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.devices.pic.Pic8259Pair;
import org.shadowbench.devices.pit.Pit8254;
import org.shadowbench.machine.GuestLoadException;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineClock;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.machine.RunResult;

/**
 * The 8254 against the machine's virtual time: 1.193182 MHz counters, periodic IRQ 0 edges at the
 * programmed rate, the latch and read-back commands, and counter 2 through port 0x61.
 */
class PitTest {
    private final Machine machine = new Machine(MachineConfiguration.defaults().withRam(4L << 20));
    private final Pit8254 pit = new Pit8254();

    PitTest() {
        machine.attach(pit);
        machine.attach(new Pic8259Pair());
    }

    @AfterEach
    void close() {
        machine.close();
    }

    /** Runs {@code instructions} NOPs (10 ns of virtual time each). */
    private void elapse(long instructions) throws GuestLoadException {
        byte[] nops = new byte[4096];
        java.util.Arrays.fill(nops, (byte) 0x90);
        nops[4094] = (byte) 0xeb;
        nops[4095] = (byte) 0xfe;
        machine.loadFlat(nops, 0x10000);
        machine.start();
        RunResult result = machine.run(instructions, Duration.ofSeconds(30)).join();
        assertEquals(instructions, result.instructions());
    }

    private int latch(int counter) {
        return machine.submit(m -> {
            m.io().write(0x43, 1, counter << 6);
            return m.io().read(0x40 + counter, 1) | (m.io().read(0x40 + counter, 1) << 8);
        }).join();
    }

    @Test
    void periodicModeRaisesIrq0AtTheProgrammedRate() throws GuestLoadException {
        // Mode 2, 1193 ticks: a 1 ms period; 10 ms of virtual time is 1,000,000 instructions.
        machine.io().write(0x43, 1, 0x34);
        machine.io().write(0x40, 1, 1193 & 0xff);
        machine.io().write(0x40, 1, 1193 >> 8);
        assertEquals(10_000_000L / MachineClock.NANOS_PER_INSTRUCTION * 1, 1_000_000L);
        elapse(1_000_000);
        long raised = machine.submit(m -> pit.interruptsRaised()).join();
        assertTrue(raised == 9 || raised == 10, "about ten edges in 10 ms: " + raised);
        int count = latch(0);
        assertTrue(count >= 1 && count <= 1193, "the count stays within the reload value: " + count);
    }

    @Test
    void countDownAndReadBackStatus() throws GuestLoadException {
        // Counter 1, mode 0, lobyte/hibyte, count 0x8000.
        machine.io().write(0x43, 1, 0x70);
        machine.io().write(0x41, 1, 0x00);
        machine.io().write(0x41, 1, 0x80);
        elapse(10_000);
        int count = latch(1);
        long ticks = 10_000 * MachineClock.NANOS_PER_INSTRUCTION * Pit8254.FREQUENCY / 1_000_000_000L;
        assertEquals(0x8000 - ticks, count, 1, "100 us of virtual time is about 119 ticks");
        int status = machine.submit(m -> {
            m.io().write(0x43, 1, 0xe4);
            return m.io().read(0x41, 1);
        }).join();
        assertEquals(0x30, status, "output low (still counting), access lobyte/hibyte, mode 0");
    }

    @Test
    void counter2IsGatedThroughPort61() throws GuestLoadException {
        machine.io().write(0x43, 1, 0xb0);
        machine.io().write(0x42, 1, 100);
        machine.io().write(0x42, 1, 0);
        assertEquals(0, machine.io().read(0x61, 1) & 0x21, "gate low, output low");
        machine.io().write(0x61, 1, 0x01);
        elapse(10_000);
        assertEquals(0x21, machine.submit(m -> m.io().read(0x61, 1) & 0x21).join(), "gate high, 100 ticks passed: output high");
    }

    @Test
    void haltedGuestIsWokenByTheTimerInVirtualTime() throws GuestLoadException {
        // Remap the PIC, unmask IRQ 0, 100 Hz timer, then sti; hlt; jmp back, counting wake-ups in EBX.
        String code = "b011e620b020e621b004e621b001e621b0fee621"
                + "b034e643b09ce640b02ee640" + "fb" + "f4" + "43" + "ebfc";
        byte[] program = HexFormat.of().parseHex(code);
        machine.loadFlat(program, 0x10000);
        // An IDT whose vector 0x20 points at a handler at 0x11000: mov al, 0x20 ; out 0x20, al (EOI) ; iret.
        machine.memory().write(0x11000, HexFormat.of().parseHex("b020e620cf"), 0, 5);
        long gate = (0x11000 & 0xffffL) | (0x08L << 16) | (0x8eL << 40) | ((0x11000L >>> 16) << 48);
        machine.memory().write(0x2000 + 8 * 0x20, 8, gate);
        machine.memory().write(0x1008, 8, 0x00cf9a000000ffffL);
        machine.memory().write(0x1010, 8, 0x00cf92000000ffffL);
        machine.cpu().loadDescriptorTables(0x1000, 0x17, 0x2000, 0x7ff);
        machine.cpu().loadSegment(org.shadowbench.cpu.SegmentRegister.CS, 0x08);
        machine.cpu().loadSegment(org.shadowbench.cpu.SegmentRegister.SS, 0x10);
        machine.start();
        RunResult result = machine.run(0, Duration.ofMillis(300)).join();
        long wakeUps = machine.submit(m -> (long) m.cpu().register(org.shadowbench.cpu.Register.EBX)).join();
        assertTrue(wakeUps > 100, "the timer kept waking the halted CPU: " + wakeUps + " (" + result + ")");
        long nanos = machine.submit(m -> m.clock().nanos()).join();
        assertTrue(nanos >= wakeUps * 9_000_000L, "virtual time advanced by the periods: " + nanos);
        assertTrue(result.instructions() < wakeUps * 50, "while halted no instructions ran: " + result.instructions());
    }
}
