package org.shadowbench.devices.ioapic;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.AccessType;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.PhysicalAccess;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.InterruptBus;
import org.shadowbench.machine.IoApicPort;
import org.shadowbench.machine.MachineDevice;
import org.shadowbench.machine.PcMemoryLayout;

/**
 * An 82093AA I/O APIC with 24 inputs at {@link #BASE}: the index register at offset 0, the data
 * window at 0x10, and behind them the ID, version, arbitration ID and the redirection table. The
 * ISA lines arrive on the pins {@link InterruptBus#ioApicPin} names (IRQ 0 on pin 2); each
 * redirection entry sends its vector over the APIC bus: edge-triggered entries on an asserting
 * edge, level-triggered ones while the input is asserted and the local APIC has not yet ended the
 * previous one (remote IRR). An input of inverted polarity is asserted while low. Edges on a masked
 * entry are lost, as on the chip.
 */
@Component(service = MachineDevice.class, scope = ServiceScope.PROTOTYPE, property = "shadowbench.device=ioapic")
public final class IoApic implements MachineDevice, IoApicPort, InterruptBus.Listener {
    /** The registers' guest-physical address. */
    public static final long BASE = PcMemoryLayout.IO_APIC;
    /** Input pins. */
    public static final int PINS = 24;
    /** The version register's low byte. */
    public static final int VERSION = 0x11;
    /** The ID firmware gives it: the one after the processor's. */
    public static final int DEFAULT_ID = 1;

    static final int INDEX = 0x00;
    static final int DATA = 0x10;
    static final int REG_ID = 0x00;
    static final int REG_VERSION = 0x01;
    static final int REG_ARBITRATION = 0x02;
    static final int REG_TABLE = 0x10;

    private static final long MASKED = 1L << 16;
    private static final long LEVEL = 1L << 15;
    private static final long REMOTE_IRR = 1L << 14;
    private static final long ACTIVE_LOW = 1L << 13;
    private static final long LOGICAL = 1L << 11;
    /** Bits the guest may write: vector, delivery and destination mode, polarity, trigger, mask, destination. */
    private static final long WRITABLE = 0xff00_0000_0001_afffL;

    private final long[] table = new long[PINS];
    /** Input levels, one bit per pin. */
    private int inputs;
    private int index;
    private int id = DEFAULT_ID;
    private DeviceContext context;
    private InterruptBus bus;
    private long messages;
    private long lostEdges;

    public IoApic() {
        reset();
    }

    @Override
    public String name() {
        return "ioapic";
    }

    @Override
    public void attach(DeviceContext deviceContext) {
        InterruptBus interrupts = deviceContext.interrupts();
        if (interrupts.ioApic() != null) {
            throw new IllegalStateException("the machine already has an I/O APIC");
        }
        var registry = deviceContext.registry();
        deviceContext.memory().registerMmio(BASE, BASE + 0xfff, "I/O APIC");
        var type = registry.registerType(HandlerKind.MMIO, "I/O APIC", (access, user) -> access(access));
        registry.register(BASE, BASE + 0xfff, type, null, "I/O APIC");
        context = deviceContext;
        bus = interrupts;
        interrupts.connectIoApic(this);
        interrupts.addListener(this);
    }

