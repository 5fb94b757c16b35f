package org.example.shadowbench.ticker;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.AccessType;
import org.shadowbench.handlers.HandlerTypeService;
import org.shadowbench.handlers.PhysicalAccess;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.MachineClock;
import org.shadowbench.machine.MachineDevice;

/**
 * A programmable ticker: a page of registers at {@link #BASE} and an interrupt on ISA line
 * {@link #IRQ}. Once enabled it counts a tick every period (in microseconds of the machine's virtual
 * time) and, with interrupts enabled, raises its line until the guest acknowledges.
 *
 * <p>Registers (32 bits each): 0x00 identification "TICK" (read-only), 0x04 period in microseconds,
 * 0x08 control (bit 0 run, bit 1 interrupt enable), 0x0c ticks counted (read-only), 0x10 status
 * (bit 0 interrupt pending; write 1 to acknowledge), 0x14 the ISA line (read-only).
 *
 * <p>Published as a prototype-scoped {@link MachineDevice} so that every machine gets its own
 * instance; the registers are served by the {@link TickerRegisters} handler type service.
 */
@Component(service = MachineDevice.class, scope = ServiceScope.PROTOTYPE, property = "shadowbench.device=example-ticker")
public final class TickerDevice implements MachineDevice {
    /** Where the registers are: a free page of the PC's address space below the I/O APIC. */
    public static final long BASE = 0xfeb0_0000L;
    /** The ISA interrupt line. */
    public static final int IRQ = 5;
    /** "TICK", little-endian. */
    public static final int ID = 0x4b43_4954;

    static final int REG_ID = 0x00;
    static final int REG_PERIOD = 0x04;
    static final int REG_CONTROL = 0x08;
    static final int REG_TICKS = 0x0c;
    static final int REG_STATUS = 0x10;
    static final int REG_IRQ = 0x14;
    private static final int RUN = 1;
    private static final int INTERRUPTS = 2;

    @Reference
    private HandlerTypeService registers;

    private DeviceContext context;
    private MachineClock.Timer timer;
    private int period = 1000;
    private int control;
    private int ticks;
    private boolean pending;

    @Override
    public String name() {
        return "example-ticker";
    }

    @Override
    public void attach(DeviceContext deviceContext) {
        var memory = deviceContext.memory();
        var registry = deviceContext.registry();
        memory.registerMmio(BASE, BASE + 0xfff, "example ticker");
        registry.register(BASE, BASE + 0xfff, registry.typeFor(registers), this, "example ticker");
        timer = deviceContext.clock().timer(this::tick);
        context = deviceContext;
    }

    @Override
    public void detach() {
        if (context == null) {
            return;
        }
        timer.cancel();
        context.interrupts().setLevel(IRQ, false);
        // The handler may be gone already: if the type service left first, the registry retired it.
        if (context.registry().isRegistered(BASE)) {
            context.registry().deregister(BASE);
        }
        context.memory().deregisterRange(BASE);
        context = null;
    }

    @Override
    public void reset() {
        period = 1000;
        control = 0;
        ticks = 0;
        pending = false;
    }

    @Override
    public String summary() {
        return String.format("%s, period %d us, %d ticks%s", (control & RUN) != 0 ? "running" : "stopped", period, ticks,
                pending ? ", interrupt pending" : "");
    }

    AccessOutcome access(PhysicalAccess access) {
        int register = (int) (access.address() - BASE) & ~3;
        if (access.type() == AccessType.READ) {
            access.complete(switch (register) {
                case REG_ID -> ID;
                case REG_PERIOD -> period;
                case REG_CONTROL -> control;
                case REG_TICKS -> ticks;
                case REG_STATUS -> pending ? 1 : 0;
                case REG_IRQ -> IRQ;
                default -> 0;
            } & 0xffff_ffffL);
            return AccessOutcome.HANDLED;
        }
        int value = (int) access.value();
        switch (register) {
            case REG_PERIOD -> period = Math.max(1, value);
            case REG_CONTROL -> {
                boolean wasRunning = (control & RUN) != 0;
                control = value & (RUN | INTERRUPTS);
                if ((control & RUN) == 0) {
                    timer.cancel();
                } else if (!wasRunning) {
                    arm();
                }
            }
            case REG_STATUS -> {
                if ((value & 1) != 0) {
                    pending = false;
                }
            }
            default -> {
                // read-only or unused
            }
        }
        context.interrupts().setLevel(IRQ, pending && (control & INTERRUPTS) != 0);
        return AccessOutcome.HANDLED;
    }

    private void arm() {
        timer.at(context.clock().nanos() + period * 1000L);
    }

    private void tick() {
        ticks++;
        pending = true;
        if ((control & INTERRUPTS) != 0) {
            context.interrupts().setLevel(IRQ, true);
        }
        arm();
    }
}
