package org.shadowbench.devices.pit;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.shadowbench.cpu.IoPortHandler;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.MachineClock;
import org.shadowbench.machine.MachineDevice;

/**
 * The 8254 interval timer of a PC: three counters clocked at 1.193182 MHz of the machine's virtual
 * time (ports 0x40-0x42, control at 0x43), counter 0 driving IRQ 0, counter 2 gated and read back
 * through port 0x61 (bit 0 gate, bit 5 output, bit 4 the refresh toggle). Modes 0 to 5, binary
 * counting, the counter-latch and read-back commands, and the low/high byte access modes. BCD
 * counting is accepted but counts in binary.
 */
@Component(service = MachineDevice.class, scope = ServiceScope.PROTOTYPE, property = "shadowbench.device=pit")
public final class Pit8254 implements MachineDevice, IoPortHandler {
    /** Input clock of the counters. */
    public static final long FREQUENCY = 1_193_182;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** The refresh request signal on port 0x61 bit 4 toggles about every 15 microseconds. */
    private static final long REFRESH_NANOS = 15_085;

    private final Counter[] counters = { new Counter(0), new Counter(1), new Counter(2) };
    private DeviceContext context;
    private MachineClock clock;
    private boolean speakerData;
    private long irqs;

    public Pit8254() {
        reset();
    }

    /** One counter. */
    private final class Counter {
        final int index;
        int mode;
        int access = 3;
        /** The reload value in counter ticks (0 stands for 65536). */
        int reload;
        boolean reloadLowWritten;
        /** A count was written since the mode was set. */
        boolean loaded;
        int pendingLow;
        /** Virtual time when counting (re)started, -1 while waiting for a count or a gate edge. */
        long start = -1;
        boolean gate = true;
        /** Latched count (or status), read before the live count. */
        int latchedCount = -1;
        int latchedStatus = -1;
        boolean readHighNext;
        boolean latchedHighNext;
        MachineClock.Timer timer;
        /** Edges of the output seen so far since start (to schedule the next one). */
        long edges;

        Counter(int index) {
            this.index = index;
        }

        long period() {
            return reload == 0 ? 0x10000 : reload;
        }

        long ticksSinceStart() {
            return start < 0 ? 0 : (clock.nanos() - start) * FREQUENCY / NANOS_PER_SECOND;
        }

        /** Virtual time of tick {@code ticks} after the start. */
        long timeOfTick(long ticks) {
            return start + (ticks * NANOS_PER_SECOND + FREQUENCY - 1) / FREQUENCY;
        }

        boolean periodic() {
            return mode == 2 || mode == 3;
        }

        int count() {
            if (start < 0) {
                return reload;
            }
            long ticks = ticksSinceStart();
            long n = period();
            return switch (mode) {
                case 2 -> (int) (n - ticks % n);
                case 3 -> (int) ((n - 2 * (ticks % ((n + 1) / 2))) & 0xfffe);
                default -> (int) ((n - ticks) & 0xffff);
            };
        }

        boolean output() {
            if (start < 0) {
                return mode != 0;
            }
            long ticks = ticksSinceStart();
            long n = period();
            return switch (mode) {
                case 0, 1 -> ticks >= n;
                case 2 -> ticks % n != n - 1;
                case 3 -> ticks % n < (n + 1) / 2;
                default -> ticks != n;
            };
        }

        void startCounting() {
            start = clock.nanos();
            edges = 0;
            schedule();
        }

        /** Counter 0's output edges raise IRQ 0: arms the timer for the next one. */
        void schedule() {
            if (index != 0 || timer == null) {
                return;
            }
            timer.cancel();
            if (start < 0) {
                return;
            }
            long n = period();
            long tick = switch (mode) {
                case 0, 1, 4, 5 -> edges == 0 ? n : -1;
                default -> (edges + 1) * n;
            };
            if (tick >= 0) {
                timer.at(timeOfTick(tick));
            }
        }

        void fired() {
            edges++;
            irqs++;
            context.interrupts().pulse(0);
            schedule();
        }
    }

    @Override
    public String name() {
        return "pit";
    }

    @Override
    public void attach(DeviceContext deviceContext) {
        deviceContext.io().register(0x40, 4, this);
        deviceContext.io().register(0x61, 1, this);
        context = deviceContext;
        clock = deviceContext.clock();
        counters[0].timer = clock.timer(counters[0]::fired);
        for (Counter c : counters) {
            if (c.start >= 0) {
                c.startCounting();
            }
        }
    }

    @Override
    public void detach() {
        if (context != null) {
            counters[0].timer.cancel();
            counters[0].timer = null;
            context.io().unregister(this);
            context = null;
        }
    }