    @Override
    public void detach() {
        if (context == null) {
            return;
        }
        bus.removeListener(this);
        bus.disconnectIoApic(this);
        context.registry().deregister(BASE);
        context.memory().deregisterRange(BASE);
        context = null;
        bus = null;
        inputs = 0;
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(table, MASKED);
        inputs = 0;
        index = 0;
        id = DEFAULT_ID;
        messages = 0;
        lostEdges = 0;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public int version() {
        return VERSION;
    }

    @Override
    public long address() {
        return BASE;
    }

    @Override
    public int pins() {
        return PINS;
    }

    // ================================================================== inputs

    @Override
    public void lineChanged(int line, boolean high) {
        setInput(InterruptBus.ioApicPin(line), high);
    }

    /** Drives input {@code pin} (for sources wired straight to the I/O APIC). */
    public void setInput(int pin, boolean high) {
        boolean was = asserted(pin);
        inputs = high ? inputs | (1 << pin) : inputs & ~(1 << pin);
        boolean now = asserted(pin);
        long entry = table[pin];
        if ((entry & LEVEL) != 0) {
            service(pin);
        } else if (now && !was) {
            if ((entry & MASKED) != 0) {
                lostEdges++;
            } else {
                send(pin, entry);
            }
        }
    }

    private boolean asserted(int pin) {
        boolean high = (inputs & (1 << pin)) != 0;
        return (table[pin] & ACTIVE_LOW) != 0 ? !high : high;
    }

    /** A level-triggered input: sends while asserted, unmasked and not already in service. */
    private void service(int pin) {
        long entry = table[pin];
        if ((entry & LEVEL) != 0 && (entry & (MASKED | REMOTE_IRR)) == 0 && asserted(pin) && send(pin, entry)) {
            table[pin] |= REMOTE_IRR;
        }
    }

    private boolean send(int pin, long entry) {
        if (bus == null) {
            return false;
        }
        messages++;
        return bus.sendApicMessage((int) (entry >>> 56), (entry & LOGICAL) != 0, (int) (entry >>> 8) & 7, (int) entry & 0xff,
                (entry & LEVEL) != 0);
    }

    @Override
    public void endOfInterrupt(int vector) {
        for (int pin = 0; pin < PINS; pin++) {
            long entry = table[pin];
            if ((entry & REMOTE_IRR) != 0 && (entry & 0xff) == vector) {
                table[pin] &= ~REMOTE_IRR;
                service(pin);
            }
        }
    }

    // ================================================================== registers

    private AccessOutcome access(PhysicalAccess access) {
        int offset = (int) (access.address() - BASE);
        boolean read = access.type() == AccessType.READ;
        if (offset == INDEX) {
            if (read) {
                access.complete(index);
            } else {
                index = (int) access.value() & 0xff;
            }
        } else if (offset == DATA) {
            if (read) {
                access.complete(read(index) & 0xffff_ffffL);
            } else {
                write(index, (int) access.value());
            }
        } else if (read) {
            access.complete(0);
        }
        return AccessOutcome.HANDLED;
    }

    private int read(int register) {
        if (register == REG_ID || register == REG_ARBITRATION) {
            return id << 24;
        }
        if (register == REG_VERSION) {
            return ((PINS - 1) << 16) | VERSION;
        }
        int pin = (register - REG_TABLE) >>> 1;
        if (register < REG_TABLE || pin >= PINS) {
            return 0;
        }
        long entry = table[pin];
        return (register & 1) == 0 ? (int) entry : (int) (entry >>> 32);
    }

    private void write(int register, int value) {
        if (register == REG_ID) {
            id = (value >>> 24) & 0xf;
            return;
        }
        int pin = (register - REG_TABLE) >>> 1;
        if (register < REG_TABLE || pin >= PINS) {
            return;
        }
        long entry = table[pin];
        long updated = (register & 1) == 0 ? (entry & 0xffff_ffff_0000_0000L) | (value & 0xffff_ffffL)
                : (entry & 0xffff_ffffL) | ((long) value << 32);
        // Remote IRR is the chip's own; an entry switched to edge triggering drops it.
        updated = (updated & WRITABLE) | (entry & REMOTE_IRR);
        if ((updated & LEVEL) == 0) {
            updated &= ~REMOTE_IRR;
        }
        table[pin] = updated;
        service(pin);
    }

    // ================================================================== inspection

    /** Redirection entry {@code pin}. */
    public long entry(int pin) {
        return table[pin];
    }

    /** Messages sent on the APIC bus. */
    public long messages() {
        return messages;
    }

    @Override
    public String summary() {
        StringBuilder routed = new StringBuilder();
        for (int pin = 0; pin < PINS; pin++) {
            if ((table[pin] & MASKED) == 0) {
                routed.append(routed.isEmpty() ? "" : ", ").append(String.format("pin %d -> %#x%s", pin, table[pin] & 0xff,
                        (table[pin] & LEVEL) != 0 ? " level" : ""));
            }
        }
        return String.format("id %d, %s; %d messages, %d edges lost while masked", id,
                routed.isEmpty() ? "all pins masked" : routed, messages, lostEdges);
    }
}
