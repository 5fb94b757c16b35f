package org.shadowbench.devices.rtc;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.shadowbench.cpu.IoPortHandler;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.MachineClock;
import org.shadowbench.machine.MachineDevice;
import org.shadowbench.memory.RamRange;
import org.shadowbench.memory.RangeKind;

/**
 * The CMOS RAM and real-time clock of a PC (an MC146818): 128 bytes at index/data ports 0x70/0x71
 * (bit 7 of the index masks NMI). The clock counts from a start time along the machine's virtual
 * time, in BCD or binary and in 12- or 24-hour form as status register B says; the periodic,
 * alarm and update-ended interrupts of register B raise IRQ 8 and are reported in register C,
 * which reading clears. The memory size bytes (0x15-0x18, 0x30-0x31, 0x34-0x35, 0x5b-0x5d) are
 * filled from the machine's RAM ranges as a BIOS would.
 */
@Component(service = MachineDevice.class, scope = ServiceScope.PROTOTYPE, property = "shadowbench.device=rtc")
public final class CmosRtc implements MachineDevice, IoPortHandler {
    static final int SECONDS = 0x00;
    static final int SECONDS_ALARM = 0x01;
    static final int MINUTES = 0x02;
    static final int MINUTES_ALARM = 0x03;
    static final int HOURS = 0x04;
    static final int HOURS_ALARM = 0x05;
    static final int DAY_OF_WEEK = 0x06;
    static final int DAY = 0x07;
    static final int MONTH = 0x08;
    static final int YEAR = 0x09;
    static final int STATUS_A = 0x0a;
    static final int STATUS_B = 0x0b;
    static final int STATUS_C = 0x0c;
    static final int STATUS_D = 0x0d;
    static final int CENTURY = 0x32;

    private static final int B_SET = 0x80;
    private static final int B_PERIODIC = 0x40;
    private static final int B_ALARM = 0x20;
    private static final int B_UPDATE = 0x10;
    private static final int B_BINARY = 0x04;
    private static final int B_24_HOUR = 0x02;
    private static final int C_IRQ = 0x80;
    private static final int C_PERIODIC = 0x40;
    private static final int C_ALARM = 0x20;
    private static final int C_UPDATE = 0x10;
    private static final long SECOND = 1_000_000_000L;

    private final byte[] cmos = new byte[128];
    private final long startEpochSecond;
    private int index;
    private boolean nmiMasked;
    private DeviceContext context;
    private MachineClock clock;
    private MachineClock.Timer periodicTimer;
    private MachineClock.Timer secondTimer;
    /** Seconds set by the guest minus seconds counted, so that a SET keeps the guest's time. */
    private long secondsOffset;

    /** A clock starting at the current wall-clock time. */
    public CmosRtc() {
        this(Instant.now());
    }

    /** A clock starting at a given time (UTC), for reproducible guests. */
    public CmosRtc(Instant start) {
        this.startEpochSecond = start.getEpochSecond();
        reset();
    }

    @Override
    public String name() {
        return "rtc";
    }

    @Override
    public void attach(DeviceContext deviceContext) {
        deviceContext.io().register(0x70, 2, this);
        context = deviceContext;
        clock = deviceContext.clock();
        periodicTimer = clock.timer(this::periodicTick);
        secondTimer = clock.timer(this::secondTick);
        fillMemorySizes();
        armSecond();
        armPeriodic();
    }

    @Override
    public void detach() {
        if (context != null) {
            periodicTimer.cancel();
            secondTimer.cancel();
            context.io().unregister(this);
            context = null;
        }
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(cmos, (byte) 0);
        cmos[STATUS_A] = 0x26;
        cmos[STATUS_B] = B_24_HOUR;
        cmos[STATUS_D] = (byte) 0x80;
        cmos[0x10] = 0x00;
        cmos[0x14] = 0x06;
        index = 0;
        nmiMasked = false;
        secondsOffset = 0;
    }

