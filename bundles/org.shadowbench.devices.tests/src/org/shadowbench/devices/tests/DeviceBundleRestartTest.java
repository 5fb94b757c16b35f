package org.shadowbench.devices.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;
import org.shadowbench.devices.apic.LocalApic;
import org.shadowbench.devices.debugexit.DebugExitPort;
import org.shadowbench.devices.ioapic.IoApic;
import org.shadowbench.devices.probe.MmioProbe;
import org.shadowbench.devices.serial.Uart16550;
import org.shadowbench.machine.DeviceCatalog;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.machine.RunResult;
import org.shadowbench.machine.RunState;
import org.shadowbench.machine.StopCause;

/**
 * Every device bundle stopped and started again while a guest keeps reading one of the device's
 * registers: while the device is there the guest reads its answer, while its bundle is stopped
 * the port or range is unclaimed, and after the restart the new instance answers again. The run
 * never stops, the whiteboard refuses nothing, and the page model, registry and pool stay
 * consistent. (OSGi only: it needs the device bundles' DS components.)
 */
class DeviceBundleRestartTest {
    /** Where the guest stores what it read. */
    private static final int RESULT = 0x9000;
    /** A present device's answer that changes with time (refresh toggle, status bits): anything but the absent value. */
    private static final long ANY = -1;

    /** A device bundle and the register the guest watches. */
    enum Probe {
        SERIAL("org.shadowbench.devices.serial", "com1", port(Uart16550.COM1 + 5), 0x60, 0xff),
        DEBUG_EXIT("org.shadowbench.devices.debugexit", "debug-exit", port(DebugExitPort.PORT), 0x00, 0xff),
        MMIO_PROBE("org.shadowbench.devices.probe", "mmio-probe", mmio(MmioProbe.LOG), 0, 0xffff_ffffL),
        PIC("org.shadowbench.devices.pic", "pic", port(0x21), 0x00, 0xff),
        PIT("org.shadowbench.devices.pit", "pit", port(0x61), ANY, 0xff),
        VGA("org.shadowbench.devices.vga", "vga", port(0x3cc), 0x67, 0xff),
        RTC("org.shadowbench.devices.rtc", "rtc", indexed(0x70, 0x0d, 0x71), 0x80, 0xff),
        KEYBOARD("org.shadowbench.devices.keyboard", "keyboard", port(0x64), ANY, 0xff),
        LOCAL_APIC("org.shadowbench.devices.apic", "lapic", mmio(LocalApic.BASE + 0x30), 0x0005_0014, 0xffff_ffffL),
        IO_APIC("org.shadowbench.devices.ioapic", "ioapic", indexedMmio(IoApic.BASE, 1), 0x0017_0011, 0xffff_ffffL);

        final String bundle;
        final String device;
        final String code;
        final long present;
        final long absent;

        Probe(String bundle, String device, String code, long present, long absent) {
            this.bundle = bundle;
            this.device = device;
            this.code = code;
            this.present = present;
            this.absent = absent;
        }
    }

    // Guest code fragments (32-bit flat mode), hex: each leaves the value read in EAX.
    private static String port(int port) {
        return "31c0" + "66ba" + le16(port) + "ec"; // xor eax,eax ; mov dx,port ; in al,dx
    }

    private static String indexed(int indexPort, int index, int dataPort) {
        return "b0" + String.format("%02x", index) + "e6" + String.format("%02x", indexPort) // mov al,index ; out index,al
                + "31c0" + "e4" + String.format("%02x", dataPort); // xor eax,eax ; in al,data
    }

    private static String mmio(long address) {
        return "a1" + le32(address); // mov eax,[address]
    }

    private static String indexedMmio(long base, int register) {
        return "c705" + le32(base) + le32(register) + "a1" + le32(base + 0x10); // mov dword [base],reg ; mov eax,[base+0x10]
    }

    private static String le16(int value) {
        return String.format("%02x%02x", value & 0xff, (value >>> 8) & 0xff);
    }

