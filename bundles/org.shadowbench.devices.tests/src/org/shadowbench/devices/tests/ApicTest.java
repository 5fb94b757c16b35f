package org.shadowbench.devices.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.IoPortBus;
import org.shadowbench.devices.apic.LocalApic;
import org.shadowbench.devices.ioapic.IoApic;
import org.shadowbench.devices.pic.Pic8259Pair;
import org.shadowbench.handlers.AccessOrigin;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.RamRange;

/** The local APIC's registers, priorities, IPIs and timer; the I/O APIC's routing; the MP tables. */
class ApicTest {
    private static final long LAPIC = LocalApic.BASE;
    private static final long IOAPIC = IoApic.BASE;

    private final Machine machine = new Machine(MachineConfiguration.defaults().withRam(16L << 20));
    private final Pic8259Pair pic = new Pic8259Pair();
    private final LocalApic lapic = new LocalApic();
    private final IoApic ioapic = new IoApic();
    private final IoPortBus io = machine.io();

    ApicTest() {
        machine.attach(pic);
        machine.attach(lapic);
        machine.attach(ioapic);
    }

    @AfterEach
    void close() {
        List<String> problems = new ArrayList<>(machine.memory().check());
        problems.addAll(machine.registry().check());
        assertEquals(List.of(), problems);
        machine.close();
    }

    private int apic(int offset) {
        return (int) machine.registry().read(LAPIC + offset, 4, AccessOrigin.CPU);
    }

    private void setApic(int offset, int value) {
        machine.registry().write(LAPIC + offset, 4, value & 0xffff_ffffL, AccessOrigin.CPU);
    }

    private int ioapic(int register) {
        machine.registry().write(IOAPIC, 4, register, AccessOrigin.CPU);
        return (int) machine.registry().read(IOAPIC + 0x10, 4, AccessOrigin.CPU);
    }

    private void setIoapic(int register, int value) {
        machine.registry().write(IOAPIC, 4, register, AccessOrigin.CPU);
        machine.registry().write(IOAPIC + 0x10, 4, value & 0xffff_ffffL, AccessOrigin.CPU);
    }

    /** Routes an I/O APIC pin to a vector on APIC 0 ({@code flags}: 0x8000 level, 0x2000 active low, 0x10000 masked). */
    private void route(int pin, int vector, int flags) {
        setIoapic(0x11 + 2 * pin, 0);
        setIoapic(0x10 + 2 * pin, vector | flags);
    }

    private void initPic(int base, int masterMask) {
        io.write(0x20, 1, 0x11);
        io.write(0x21, 1, base);
        io.write(0x21, 1, 0x04);
        io.write(0x21, 1, 0x01);
        io.write(0x21, 1, masterMask);
    }

    @Test
    void comesUpAsFirmwareLeavesItWithItsRegistersOnAnAliasedHostPage() {
        assertEquals(0, apic(0x20) >>> 24, "ID");
        assertEquals(0x0005_0014, apic(0x30), "version 0x14, six LVT entries");
        assertEquals(0x1ff, apic(0xf0), "software-enabled, spurious vector 0xff");
        assertEquals(0x700, apic(0x350), "LINT0 ExtINT: virtual wire");
        assertEquals(0x400, apic(0x360), "LINT1 NMI");
        assertEquals(0x1_0000, apic(0x320), "timer masked");
        assertEquals(0xffff_ffff, apic(0xe0), "flat model");
        RamRange range = machine.memory().rangeAt(LAPIC);
        assertEquals(PageType.SPECIAL_ALIAS_MMIO, range.pageType(range.pageIndex(LAPIC)), "aliased with PageAliasHC");
        assertEquals(lapic.registerFrame(), range.hostFrame(range.pageIndex(LAPIC)));
        assertEquals(0x0005_0014L, machine.memory().read(LAPIC + 0x30, 4), "the frame holds the registers");
        int[] cpuid = machine.cpu().cpuid(1);
        assertEquals(1 << 9, cpuid[3] & (1 << 9), "CPUID reports the APIC");
        assertEquals(0, cpuid[1] >>> 24, "initial APIC ID");
    }

