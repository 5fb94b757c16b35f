package org.shadowbench.devices.pic;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.shadowbench.cpu.InterruptController;
import org.shadowbench.cpu.IoPortHandler;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.InterruptBus;
import org.shadowbench.machine.MachineDevice;

/**
 * The PC's interrupt controllers: a master 8259A at 0x20/0x21 and a slave at 0xa0/0xa1 cascaded on
 * the master's input 2, plus the edge/level control registers at 0x4d0/0x4d1. ISA lines 0-7 go to
 * the master, 8-15 to the slave. It presents the CPU's INTR input and answers the INTA cycle with
 * the vector (a spurious IRQ 7 or 15 when the request vanished in between, as the real parts do).
 */
@Component(service = MachineDevice.class, scope = ServiceScope.PROTOTYPE, property = "shadowbench.device=pic")
public final class Pic8259Pair implements MachineDevice, InterruptBus.Listener, InterruptController, IoPortHandler {
    private static final int CASCADE = 2;

    private final Pic8259 master = new Pic8259(true);
    private final Pic8259 slave = new Pic8259(false);
    private DeviceContext context;
    private long delivered;

    public Pic8259Pair() {
        reset();
    }

    @Override
    public String name() {
        return "pic";
    }

    @Override
    public void attach(DeviceContext deviceContext) {
        deviceContext.io().register(0x20, 2, this);
        deviceContext.io().register(0xa0, 2, this);
        deviceContext.io().register(0x4d0, 2, this);
        deviceContext.interrupts().connectController(this, this);
        context = deviceContext;
    }

    @Override
    public void detach() {
        if (context != null) {
            context.interrupts().disconnectController(this);
            context.io().unregister(this);
            context = null;
        }
    }

    @Override
    public void reset() {
        master.reset();
        slave.reset();
        delivered = 0;
    }

    /** Interrupts delivered to the CPU so far. */
    public long delivered() {
        return delivered;
    }

    @Override
    public void lineChanged(int line, boolean high) {
        if (line < 8) {
            master.input(line, high);
        } else {
            slave.input(line - 8, high);
            cascade();
        }
    }

    /** The slave's INT output drives the master's input 2, as a level. */
    private void cascade() {
        master.levelInput(CASCADE, slave.pending() >= 0);
    }

    @Override
    public boolean hasInterrupt() {
        return master.pending() >= 0;
    }

    @Override
    public int acknowledge() {
        int line = master.acknowledge();
        int vector;
        if (line == CASCADE) {
            vector = slave.vectorBase + slave.acknowledge();
            cascade();
        } else {
            vector = master.vectorBase + line;
        }
        delivered++;
        return vector;
    }

    @Override
    public int read(int port, int size) {
        int value = switch (port) {
            case 0x20 -> master.readCommand();
            case 0x21 -> master.readData();
            case 0xa0 -> slave.readCommand();
            case 0xa1 -> slave.readData();
            case 0x4d0 -> master.levelTriggered & 0xf8;
            default -> slave.levelTriggered & 0xde;
        };
        if (port == 0xa0) {
            cascade();
        }
        return value;
    }

    @Override
    public void write(int port, int size, int value) {
        int data = value & 0xff;
        switch (port) {
            case 0x20 -> master.writeCommand(data);
            case 0x21 -> master.writeData(data);
            case 0xa0 -> slave.writeCommand(data);
            case 0xa1 -> slave.writeData(data);
            // IRQ 0, 1, 2, 8 and 13 are always edge-triggered on a PC.
            case 0x4d0 -> master.levelTriggered = data & 0xf8;
            default -> slave.levelTriggered = data & 0xde;
        }
        cascade();
    }
}
