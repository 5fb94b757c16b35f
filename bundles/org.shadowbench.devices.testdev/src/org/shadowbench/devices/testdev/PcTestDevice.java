package org.shadowbench.devices.testdev;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.shadowbench.cpu.IoPortHandler;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.AccessType;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.handlers.PhysicalAccess;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.InterruptBus;
import org.shadowbench.machine.MachineDevice;

/**
 * QEMU's pc-testdev, the ISA device kvm-unit-tests drives:
 * <ul>
 * <li>{@value #DATA_PORT}-0xe3 and {@value #BYTE_PORT}-0xeb: one 32-bit little-endian register
 * behind both port groups; an access of any width at any of the four ports reads or writes the bytes
 * from that one on (the string I/O tests: {@code rep outsb} leaves the last byte in it);</li>
 * <li>{@value #FLUSH_PORT}: a 32-bit write of a guest-physical address drops the cached translations
 * of its page ({@link org.shadowbench.memory.PhysicalMemory#invalidatePageMapping}), so that the next
 * access to it takes the slow path again (eventinj flushes its stack page before an IRET);</li>
 * <li>{@value #IRQ_PORT} + line: a byte write drives that ISA interrupt line, high for a non-zero
 * value and low for zero (the library's {@code set_irq_line});</li>
 * <li>{@value #IOMEM_BASE}: 64 KiB of memory served by an MMIO handler (the emulator test's
 * cross-page and string-to-MMIO accesses).</li>
 * </ul>
 */
@Component(service = MachineDevice.class, scope = ServiceScope.PROTOTYPE, property = "shadowbench.device=pc-testdev")
public final class PcTestDevice implements MachineDevice {
    /** The 32-bit data register, any width. */
    public static final int DATA_PORT = 0xe0;
    /** The page flush port (32-bit writes of a guest-physical address). */
    public static final int FLUSH_PORT = 0xe4;
    /** The same data register, byte by byte. */
    public static final int BYTE_PORT = 0xe8;
    /** The first IRQ line port; QEMU's 24 ports, of which the 16 ISA lines exist here. */
    public static final int IRQ_PORT = 0x2000;
    /** Number of IRQ line ports claimed (as QEMU). */
    public static final int IRQ_PORTS = 24;
    /** Guest-physical address of the test memory. */
    public static final long IOMEM_BASE = 0xff00_0000L;
    /** Size of the test memory. */
    public static final int IOMEM_SIZE = 0x10000;

    private final byte[] iomem = new byte[IOMEM_SIZE];
    private int data;
    private long flushes;
    private DeviceContext context;
    private HandlerType type;

    private final IoPortHandler dataPorts = new IoPortHandler() {
        @Override
        public int read(int port, int size) {
            int shift = 8 * (port & 3);
            int value = 0;
            for (int i = 0; i < size && shift + 8 * i < 32; i++) {
                value |= ((data >>> (shift + 8 * i)) & 0xff) << (8 * i);
            }
            return value;
        }

        @Override
        public void write(int port, int size, int value) {
            int shift = 8 * (port & 3);
            for (int i = 0; i < size && shift + 8 * i < 32; i++) {
                int bit = shift + 8 * i;
                data = (data & ~(0xff << bit)) | (((value >>> (8 * i)) & 0xff) << bit);
            }
        }
    };

    private final IoPortHandler flushPort = new IoPortHandler() {
        @Override
        public int read(int port, int size) {
            return -1;
        }

        @Override
        public void write(int port, int size, int value) {
            if (size == 4) {
                flushes++;
                context.memory().invalidatePageMapping((value & 0xffff_ffffL) & ~0xfffL);
            }
        }
    };

    private final IoPortHandler irqPorts = new IoPortHandler() {
        @Override
        public int read(int port, int size) {
            return -1;
        }

        @Override
        public void write(int port, int size, int value) {
            int line = port - IRQ_PORT;
            if (size == 1 && line < InterruptBus.LINES) {
                context.interrupts().setLevel(line, (value & 0xff) != 0);
            }
        }
    };

    @Override
    public String name() {
        return "pc-testdev";
    }

    @Override
    public void attach(DeviceContext deviceContext) {
        deviceContext.io().register(DATA_PORT, 4, dataPorts);
        deviceContext.io().register(BYTE_PORT, 4, dataPorts);
        deviceContext.io().register(FLUSH_PORT, 4, flushPort);
        deviceContext.io().register(IRQ_PORT, IRQ_PORTS, irqPorts);
        long last = IOMEM_BASE + IOMEM_SIZE - 1;
        deviceContext.memory().registerMmio(IOMEM_BASE, last, "pc-testdev memory");
        type = deviceContext.registry().registerType(HandlerKind.MMIO, "pc-testdev memory", (access, user) -> access(access));
        deviceContext.registry().register(IOMEM_BASE, last, type, null, "pc-testdev memory");
        context = deviceContext;
    }

    @Override
    public void detach() {
        if (context != null) {
            context.io().unregister(dataPorts);
            context.io().unregister(flushPort);
            context.io().unregister(irqPorts);
            context.registry().deregister(IOMEM_BASE);
            context.memory().deregisterRange(IOMEM_BASE);
            context = null;
        }
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(iomem, (byte) 0);
        data = 0;
    }

    /** The data register's value. */
    public int data() {
        return data;
    }

    /** Page flushes the guest asked for. */
    public long flushes() {
        return flushes;
    }

    private AccessOutcome access(PhysicalAccess access) {
        long offset = access.address() - IOMEM_BASE;
        int size = access.size();
        if (access.type() == AccessType.WRITE) {
            long value = access.value();
            for (int i = 0; i < size && offset + i < IOMEM_SIZE; i++) {
                iomem[(int) offset + i] = (byte) (value >>> (8 * i));
            }
        } else {
            long value = 0;
            for (int i = size - 1; i >= 0; i--) {
                value = (value << 8) | (offset + i < IOMEM_SIZE ? iomem[(int) offset + i] & 0xff : 0);
            }
            access.complete(value);
        }
        return AccessOutcome.HANDLED;
    }

    @Override
    public String summary() {
        return String.format("data %#010x, %d page flushes", data, flushes);
    }
}
