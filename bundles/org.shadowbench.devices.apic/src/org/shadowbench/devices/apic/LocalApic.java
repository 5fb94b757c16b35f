package org.shadowbench.devices.apic;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.shadowbench.cpu.InterruptController;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.AccessType;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.PhysicalAccess;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.InterruptBus;
import org.shadowbench.machine.LocalApicPort;
import org.shadowbench.machine.MachineClock;
import org.shadowbench.machine.MachineDevice;
import org.shadowbench.machine.PcMemoryLayout;
import org.shadowbench.memory.FrameUse;
import org.shadowbench.memory.HostFrameStore;

/**
 * The processor's local APIC in xAPIC mode, memory-mapped at {@link #BASE}: ID, version, task and
 * processor priority, EOI, logical destination and format, spurious vector, the in-service,
 * trigger-mode and request registers, error status, the six local vector table entries, the
 * interrupt command register and the timer (one-shot and periodic, counting at
 * {@link #TIMER_HZ} before the divider).
 *
 * <p>As VirtualBox maps the APIC access page, the register page is aliased with
 * {@code pageAliasHc} to a host frame of the device's own, which holds the registers at their
 * architectural offsets (a virtual-APIC page); the page stays a special alias that only the
 * device's MMIO handler serves, so every guest access reaches it while views read the registers
 * straight from the frame. The device comes up as firmware leaves it for a multiboot kernel:
 * software-enabled, LINT0 in ExtINT mode (virtual wire: the 8259 still reaches the CPU) and LINT1
 * as NMI.
 *
 * <p>One processor only: INIT and start-up IPIs are accepted and go nowhere, SMI messages are
 * counted but not delivered; NMI messages (an IPI to itself, or from the bus) are latched for the
 * CPU's NMI input, several collapsing into one as on the APIC bus. The base cannot be moved.
 */
@Component(service = MachineDevice.class, scope = ServiceScope.PROTOTYPE, property = "shadowbench.device=lapic")
public final class LocalApic implements MachineDevice, LocalApicPort {
    /** The registers' guest-physical address. */
    public static final long BASE = PcMemoryLayout.LOCAL_APIC;
    /** The timer's input clock before the divider (the APIC bus clock). */
    public static final long TIMER_HZ = 100_000_000L;
    private static final long NANOS_PER_TICK = 1_000_000_000L / TIMER_HZ;

    static final int ID = 0x20;
    static final int VERSION = 0x30;
    static final int TPR = 0x80;
    static final int APR = 0x90;
    static final int PPR = 0xa0;
    static final int EOI = 0xb0;
    static final int RRD = 0xc0;
    static final int LDR = 0xd0;
    static final int DFR = 0xe0;
    static final int SVR = 0xf0;
    static final int ISR = 0x100;
    static final int TMR = 0x180;
    static final int IRR = 0x200;
    static final int ESR = 0x280;
    static final int ICR_LOW = 0x300;
    static final int ICR_HIGH = 0x310;
    static final int LVT_TIMER = 0x320;
    static final int LVT_THERMAL = 0x330;
    static final int LVT_PERFORMANCE = 0x340;
    static final int LVT_LINT0 = 0x350;
    static final int LVT_LINT1 = 0x360;
    static final int LVT_ERROR = 0x370;
    static final int TIMER_INITIAL = 0x380;
    static final int TIMER_CURRENT = 0x390;
    static final int TIMER_DIVIDE = 0x3e0;

    /** Version 0x14 (an integrated xAPIC) with six LVT entries (the highest is number 5). */
    static final int VERSION_VALUE = 0x0005_0014;
    static final int LVT_MASKED = 0x1_0000;
    private static final int SVR_ENABLED = 0x100;
    private static final int ESR_SEND_ILLEGAL_VECTOR = 0x20;
    private static final int ESR_RECEIVE_ILLEGAL_VECTOR = 0x40;
    private static final int ESR_ILLEGAL_REGISTER = 0x80;
    private static final int TIMER_PERIODIC = 0x2_0000;
    private static final long BASE_GLOBAL_ENABLE = 0x800;

    private final int apicId;
    private DeviceContext context;
    private InterruptBus bus;
    private HostFrameStore frames;
    /** The host frame holding the registers; -1 while detached. */
    private int frame = -1;
    private MachineClock.Timer timer;