    @Test
    void selfIpisAreDeliveredByPriorityAndEndedByEoi() {
        setApic(0x300, 0x0004_0041); // self, fixed, vector 0x41
        assertTrue(lapic.hasInterrupt());
        setApic(0x80, 0x50);
        assertFalse(lapic.hasInterrupt(), "TPR class 5 holds back class 4");
        assertEquals(0x50, apic(0xa0), "PPR follows the TPR");
        setApic(0x80, 0);
        assertEquals(0x41, lapic.acknowledge());
        assertEquals(1 << 1, apic(0x100 + 0x20), "vector 0x41 in service");
        assertEquals(0x40, apic(0xa0), "PPR is the in-service class");
        setApic(0x300, 0x0004_0042);
        assertFalse(lapic.hasInterrupt(), "same class as the one in service: waits");
        assertEquals(1 << 2, apic(0x200 + 0x20), "but requested");
        setApic(0x300, 0x0004_0061);
        assertTrue(lapic.hasInterrupt(), "a higher class interrupts the handler");
        assertEquals(0x61, lapic.acknowledge());
        setApic(0xb0, 0);
        assertEquals(0x40, apic(0xa0), "EOI ended 0x61, the highest in service");
        setApic(0xb0, 0);
        assertEquals(0x42, lapic.acknowledge(), "after both EOIs the held vector goes");
        setApic(0xb0, 0);
        assertEquals(0, apic(0x100 + 0x20) | apic(0x100 + 0x30), "nothing in service");
        setApic(0x310, 0x0100_0000);
        setApic(0x300, 0x43); // physical destination 1: nobody
        assertFalse(lapic.hasInterrupt());
        assertEquals(0, apic(0x300) & 0x1000, "delivery status idle");
    }

    @Test
    void nmiMessagesAreLatchedForTheCpusNmiInputOnce() {
        assertFalse(lapic.takeNmi());
        setApic(0x310, 0);
        setApic(0x300, 0x0000_0400); // physical destination 0 (this APIC), NMI: what kvm-unit-tests sends itself
        setApic(0x300, 0x0004_0400); // and by the self shorthand: collapses into the one pending
        assertFalse(lapic.hasInterrupt(), "an NMI is not a maskable interrupt");
        assertTrue(lapic.takeNmi());
        assertFalse(lapic.takeNmi(), "taken once");
        setApic(0x310, 0x0100_0000);
        setApic(0x300, 0x0000_0400); // destination 1: nobody
        assertFalse(lapic.takeNmi());
        setApic(0x300, 0x000c_0400); // all but self
        assertFalse(lapic.takeNmi());
    }

    @Test
    void illegalVectorsAndRegistersAreReportedInTheErrorStatus() {
        setApic(0x370, 0xfe); // error interrupt on vector 0xfe
        setApic(0x300, 0x0004_0005);
        apic(0x3f0);
        setApic(0x280, 0);
        assertEquals(0xa0, apic(0x280), "send illegal vector and illegal register address");
        assertEquals(0xfe, lapic.acknowledge(), "the error interrupt");
        setApic(0x280, 0);
        assertEquals(0, apic(0x280), "the next write latches no new errors");
    }

    @Test
    void softwareDisableMasksTheLocalVectorTable() {
        setApic(0xf0, 0xff);
        assertEquals(0x1_0700, apic(0x350), "LINT0 masked");
        setApic(0x350, 0x700);
        assertEquals(0x1_0700, apic(0x350), "and stays masked while disabled");
        setApic(0x300, 0x0004_0041);
        assertFalse(lapic.hasInterrupt(), "no new interrupts while disabled");
        setApic(0xf0, 0x1ff);
        setApic(0x350, 0x700);
        assertEquals(0x700, apic(0x350));
    }