    @Override
    public void reset() {
        for (Counter c : counters) {
            c.mode = 0;
            c.access = 3;
            c.reload = 0;
            c.start = -1;
            c.loaded = false;
            c.gate = c.index != 2;
            c.latchedCount = -1;
            c.latchedStatus = -1;
            c.readHighNext = false;
            c.reloadLowWritten = false;
            if (c.timer != null) {
                c.timer.cancel();
            }
        }
        speakerData = false;
        irqs = 0;
    }

    /** IRQ 0 edges raised so far. */
    public long interruptsRaised() {
        return irqs;
    }

    @Override
    public int read(int port, int size) {
        if (port == 0x61) {
            Counter two = counters[2];
            boolean refresh = (clock.nanos() / REFRESH_NANOS & 1) != 0;
            return (two.gate ? 0x01 : 0) | (speakerData ? 0x02 : 0) | (refresh ? 0x10 : 0) | (two.output() ? 0x20 : 0);
        }
        if (port == 0x43) {
            return 0xff;
        }
        return readCounter(counters[port - 0x40]);
    }

    private int readCounter(Counter c) {
        if (c.latchedStatus >= 0) {
            int status = c.latchedStatus;
            c.latchedStatus = -1;
            return status;
        }
        int value = c.latchedCount >= 0 ? c.latchedCount : c.count();
        int result;
        switch (c.access) {
            case 1 -> result = value & 0xff;
            case 2 -> result = (value >>> 8) & 0xff;
            default -> {
                boolean high = c.latchedCount >= 0 ? c.latchedHighNext : c.readHighNext;
                result = high ? (value >>> 8) & 0xff : value & 0xff;
                if (c.latchedCount >= 0) {
                    c.latchedHighNext = !high;
                } else {
                    c.readHighNext = !high;
                }
                if (high && c.latchedCount >= 0) {
                    c.latchedCount = -1;
                }
                return result;
            }
        }
        c.latchedCount = -1;
        return result;
    }

    @Override
    public void write(int port, int size, int value) {
        int data = value & 0xff;
        if (port == 0x61) {
            Counter two = counters[2];
            boolean gate = (data & 1) != 0;
            speakerData = (data & 2) != 0;
            // A rising gate (re)starts modes 1, 2, 3 and 5, and lets a loaded mode 0 or 4 count down.
            boolean restarts = two.mode == 1 || two.mode == 5 || two.mode == 2 || two.mode == 3;
            if (gate && !two.gate && two.loaded && (restarts || two.start < 0)) {
                two.startCounting();
            }
            two.gate = gate;
            return;
        }
        if (port == 0x43) {
            control(data);
            return;
        }
        Counter c = counters[port - 0x40];
        switch (c.access) {
            case 1 -> load(c, data);
            case 2 -> load(c, data << 8);
            default -> {
                if (!c.reloadLowWritten) {
                    c.pendingLow = data;
                    c.reloadLowWritten = true;
                } else {
                    c.reloadLowWritten = false;
                    load(c, c.pendingLow | (data << 8));
                }
            }
        }
    }

    private void load(Counter c, int reload) {
        c.reload = reload & 0xffff;
        c.loaded = true;
        boolean gateTriggered = c.mode == 1 || c.mode == 5;
        if (!gateTriggered && (c.index != 2 || c.gate)) {
            c.startCounting();
        } else {
            c.start = -1;
            c.schedule();
        }
    }

    private void control(int data) {
        int select = data >>> 6;
        if (select == 3) {
            // Read-back: bit 5 clear latches counts, bit 4 clear latches status, bits 1-3 select counters.
            for (int i = 0; i < 3; i++) {
                if ((data & (2 << i)) == 0) {
                    continue;
                }
                Counter c = counters[i];
                if ((data & 0x20) == 0 && c.latchedCount < 0) {
                    c.latchedCount = c.count();
                    c.latchedHighNext = false;
                }
                if ((data & 0x10) == 0 && c.latchedStatus < 0) {
                    c.latchedStatus = (c.output() ? 0x80 : 0) | (c.access << 4) | (c.mode << 1);
                }
            }
            return;
        }
        Counter c = counters[select];
        int access = (data >>> 4) & 3;
        if (access == 0) {
            if (c.latchedCount < 0) {
                c.latchedCount = c.count();
                c.latchedHighNext = false;
            }
            return;
        }
        c.access = access;
        int mode = (data >>> 1) & 7;
        c.mode = mode > 5 ? mode - 4 : mode;
        c.start = -1;
        c.loaded = false;
        c.reloadLowWritten = false;
        c.readHighNext = false;
        c.latchedCount = -1;
        c.schedule();
    }
}