    private boolean globallyEnabled = true;
    /** Highest vector requested (IRR), or -1; kept so that the CPU's poll between instructions is cheap. */
    private int highestRequest = -1;
    /** Highest vector in service (ISR), or -1. */
    private int highestInService = -1;
    /** LINT0 is unmasked in ExtINT mode: the 8259 reaches the CPU through it (cached for the CPU's poll). */
    private boolean lint0ExtInt;
    /** An I/O APIC entry in ExtINT mode asked for the 8259's vector. */
    private boolean extIntRequested;
    /** An NMI message arrived that the CPU has not taken yet. */
    private boolean nmiPending;
    /** Errors since the last write to the ESR, which latches them for reading. */
    private int pendingErrors;
    private long timerStart;
    private long timerPeriodNanos;
    private boolean timerRunning;

    private long delivered;
    private long timerFires;
    private long spurious;
    private long ignoredMessages;

    /** A local APIC with ID 0, the bootstrap processor's. */
    public LocalApic() {
        this(0);
    }

    /** A local APIC with the given ID (0 to 254). */
    public LocalApic(int apicId) {
        if (apicId < 0 || apicId > 0xfe) {
            throw new IllegalArgumentException("APIC ID " + apicId + " is not 0 to 254");
        }
        this.apicId = apicId;
    }

    @Override
    public String name() {
        return "lapic";
    }

    @Override
    public void attach(DeviceContext deviceContext) {
        InterruptBus interrupts = deviceContext.interrupts();
        if (interrupts.localApic() != null) {
            throw new IllegalStateException("the machine already has a local APIC");
        }
        var registry = deviceContext.registry();
        deviceContext.memory().registerMmio(BASE, BASE + 0xfff, "Local APIC");
        var type = registry.registerType(HandlerKind.MMIO, "local APIC", (access, user) -> access(access));
        registry.register(BASE, BASE + 0xfff, type, null, "local APIC");
        frames = deviceContext.memory().frames();
        globallyEnabled = true;
        frame = frames.allocate(FrameUse.DEVICE);
        registry.pageAliasHc(BASE, BASE, frame);
        context = deviceContext;
        bus = interrupts;
        timer = deviceContext.clock().timer(this::timerExpired);
        powerOn(true);
        interrupts.connectLocalApic(this);
    }

    @Override
    public void detach() {
        if (context == null) {
            return;
        }
        timer.cancel();
        bus.disconnectLocalApic(this);
        context.registry().deregister(BASE);
        context.memory().deregisterRange(BASE);
        frames.release(frame);
        frame = -1;
        context = null;
        bus = null;
    }

    @Override
    public void reset() {
        delivered = 0;
        timerFires = 0;
        spurious = 0;
        ignoredMessages = 0;
        if (frame >= 0) {
            powerOn(true);
        }
    }

    /**
     * The registers after reset; {@code virtualWire} adds what firmware sets up before a kernel runs
     * (software enable, LINT0 ExtINT, LINT1 NMI).
     */
    private void powerOn(boolean virtualWire) {
        for (int offset = 0; offset < 0x1000; offset += 8) {
            frames.write(frame, offset, 8, 0);
        }
        set(ID, apicId << 24);
        set(VERSION, VERSION_VALUE);
        set(DFR, 0xffff_ffff);
        set(SVR, virtualWire ? SVR_ENABLED | 0xff : 0xff);
        for (int lvt = LVT_TIMER; lvt <= LVT_ERROR; lvt += 0x10) {
            set(lvt, LVT_MASKED);
        }
        if (virtualWire) {
            set(LVT_LINT0, EXTINT << 8);
            set(LVT_LINT1, NMI << 8);
        }
        lint0Changed();
        highestRequest = -1;
        highestInService = -1;
        extIntRequested = false;
        nmiPending = false;
        pendingErrors = 0;
        timerRunning = false;
        if (timer != null) {
            timer.cancel();
        }
    }

    private int get(int offset) {
        return (int) frames.read(frame, offset, 4);
    }

    private void set(int offset, int value) {
        frames.write(frame, offset, 4, value & 0xffff_ffffL);
    }

    // ================================================================== the CPU's interrupt input

    @Override
    public boolean hasInterrupt() {
        if (!globallyEnabled) {
            return bus.externalInterrupt().hasInterrupt();
        }
        if (highestRequest >= 0 && (highestRequest & 0xf0) > (processorPriority() & 0xf0)) {
            return true;
        }
        return (extIntRequested || lint0IsExtInt()) && bus.externalInterrupt().hasInterrupt();
    }