    private static String le32(long value) {
        return le16((int) value & 0xffff) + le16((int) (value >>> 16) & 0xffff);
    }

    /** The probe's read, then mov [RESULT],eax and a jump back to the start. */
    private static byte[] guest(Probe probe) {
        String body = probe.code + "a3" + le32(RESULT);
        int length = body.length() / 2 + 2;
        byte[] code = java.util.HexFormat.of().parseHex(body + "eb" + String.format("%02x", (-length) & 0xff));
        return code;
    }

    private final BundleContext context = FrameworkUtil.getBundle(getClass()).getBundleContext();

    private DeviceCatalog catalog() throws InterruptedException {
        ServiceTracker<DeviceCatalog, DeviceCatalog> tracker = new ServiceTracker<>(context, DeviceCatalog.class, null);
        tracker.open();
        try {
            DeviceCatalog catalog = tracker.waitForService(10_000);
            assertNotNull(catalog, "Felix SCR activates the device whiteboard");
            return catalog;
        } finally {
            tracker.close();
        }
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> b.getSymbolicName().equals(symbolicName)).findFirst()
                .orElseThrow(() -> new AssertionError(symbolicName + " is not in the test runtime"));
    }

    private static long result(Machine machine) {
        return machine.submit(m -> m.memory().read(RESULT, 4)).join();
    }

    private static void await(Machine machine, long expected, long absent, String what) throws InterruptedException {
        long seen = -1;
        for (int i = 0; i < 500; i++) {
            seen = result(machine);
            if (expected == ANY ? seen != absent : seen == expected) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(String.format("the guest never read %s (%s); last read %#x",
                expected == ANY ? "anything but " + Long.toHexString(absent) : Long.toHexString(expected), what, seen));
    }

    private static boolean attached(Machine machine, String device) {
        return machine.submit(m -> m.devices().stream().anyMatch(d -> d.name().equals(device))).join();
    }

    private static List<String> problems(Machine machine) {
        return machine.submit(Machine::check).join();
    }

    @ParameterizedTest
    @EnumSource(Probe.class)
    void aDeviceBundleStopsAndStartsUnderARunningGuest(Probe probe) throws Exception {
        Bundle bundle = bundle(probe.bundle);
        bundle.start();
        DeviceCatalog catalog = catalog();
        try (Machine machine = new Machine(MachineConfiguration.defaults().withRam(16L << 20))) {
            machine.loadFlat(guest(probe), 0x8000);
            machine.start();
            try (AutoCloseable connection = catalog.connect(machine)) {
                assertTrue(attached(machine, probe.device), probe.device + " attached");
                CompletableFuture<RunResult> running = machine.run(0, Duration.ofMinutes(2));
                await(machine, probe.present, probe.absent, "the device's answer");
                bundle.stop();
                assertTrue(!attached(machine, probe.device), "detached when the bundle stopped");
                await(machine, probe.absent, ANY, "an unclaimed register while the bundle is stopped");
                assertEquals(List.of(), problems(machine), "consistent without the device");
                bundle.start();
                await(machine, probe.present, probe.absent, "the answer of the restarted device");
                assertEquals(RunState.RUNNING, machine.state(), "the guest ran on throughout");
                machine.pause().join();
                assertEquals(StopCause.PAUSED, running.join().cause());
                assertEquals(List.of(), problems(machine), "consistent after the restart");
                assertEquals(List.of(), catalog.refusals(), "the machine refused nothing");
            }
        } finally {
            bundle.start();
        }
    }

    @org.junit.jupiter.api.Test
    void theGuestFragmentsEncodeAsIntended() {
        // The loop jumps back exactly to its start: the last two bytes are a short jump over the whole body.
        byte[] code = guest(Probe.RTC);
        assertEquals((byte) 0xeb, code[code.length - 2]);
        assertEquals(-code.length, code[code.length - 1]);
        assertEquals(RESULT, ByteBuffer.wrap(code, code.length - 6, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }
}