    @Test
    void theEightyFiftyNineReachesTheCpuThroughLint0UntilItIsMasked() {
        initPic(0x20, 0xfd);
        machine.interrupts().pulse(1);
        assertTrue(lapic.hasInterrupt(), "virtual wire");
        assertEquals(0x21, lapic.acknowledge());
        io.write(0x20, 1, 0x20);
        setApic(0x350, 0x1_0700);
        machine.interrupts().pulse(1);
        assertFalse(lapic.hasInterrupt(), "LINT0 masked");
        // Globally disabled through the MSR, the APIC steps aside: the 8259 drives INTR directly.
        machine.cpu().setMsr(0x1b, 0xfee0_0000L);
        assertTrue(lapic.hasInterrupt());
        assertEquals(0, machine.cpu().cpuid(1)[3] & (1 << 9), "CPUID no longer reports the APIC");
        assertEquals(0xff, apic(0xf0), "and it came back as after power-on");
        assertThrows(IllegalArgumentException.class, () -> machine.cpu().setMsr(0x1b, 0xfed0_0900L), "no relocation");
    }

    @Test
    void theIoApicRoutesIsaLinesEdgeAndLevel() {
        // As a kernel switching to the I/O APIC does: the 8259s are masked, or they would answer through LINT0.
        initPic(0x20, 0xff);
        io.write(0xa1, 1, 0xff);
        assertEquals(0x0017_0011, ioapic(1), "24 pins, version 0x11");
        assertEquals(1 << 24, ioapic(0), "ID 1");
        route(2, 0x30, 0);
        machine.interrupts().pulse(0);
        assertTrue(lapic.hasInterrupt(), "IRQ 0 arrives on pin 2");
        assertEquals(0x30, lapic.acknowledge());
        setApic(0xb0, 0);
        route(9, 0x39, 0x8000);
        machine.interrupts().setLevel(9, true);
        assertEquals(0x4000, ioapic(0x10 + 18) & 0x4000, "remote IRR set");
        assertEquals(0x39, lapic.acknowledge());
        assertEquals(1 << (0x39 - 0x20), apic(0x180 + 0x10), "level-triggered in the TMR");
        setApic(0xb0, 0);
        assertTrue(lapic.hasInterrupt(), "still asserted after the EOI: sent again");
        assertEquals(0x39, lapic.acknowledge());
        machine.interrupts().setLevel(9, false);
        setApic(0xb0, 0);
        assertFalse(lapic.hasInterrupt());
        assertEquals(0, ioapic(0x10 + 18) & 0x4000, "remote IRR clear");
        route(4, 0x34, 0x1_0000);
        machine.interrupts().pulse(4);
        route(4, 0x34, 0);
        assertFalse(lapic.hasInterrupt(), "an edge on a masked pin is lost");
        assertTrue(ioapic.summary().contains("1 edges lost"), ioapic.summary());
    }

    @Test
    void theTimerCountsDownInVirtualTime() throws Exception {
        setApic(0x3e0, 0xb); // divide by 1: 100 MHz
        setApic(0x320, 0x2_0040); // periodic, vector 0x40
        setApic(0x380, 1000); // 10 us
        assertEquals(1000, apic(0x390));
        byte[] nops = new byte[4096];
        Arrays.fill(nops, (byte) 0x90);
        nops[4094] = (byte) 0xeb;
        nops[4095] = (byte) 0xfe;
        machine.loadFlat(nops, 0x10000);
        machine.start();
        machine.run(10_050, Duration.ofSeconds(60)).join(); // 100.5 us of virtual time
        assertEquals(10L, machine.submit(m -> lapic.timerFires()).join());
        int current = machine.submit(m -> apic(0x390)).join();
        assertTrue(current > 0 && current <= 1000, "current count " + current);
        machine.execute(m -> {
            setApic(0x320, 0x40); // one-shot from now on
            setApic(0x380, 500);
        }).join();
        machine.run(1_000, Duration.ofSeconds(60)).join();
        assertEquals(11L, machine.submit(m -> lapic.timerFires()).join());
        assertEquals(0, machine.submit(m -> apic(0x390)).join(), "a one-shot timer stops at zero");
        assertEquals(0x40, machine.submit(m -> lapic.acknowledge()).join());
    }