    @Override
    public boolean takeNmi() {
        boolean pending = nmiPending;
        nmiPending = false;
        return pending;
    }

    @Override
    public int acknowledge() {
        InterruptController pic = bus.externalInterrupt();
        if (!globallyEnabled) {
            return pic.acknowledge();
        }
        if (highestRequest >= 0 && (highestRequest & 0xf0) > (processorPriority() & 0xf0)) {
            int vector = highestRequest;
            setBit(IRR, vector, false);
            setBit(ISR, vector, true);
            highestRequest = highest(IRR);
            highestInService = vector;
            delivered++;
            return vector;
        }
        if ((extIntRequested || lint0IsExtInt()) && pic.hasInterrupt()) {
            extIntRequested = false;
            return pic.acknowledge();
        }
        spurious++;
        return get(SVR) & 0xff;
    }

    private boolean lint0IsExtInt() {
        return lint0ExtInt;
    }

    /** Keeps {@link #lint0ExtInt} in step with the LINT0 entry. */
    private void lint0Changed() {
        int lint0 = get(LVT_LINT0);
        lint0ExtInt = (lint0 & LVT_MASKED) == 0 && ((lint0 >>> 8) & 7) == EXTINT;
    }

    private int processorPriority() {
        int tpr = get(TPR) & 0xff;
        int inService = highestInService < 0 ? 0 : highestInService & 0xf0;
        return (tpr & 0xf0) >= inService ? tpr : inService;
    }

    private int arbitrationPriority() {
        int tpr = get(TPR) & 0xff;
        int request = highestRequest < 0 ? 0 : highestRequest & 0xf0;
        int inService = highestInService < 0 ? 0 : highestInService & 0xf0;
        if ((tpr & 0xf0) >= request && (tpr & 0xf0) > inService) {
            return tpr;
        }
        return Math.max(tpr & 0xf0, Math.max(request, inService));
    }

    // ================================================================== the APIC bus

    @Override
    public int id() {
        return get(ID) >>> 24;
    }

    @Override
    public boolean addressedBy(int destination, boolean logical) {
        if (!globallyEnabled) {
            return false;
        }
        if (!logical) {
            return destination == 0xff || destination == id();
        }
        int logicalId = get(LDR) >>> 24;
        boolean flat = (get(DFR) >>> 28) == 0xf;
        if (flat) {
            return (destination & logicalId) != 0;
        }
        // Cluster model: the high nibble names the cluster (15: all), the low nibble the members.
        int cluster = destination >>> 4;
        return (cluster == 0xf || cluster == logicalId >>> 4) && (destination & logicalId & 0xf) != 0;
    }

    @Override
    public void accept(int deliveryMode, int vector, boolean levelTriggered) {
        if (!globallyEnabled) {
            return;
        }
        switch (deliveryMode) {
            case FIXED, LOWEST_PRIORITY -> request(vector, levelTriggered, ESR_RECEIVE_ILLEGAL_VECTOR);
            case EXTINT -> extIntRequested = true;
            case NMI -> nmiPending = true;
            default -> ignoredMessages++; // SMI, INIT, start-up: nothing to deliver them to here
        }
    }

    /** Puts a vector in the IRR (with its trigger mode in the TMR), or records an illegal vector. */
    private void request(int vector, boolean levelTriggered, int illegalError) {
        vector &= 0xff;
        if (vector < 16) {
            error(illegalError);
            return;
        }
        if ((get(SVR) & SVR_ENABLED) == 0) {
            ignoredMessages++; // software-disabled: held interrupts stay, new ones are refused
            return;
        }
        setBit(IRR, vector, true);
        setBit(TMR, vector, levelTriggered);
        if (vector > highestRequest) {
            highestRequest = vector;
        }
    }

    /** Records an error and raises the error interrupt when its LVT entry allows. */
    private void error(int bits) {
        boolean first = (pendingErrors & bits) != bits;
        pendingErrors |= bits;
        int lvt = get(LVT_ERROR);
        if (first && (lvt & LVT_MASKED) == 0 && (lvt & 0xff) >= 16) {
            request(lvt & 0xff, false, 0);
        }
    }

