package org.shadowbench.devices.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.shadowbench.cpu.IoPortBus;
import org.shadowbench.devices.fwcfg.FirmwareConfig;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.InterruptBus;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineClock;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.memory.PhysicalMemory;

/** QEMU's fw_cfg as kvm-unit-tests reads it: a 16-bit selector write, then the item byte by byte. */
class FirmwareConfigTest {
    private static long item(IoPortBus io, int key, int bytes) {
        io.write(FirmwareConfig.SELECTOR_PORT, 2, key);
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            value |= (long) io.read(FirmwareConfig.DATA_PORT, 1) << (8 * i);
        }
        return value;
    }

    @Test
    void signatureIdCpusAndRamSizeLittleEndian() {
        try (Machine machine = new Machine(MachineConfiguration.defaults().withRam(64L << 20))) {
            FirmwareConfig fwcfg = new FirmwareConfig();
            machine.attach(fwcfg);
            IoPortBus io = machine.io();
            assertEquals("QEMU", new String(new byte[] { (byte) item(io, 0, 1), (byte) io.read(0x511, 1),
                    (byte) io.read(0x511, 1), (byte) io.read(0x511, 1) }, StandardCharsets.US_ASCII));
            assertEquals(0, io.read(0x511, 1), "past the end of the item");
            assertEquals(1, item(io, FirmwareConfig.ID, 4), "traditional interface, no DMA");
            assertEquals(64L << 20, item(io, FirmwareConfig.RAM_SIZE, 8));
            assertEquals(1, item(io, FirmwareConfig.NB_CPUS, 2));
            assertEquals(1, item(io, FirmwareConfig.MAX_CPUS, 2));
            assertEquals(1, item(io, FirmwareConfig.IRQ0_OVERRIDE, 4));
            assertEquals(0, item(io, FirmwareConfig.FILE_DIR, 4), "an empty file directory");
            assertEquals(0, item(io, 0x11, 8), "kvm-unit-tests' memory limit key: none");
            assertEquals(FirmwareConfig.INVALID, fwcfg.selected());
            assertEquals(0x45, item(io, FirmwareConfig.SIGNATURE | FirmwareConfig.WRITE_CHANNEL, 2) >>> 8,
                    "the write-channel bit selects the same item");
            io.write(0x511, 1, 0x55);
            assertEquals('M', io.read(0x510, 1), "writes to the data port are ignored; the selector port reads data too");
            assertEquals(0, io.read(0x511, 2), "only byte reads move data");
            assertNull(fwcfg.item(0x1234));
            fwcfg.reset();
            assertEquals(FirmwareConfig.INVALID, fwcfg.selected());
        }
    }

    @Test
    void ramSizeCountsTheLegacyHoleAndRamAbove4G() {
        long ram = 4L << 30;
        try (Machine machine = new Machine(MachineConfiguration.defaults().withRam(ram))) {
            machine.attach(new FirmwareConfig());
            assertEquals(ram, item(machine.io(), FirmwareConfig.RAM_SIZE, 8));
            DeviceContext ranges = new DeviceContext() {
                @Override
                public IoPortBus io() {
                    return null;
                }

                @Override
                public PhysicalMemory memory() {
                    return machine.memory();
                }

                @Override
                public PhysicalHandlerRegistry registry() {
                    return null;
                }

                @Override
                public InterruptBus interrupts() {
                    return null;
                }

                @Override
                public MachineClock clock() {
                    return null;
                }

                @Override
                public void requestExit(int exitCode, String reason) {
                }
            };
            assertEquals(ram, ranges.ramSize(), "the default ramSize() from the RAM ranges agrees with the configuration");
        }
    }

    @Test
    void itemsAreCopies() {
        try (Machine machine = new Machine(MachineConfiguration.defaults().withRam(16L << 20))) {
            FirmwareConfig fwcfg = new FirmwareConfig();
            machine.attach(fwcfg);
            fwcfg.item(FirmwareConfig.SIGNATURE)[0] = 'X';
            assertArrayEquals("QEMU".getBytes(StandardCharsets.US_ASCII), fwcfg.item(FirmwareConfig.SIGNATURE));
        }
    }
}