    private void fillMemorySizes() {
        long extended = 0;
        long above16M = 0;
        long above4G = 0;
        for (RamRange range : context.memory().ranges()) {
            if (range.kind() != RangeKind.RAM) {
                continue;
            }
            long first = range.first();
            long end = range.last() + 1;
            if (first >= 0x100000L && first < (16L << 20)) {
                extended += Math.min(end, 16L << 20) - first;
            }
            if (end > (16L << 20) && first < (1L << 32)) {
                above16M += Math.min(end, 1L << 32) - Math.max(first, 16L << 20);
            }
            if (end > (1L << 32)) {
                above4G += end - Math.max(first, 1L << 32);
            }
        }
        int baseKiB = 640;
        cmos[0x15] = (byte) baseKiB;
        cmos[0x16] = (byte) (baseKiB >>> 8);
        int extendedKiB = (int) Math.min(0xffff, extended / 1024);
        cmos[0x17] = cmos[0x30] = (byte) extendedKiB;
        cmos[0x18] = cmos[0x31] = (byte) (extendedKiB >>> 8);
        long blocks64K = Math.min(0xffff, above16M / 65536);
        cmos[0x34] = (byte) blocks64K;
        cmos[0x35] = (byte) (blocks64K >>> 8);
        long pages64K = above4G / 65536;
        cmos[0x5b] = (byte) pages64K;
        cmos[0x5c] = (byte) (pages64K >>> 8);
        cmos[0x5d] = (byte) (pages64K >>> 16);
    }

    // ================================================================== time

    private long epochSecondNow() {
        return startEpochSecond + clock.nanos() / SECOND + secondsOffset;
    }

    private int encode(int value) {
        return (cmos[STATUS_B] & B_BINARY) != 0 ? value : ((value / 10) << 4) | (value % 10);
    }

    private int decode(int value) {
        return (cmos[STATUS_B] & B_BINARY) != 0 ? value : ((value >>> 4) * 10) + (value & 0x0f);
    }

    private int encodeHours(int hours) {
        if ((cmos[STATUS_B] & B_24_HOUR) != 0) {
            return encode(hours);
        }
        int twelve = hours % 12 == 0 ? 12 : hours % 12;
        return encode(twelve) | (hours >= 12 ? 0x80 : 0);
    }

    private int decodeHours(int value) {
        if ((cmos[STATUS_B] & B_24_HOUR) != 0) {
            return decode(value);
        }
        int twelve = decode(value & 0x7f) % 12;
        return twelve + ((value & 0x80) != 0 ? 12 : 0);
    }

    private int timeRegister(int register) {
        LocalDateTime now = LocalDateTime.ofEpochSecond(epochSecondNow(), 0, ZoneOffset.UTC);
        return switch (register) {
            case SECONDS -> encode(now.getSecond());
            case MINUTES -> encode(now.getMinute());
            case HOURS -> encodeHours(now.getHour());
            case DAY_OF_WEEK -> encode(now.getDayOfWeek().getValue() % 7 + 1);
            case DAY -> encode(now.getDayOfMonth());
            case MONTH -> encode(now.getMonthValue());
            case YEAR -> encode(now.getYear() % 100);
            default -> encode(now.getYear() / 100);
        };
    }

    /** A write to a time register while SET: the clock takes the guest's time from then on. */
    private void setTime(int register, int value) {
        LocalDateTime now = LocalDateTime.ofEpochSecond(epochSecondNow(), 0, ZoneOffset.UTC);
        LocalDateTime wanted = switch (register) {
            case SECONDS -> now.withSecond(Math.min(59, decode(value)));
            case MINUTES -> now.withMinute(Math.min(59, decode(value)));
            case HOURS -> now.withHour(Math.min(23, decodeHours(value)));
            case DAY -> now.withDayOfMonth(Math.max(1, Math.min(28, decode(value))));
            case MONTH -> now.withMonth(Math.max(1, Math.min(12, decode(value))));
            case YEAR -> now.withYear(now.getYear() / 100 * 100 + decode(value) % 100);
            case CENTURY -> now.withYear(decode(value) * 100 + now.getYear() % 100);
            default -> now;
        };
        secondsOffset += wanted.toEpochSecond(ZoneOffset.UTC) - now.toEpochSecond(ZoneOffset.UTC);
    }