    @Override
    public void baseWritten(long value) {
        boolean enable = (value & BASE_GLOBAL_ENABLE) != 0;
        if (enable == globallyEnabled) {
            return;
        }
        globallyEnabled = enable;
        if (!enable) {
            // Globally disabled, the APIC forgets everything and comes back as after power-on.
            powerOn(false);
        }
    }

    // ================================================================== registers

    private AccessOutcome access(PhysicalAccess access) {
        int offset = (int) (access.address() - BASE);
        if (access.type() == AccessType.READ) {
            int register = offset & 0xff0;
            // Registers are 32 bits wide on 16-byte boundaries; the rest of each slot reads as zero.
            long value = (offset & 0xc) != 0 ? 0 : (read(register) & 0xffff_ffffL) >>> (8 * (offset & 3));
            access.complete(value);
        } else if ((offset & 0xf) == 0 && access.size() == 4) {
            write(offset, (int) access.value());
        }
        return AccessOutcome.HANDLED;
    }

    private int read(int register) {
        return switch (register) {
            case ID, VERSION, TPR, LDR, SVR, ESR, ICR_LOW, ICR_HIGH, LVT_TIMER, LVT_THERMAL, LVT_PERFORMANCE, LVT_LINT0,
                    LVT_LINT1, LVT_ERROR, TIMER_INITIAL, TIMER_DIVIDE -> get(register);
            case DFR -> get(DFR) | 0x0fff_ffff;
            case APR -> arbitrationPriority();
            case PPR -> processorPriority();
            case EOI, RRD -> 0;
            case TIMER_CURRENT -> currentCount();
            default -> {
                if (register >= ISR && register < ESR) {
                    yield get(register); // ISR, TMR and IRR
                }
                error(ESR_ILLEGAL_REGISTER);
                yield 0;
            }
        };
    }

    private void write(int register, int value) {
        boolean enabled = (get(SVR) & SVR_ENABLED) != 0;
        switch (register) {
            case ID -> set(ID, value & 0xff00_0000);
            case TPR -> set(TPR, value & 0xff);
            case EOI -> endOfInterrupt();
            case LDR -> set(LDR, value & 0xff00_0000);
            case DFR -> set(DFR, value | 0x0fff_ffff);
            case SVR -> {
                set(SVR, value & 0x1ff);
                if ((value & SVR_ENABLED) == 0) {
                    // Software-disabled: every LVT entry is masked and stays so until enabled again.
                    for (int lvt = LVT_TIMER; lvt <= LVT_ERROR; lvt += 0x10) {
                        set(lvt, get(lvt) | LVT_MASKED);
                    }
                    lint0Changed();
                }
            }
            case ESR -> {
                set(ESR, pendingErrors);
                pendingErrors = 0;
            }
            case ICR_LOW -> sendIpi(value);
            case ICR_HIGH -> set(ICR_HIGH, value & 0xff00_0000);
            case LVT_TIMER -> setLvt(LVT_TIMER, value, 0x0007_00ff, enabled);
            case LVT_THERMAL, LVT_PERFORMANCE -> setLvt(register, value, 0x0001_07ff, enabled);
            case LVT_LINT0, LVT_LINT1 -> {
                setLvt(register, value, 0x0001_a7ff, enabled);
                lint0Changed();
            }
            case LVT_ERROR -> setLvt(LVT_ERROR, value, 0x0001_00ff, enabled);
            case TIMER_INITIAL -> startTimer(value);
            case TIMER_DIVIDE -> set(TIMER_DIVIDE, value & 0xb);
            case VERSION, APR, PPR, RRD, TIMER_CURRENT -> {
                // read-only
            }
            default -> {
                if (register < ISR || register >= ESR) {
                    error(ESR_ILLEGAL_REGISTER);
                }
            }
        }
    }

    private void setLvt(int register, int value, int writable, boolean enabled) {
        set(register, (value & writable) | (enabled ? 0 : LVT_MASKED));
    }

    /** EOI: the highest vector in service ends; a level-triggered one is broadcast to the I/O APIC. */
    private void endOfInterrupt() {
        int vector = highestInService;
        if (vector < 0) {
            return;
        }
        setBit(ISR, vector, false);
        highestInService = highest(ISR);
        if (bit(TMR, vector)) {
            bus.broadcastEoi(vector);
        }
    }

