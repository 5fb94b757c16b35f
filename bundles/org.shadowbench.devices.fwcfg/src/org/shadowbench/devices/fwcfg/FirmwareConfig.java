package org.shadowbench.devices.fwcfg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.shadowbench.cpu.IoPortHandler;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.MachineDevice;

/**
 * QEMU's firmware configuration device (fw_cfg) through its traditional I/O interface: a 16-bit
 * write to the selector port {@value #SELECTOR_PORT} chooses an item and rewinds it; byte reads of
 * the data port {@value #DATA_PORT} (or of the selector port, as QEMU's combined port allows) return
 * its bytes one after the other, then 0 past its end. Numbers are little-endian, as QEMU presents
 * them; only the file directory's fields are big-endian.
 *
 * <p>The items are those QEMU's PC offers that do not depend on a firmware or a kernel loaded by QEMU
 * itself: the signature "QEMU", the interface ID (1: no DMA), a zero UUID, the RAM size the machine was
 * configured with ({@link DeviceContext#ramSize()}), no-graphic 0, one CPU booted and at most one,
 * an empty NUMA table, boot menu off, an empty file directory and, among the x86 items, the IRQ 0
 * override. Any other selector reads 0 (kvm-unit-tests reads key 0x11 as its memory limit, where 0
 * means none). The data port ignores writes and there is no DMA interface.
 */
@Component(service = MachineDevice.class, scope = ServiceScope.PROTOTYPE, property = "shadowbench.device=fw-cfg")
public final class FirmwareConfig implements MachineDevice, IoPortHandler {
    /** The selector port (16-bit writes). */
    public static final int SELECTOR_PORT = 0x510;
    /** The data port (byte reads). */
    public static final int DATA_PORT = 0x511;

    /** Key of the 4-byte signature "QEMU". */
    public static final int SIGNATURE = 0x00;
    /** Key of the 32-bit interface ID: bit 0 the traditional interface, bit 1 DMA. */
    public static final int ID = 0x01;
    /** Key of the 16-byte machine UUID. */
    public static final int UUID = 0x02;
    /** Key of the 64-bit RAM size in bytes. */
    public static final int RAM_SIZE = 0x03;
    /** Key of the 16-bit no-graphic flag. */
    public static final int NOGRAPHIC = 0x04;
    /** Key of the 16-bit number of CPUs started. */
    public static final int NB_CPUS = 0x05;
    /** Key of the NUMA table (64-bit words: node count, each CPU's node, each node's memory). */
    public static final int NUMA = 0x0d;
    /** Key of the 16-bit boot menu flag. */
    public static final int BOOT_MENU = 0x0e;
    /** Key of the 16-bit maximum number of CPUs. */
    public static final int MAX_CPUS = 0x0f;
    /** Key of the file directory (a big-endian 32-bit count, then the entries). */
    public static final int FILE_DIR = 0x19;
    /** Bit of the architecture-specific keys. */
    public static final int ARCH_LOCAL = 0x8000;
    /** Bit of a key selecting the item for writing (ignored: writes are not supported). */
    public static final int WRITE_CHANNEL = 0x4000;
    /** Key of the x86 32-bit IRQ 0 override flag (the PIT is on I/O APIC pin 2). */
    public static final int IRQ0_OVERRIDE = ARCH_LOCAL | 0x02;
    /** The selector value of no item. */
    public static final int INVALID = 0xffff;

    private final Map<Integer, byte[]> items = new TreeMap<>();
    private DeviceContext context;
    private int selected = INVALID;
    private int offset;

    @Override
    public String name() {
        return "fw-cfg";
    }

    @Override
    public void attach(DeviceContext deviceContext) {
        deviceContext.io().register(SELECTOR_PORT, 2, this);
        context = deviceContext;
        items.clear();
        items.put(SIGNATURE, "QEMU".getBytes(StandardCharsets.US_ASCII));
        items.put(ID, little(4, 1));
        items.put(UUID, new byte[16]);
        items.put(RAM_SIZE, little(8, deviceContext.ramSize()));
        items.put(NOGRAPHIC, little(2, 0));
        items.put(NB_CPUS, little(2, 1));
        items.put(NUMA, new byte[16]);
        items.put(BOOT_MENU, little(2, 0));
        items.put(MAX_CPUS, little(2, 1));
        items.put(FILE_DIR, new byte[4]);
        items.put(IRQ0_OVERRIDE, little(4, 1));
        reset();
    }

    private static byte[] little(int size, long value) {
        ByteBuffer buffer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        byte[] bytes = new byte[size];
        System.arraycopy(buffer.array(), 0, bytes, 0, size);
        return bytes;
    }

    @Override
    public void detach() {
        if (context != null) {
            context.io().unregister(this);
            context = null;
        }
    }

    @Override
    public void reset() {
        selected = INVALID;
        offset = 0;
    }

    /** The item a key selects (the write-channel bit ignored), or null. */
    public byte[] item(int key) {
        byte[] item = items.get(key & ~WRITE_CHANNEL & 0xffff);
        return item == null ? null : item.clone();
    }

    /** The key selected now, {@link #INVALID} for none. */
    public int selected() {
        return selected;
    }

    @Override
    public int read(int port, int size) {
        if (size != 1) {
            return 0;
        }
        byte[] item = items.get(selected);
        if (item == null || offset >= item.length) {
            return 0;
        }
        return item[offset++] & 0xff;
    }

    @Override
    public void write(int port, int size, int value) {
        if (port == SELECTOR_PORT && size <= 2) {
            int key = value & 0xffff & ~WRITE_CHANNEL;
            selected = items.containsKey(key) ? key : INVALID;
            offset = 0;
        }
    }

    @Override
    public String summary() {
        return selected == INVALID ? "no item selected" : String.format("item %#x selected, offset %d", selected, offset);
    }
}