    // ================================================================== interrupts

    private void raise(int flag) {
        cmos[STATUS_C] |= (byte) (flag | C_IRQ);
        context.interrupts().pulse(8);
    }

    /** The periodic rate of register A: 0 off, else 32768 >> (rate - 1) Hz. */
    private long periodNanos() {
        int rate = cmos[STATUS_A] & 0x0f;
        if (rate == 0) {
            return 0;
        }
        if (rate < 3) {
            rate += 7;
        }
        return SECOND * (1L << (rate - 1)) / 32768;
    }

    private void armPeriodic() {
        long period = periodNanos();
        if ((cmos[STATUS_B] & B_PERIODIC) != 0 && period > 0) {
            periodicTimer.at(clock.nanos() + period);
        } else {
            periodicTimer.cancel();
        }
    }

    private void periodicTick() {
        raise(C_PERIODIC);
        armPeriodic();
    }

    private void armSecond() {
        long now = clock.nanos();
        secondTimer.at(now - now % SECOND + SECOND);
    }

    private void secondTick() {
        if ((cmos[STATUS_B] & B_SET) == 0) {
            if ((cmos[STATUS_B] & B_UPDATE) != 0) {
                raise(C_UPDATE);
            }
            if ((cmos[STATUS_B] & B_ALARM) != 0 && alarmMatches()) {
                raise(C_ALARM);
            }
        }
        armSecond();
    }

    private boolean alarmMatches() {
        return matches(SECONDS_ALARM, SECONDS) && matches(MINUTES_ALARM, MINUTES) && matches(HOURS_ALARM, HOURS);
    }

    /** Alarm bytes of 0xc0 and above match any value. */
    private boolean matches(int alarm, int time) {
        int a = cmos[alarm] & 0xff;
        return a >= 0xc0 || a == timeRegister(time);
    }

    // ================================================================== ports

    @Override
    public int read(int port, int size) {
        if (port == 0x70) {
            return 0xff;
        }
        return switch (index) {
            case SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY, MONTH, YEAR, CENTURY -> timeRegister(index);
            case STATUS_A -> (cmos[STATUS_A] & 0x7f) | (updateInProgress() ? 0x80 : 0);
            case STATUS_C -> {
                int value = cmos[STATUS_C] & 0xff;
                cmos[STATUS_C] = 0;
                yield value;
            }
            default -> cmos[index] & 0xff;
        };
    }

    /** UIP is set during the last 244 microseconds before each second's update. */
    private boolean updateInProgress() {
        return (cmos[STATUS_B] & B_SET) == 0 && clock.nanos() % SECOND >= SECOND - 244_000;
    }

    @Override
    public void write(int port, int size, int value) {
        int data = value & 0xff;
        if (port == 0x70) {
            index = data & 0x7f;
            nmiMasked = (data & 0x80) != 0;
            return;
        }
        switch (index) {
            case SECONDS, MINUTES, HOURS, DAY, MONTH, YEAR, CENTURY -> setTime(index, data);
            case DAY_OF_WEEK -> {
                // Derived from the date.
            }
            case STATUS_A -> {
                cmos[STATUS_A] = (byte) (data & 0x7f);
                armPeriodic();
            }
            case STATUS_B -> {
                cmos[STATUS_B] = (byte) data;
                armPeriodic();
            }
            case STATUS_C, STATUS_D -> {
                // read-only
            }
            default -> cmos[index] = (byte) data;
        }
    }

    /** Whether the guest masked NMIs through bit 7 of the index port. */
    public boolean nmiMasked() {
        return nmiMasked;
    }
}