    /** A write to the ICR's low half sends an inter-processor interrupt; this CPU is the only one. */
    private void sendIpi(int value) {
        set(ICR_LOW, value & 0x000c_cfff); // delivery status reads idle: the message is gone at once
        int vector = value & 0xff;
        int mode = (value >>> 8) & 7;
        boolean logical = (value & 0x800) != 0;
        int shorthand = (value >>> 18) & 3;
        boolean toSelf = switch (shorthand) {
            case 1, 2 -> true;
            case 3 -> false;
            default -> addressedBy(get(ICR_HIGH) >>> 24, logical);
        };
        if (mode == FIXED || mode == LOWEST_PRIORITY) {
            if (vector < 16) {
                error(ESR_SEND_ILLEGAL_VECTOR);
                return;
            }
            if (toSelf) {
                request(vector, false, ESR_RECEIVE_ILLEGAL_VECTOR);
            }
        } else if (mode == NMI) {
            // The vector field is ignored for NMIs.
            nmiPending |= toSelf;
        } else {
            ignoredMessages++;
        }
    }

    // ================================================================== timer

    private long divisor() {
        int code = get(TIMER_DIVIDE);
        int value = (code & 3) | ((code >>> 1) & 4);
        return value == 7 ? 1 : 2L << value;
    }

    private void startTimer(int initial) {
        set(TIMER_INITIAL, initial);
        timer.cancel();
        timerRunning = initial != 0;
        if (timerRunning) {
            timerStart = context.clock().nanos();
            timerPeriodNanos = (initial & 0xffff_ffffL) * NANOS_PER_TICK * divisor();
            timer.at(timerStart + timerPeriodNanos);
        }
    }

    private int currentCount() {
        if (!timerRunning) {
            return 0;
        }
        long elapsed = context.clock().nanos() - timerStart;
        long left = timerPeriodNanos - elapsed % timerPeriodNanos;
        return (int) (left / (NANOS_PER_TICK * divisor()));
    }

    private void timerExpired() {
        timerFires++;
        int lvt = get(LVT_TIMER);
        if ((lvt & LVT_MASKED) == 0) {
            request(lvt & 0xff, false, ESR_RECEIVE_ILLEGAL_VECTOR);
        }
        if ((lvt & TIMER_PERIODIC) != 0) {
            timerStart += timerPeriodNanos;
            timer.at(timerStart + timerPeriodNanos);
        } else {
            timerRunning = false;
        }
    }

    // ================================================================== 256-bit registers

    private boolean bit(int register, int vector) {
        return (get(register + 0x10 * (vector >>> 5)) & (1 << (vector & 31))) != 0;
    }

    private void setBit(int register, int vector, boolean value) {
        int at = register + 0x10 * (vector >>> 5);
        int word = get(at);
        set(at, value ? word | (1 << (vector & 31)) : word & ~(1 << (vector & 31)));
    }

    private int highest(int register) {
        for (int word = 7; word >= 0; word--) {
            int bits = get(register + 0x10 * word);
            if (bits != 0) {
                return word * 32 + 31 - Integer.numberOfLeadingZeros(bits);
            }
        }
        return -1;
    }

    // ================================================================== inspection

    /** Vectors delivered to the CPU from the IRR. */
    public long delivered() {
        return delivered;
    }

    /** Times the timer reached zero. */
    public long timerFires() {
        return timerFires;
    }

    /** The host frame holding the registers, or -1 while detached. */
    public int registerFrame() {
        return frame;
    }

    @Override
    public String summary() {
        if (frame < 0) {
            return "detached";
        }
        return String.format("id %d, %s, TPR %#x, PPR %#x, SVR %#x, highest IRR %s, ISR %s, timer %s; %d delivered, "
                + "%d timer expiries, %d spurious, %d messages ignored", id(), globallyEnabled ? "enabled" : "disabled",
                get(TPR), processorPriority(), get(SVR), highestRequest < 0 ? "-" : Integer.toHexString(highestRequest),
                highestInService < 0 ? "-" : Integer.toHexString(highestInService),
                timerRunning ? String.format("%s %#x of %#x", (get(LVT_TIMER) & TIMER_PERIODIC) != 0 ? "periodic" : "one-shot",
                        currentCount(), get(TIMER_INITIAL)) : "stopped",
                delivered, timerFires, spurious, ignoredMessages);
    }
}