    @Test
    void aSecondLocalApicIsRefusedAndDetachingLeavesNoTrace() {
        int handlers = machine.registry().handlerCount();
        assertThrows(IllegalStateException.class, () -> machine.attach(new LocalApic()));
        assertEquals(handlers, machine.registry().handlerCount(), "the refused APIC registered nothing");
        int framesBefore = machine.memory().frames().framesInUse();
        machine.detach(lapic);
        machine.detach(ioapic);
        assertNull(machine.interrupts().localApic());
        assertNull(machine.interrupts().ioApic());
        assertNull(machine.memory().rangeAt(LAPIC), "the register page went with the device");
        assertEquals(0xffff_ffffL, machine.registry().read(LAPIC + 0x30, 4, AccessOrigin.CPU), "unassigned: all ones");
        assertEquals(framesBefore - 1, machine.memory().frames().framesInUse(), "the register frame is free again");
        assertEquals(0, machine.cpu().cpuid(1)[3] & (1 << 9));
        assertEquals(handlers - 2, machine.registry().handlerCount());
    }

    @Test
    void theLoaderDescribesTheApicsInMpTables() throws Exception {
        machine.loadFlat(new byte[] { (byte) 0xf4 }, 0x10000);
        long pointer = -1;
        for (long at = 0xf0000; at < 0x100000; at += 16) {
            if (machine.memory().read(at, 4) == 0x5f504d5fL) { // "_MP_"
                pointer = at;
                break;
            }
        }
        assertTrue(pointer >= 0, "the floating pointer is in the BIOS area");
        assertEquals(0, sum(pointer, 16), "its checksum");
        long table = machine.memory().read(pointer + 4, 4);
        assertEquals("PCMP", text(table, 4));
        int length = (int) machine.memory().read(table + 4, 2);
        assertEquals(0, sum(table, length), "the table's checksum");
        assertEquals(LAPIC, machine.memory().read(table + 36, 4));
        int entries = (int) machine.memory().read(table + 34, 2);
        long at = table + 44;
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            int type = (int) machine.memory().read(at, 1);
            switch (type) {
                case 0 -> seen.add("cpu " + machine.memory().read(at + 1, 1) + " flags " + machine.memory().read(at + 3, 1));
                case 1 -> seen.add("bus " + text(at + 2, 6).trim());
                case 2 -> seen.add(String.format("ioapic %d at %#x", machine.memory().read(at + 1, 1),
                        machine.memory().read(at + 4, 4)));
                case 3 -> seen.add("irq " + machine.memory().read(at + 5, 1) + " -> pin " + machine.memory().read(at + 7, 1));
                case 4 -> seen.add("lint" + machine.memory().read(at + 7, 1) + " type " + machine.memory().read(at + 1, 1));
                default -> throw new AssertionError("entry type " + type);
            }
            at += type == 0 ? 20 : 8;
        }
        assertEquals(table + length, at, "the entries fill the table");
        assertEquals(List.of("cpu 0 flags 3", "bus ISA", "ioapic 1 at 0xfec00000"), seen.subList(0, 3));
        assertTrue(seen.contains("irq 0 -> pin 2") && seen.contains("irq 1 -> pin 1") && !seen.contains("irq 2 -> pin 2"),
                seen.toString());
        assertEquals(List.of("lint0 type 3", "lint1 type 1"), seen.subList(seen.size() - 2, seen.size()));
    }

    private int sum(long address, int length) {
        int sum = 0;
        for (int i = 0; i < length; i++) {
            sum += (int) machine.memory().read(address + i, 1);
        }
        return sum & 0xff;
    }

    private String text(long address, int length) {
        byte[] bytes = new byte[length];
        machine.memory().read(address, bytes, 0, length);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
