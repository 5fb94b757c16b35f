package org.shadowbench.devices.serial;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

import org.shadowbench.cpu.IoPortHandler;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.InterruptBus;
import org.shadowbench.machine.MachineClock;
import org.shadowbench.machine.MachineDevice;

/**
 * A 16550A UART on eight I/O ports (COM1 at 0x3f8 by default). Transmitted bytes go to an output
 * stream at once and are flushed byte by byte (a shell's prompt has no newline), so the transmitter
 * is always empty, with as many data bits as the line control register says (five after reset, as on
 * the real part; the firmware programs 8N1 before a guest runs); received bytes come from an input
 * stream, read as the guest polls. Registers, FIFO control, loopback and the interrupt
 * identification follow the 16550A data sheet. The interrupt output drives an ISA line (IRQ 4 for
 * COM1 and COM3, IRQ 3 for COM2 and COM4): it follows every register access, and while the guest has
 * the received-data interrupt enabled the input stream is polled every millisecond of virtual time,
 * so that input arriving while the guest waits raises it.
 *
 * <p>Unlike a PC's board wiring, MCR.OUT2 does not gate the interrupt onto the bus: QEMU's and Bochs's
 * UARTs do not gate it either, and guests written against them (xv6 among them) leave OUT2 clear
 * and still expect receive interrupts.
 */
public class Uart16550 implements MachineDevice, IoPortHandler {
    /** COM1's base port. */
    public static final int COM1 = 0x3f8;

    static final int RBR_THR_DLL = 0;
    static final int IER_DLM = 1;
    static final int IIR_FCR = 2;
    static final int LCR = 3;
    static final int MCR = 4;
    static final int LSR = 5;
    static final int MSR = 6;
    static final int SCR = 7;

    static final int LCR_DLAB = 0x80;
    static final int MCR_LOOPBACK = 0x10;
    static final int LSR_DATA_READY = 0x01;
    static final int LSR_OVERRUN = 0x02;
    static final int LSR_THR_EMPTY = 0x20;
    static final int LSR_IDLE = 0x40;
    static final int IER_RECEIVED = 0x01;
    static final int IER_THR_EMPTY = 0x02;
    static final int IER_LINE_STATUS = 0x04;
    static final int IER_MODEM = 0x08;
    static final int MCR_OUT2 = 0x08;
    private static final int FIFO_SIZE = 16;
    /** How often input is looked for while the received-data interrupt is enabled. */
    static final long INPUT_POLL_NANOS = 1_000_000;

    private final String name;
    private final int base;
    private final int irq;
    private final InputStream input;
    private final OutputStream output;
    private DeviceContext context;
    private MachineClock.Timer inputPoll;

    private final byte[] fifo = new byte[FIFO_SIZE];
    private int fifoHead;
    private int fifoCount;
    private int ier;
    private int lcr;
    private int mcr;
    private int scratch;
    private int divisor = 12;
    private boolean fifoEnabled;
    private boolean overrun;
    private boolean thrEmptyPending = true;
    private int previousModemStatus;
    private long transmitted;

    /**
     * A UART at {@code base} on its PC interrupt line, reading guest input from {@code input} (or
     * nothing, if null) and writing guest output to {@code output}.
     */
    public Uart16550(String name, int base, InputStream input, OutputStream output) {
        this(name, base, (base & 0x100) != 0 ? 4 : 3, input, output);
    }

    /** A UART at {@code base} on ISA line {@code irq}. */
    public Uart16550(String name, int base, int irq, InputStream input, OutputStream output) {
        if (irq < 0 || irq >= InterruptBus.LINES) {
            throw new IllegalArgumentException("no ISA interrupt line " + irq);
        }
        this.name = Objects.requireNonNull(name);
        this.base = base;
        this.irq = irq;
        this.input = input;
        this.output = Objects.requireNonNull(output);
        reset();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void attach(DeviceContext deviceContext) {
        deviceContext.io().register(base, 8, this);
        context = deviceContext;
        inputPoll = deviceContext.clock().timer(this::pollInputForInterrupt);
        updateInterrupt();
    }

    @Override
    public void detach() {
        if (context != null) {
            inputPoll.cancel();
            context.interrupts().setLevel(irq, false);
            context.io().unregister(this);
            context = null;
            inputPoll = null;
        }
        flush();
    }

    /** The ISA line the UART drives. */
    public int irq() {
        return irq;
    }

    @Override
    public final void reset() {
        fifoHead = 0;
        fifoCount = 0;
        ier = 0;
        lcr = 0;
        mcr = 0;
        scratch = 0;
        divisor = 12;
        fifoEnabled = false;
        overrun = false;
        thrEmptyPending = true;
        previousModemStatus = modemStatusLines();
    }

    /** Bytes the guest has sent. */
    public long transmitted() {
        return transmitted;
    }

    /** Pushes buffered output to the stream. */
    public void flush() {
        try {
            output.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("serial output of " + name, e);
        }
    }

    @Override
    public int read(int port, int size) {
        int value = readRegister(port - base);
        // Wider accesses read the next registers too, as the ISA bus splits them.
        for (int i = 1; i < size; i++) {
            value |= readRegister(port - base + i) << (8 * i);
        }
        updateInterrupt();
        return value;
    }

    @Override
    public void write(int port, int size, int value) {
        for (int i = 0; i < size; i++) {
            writeRegister(port - base + i, (value >>> (8 * i)) & 0xff);
        }
        updateInterrupt();
    }

    /** Drives the line from the interrupt output and keeps the input poll armed while it matters. */
    private void updateInterrupt() {
        if (context == null) {
            return;
        }
        context.interrupts().setLevel(irq, interruptPending());
        boolean waitingForInput = input != null && (ier & IER_RECEIVED) != 0 && (mcr & MCR_LOOPBACK) == 0;
        if (!waitingForInput) {
            inputPoll.cancel();
        } else if (!inputPoll.armed()) {
            inputPoll.at(context.clock().nanos() + INPUT_POLL_NANOS);
        }
    }

    private void pollInputForInterrupt() {
        pollInput();
        updateInterrupt();
    }

    private int readRegister(int register) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        return switch (register & 7) {
            case RBR_THR_DLL -> dlab ? divisor & 0xff : receive();
            case IER_DLM -> dlab ? (divisor >>> 8) & 0xff : ier;
            case IIR_FCR -> interruptIdentification(true);
            case LCR -> lcr;
            case MCR -> mcr;
            case LSR -> lineStatus(true);
            case MSR -> modemStatus();
            default -> scratch;
        };
    }

    private void writeRegister(int register, int value) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (register & 7) {
            case RBR_THR_DLL -> {
                if (dlab) {
                    divisor = (divisor & 0xff00) | value;
                } else {
                    transmit(value);
                }
            }
            case IER_DLM -> {
                if (dlab) {
                    divisor = (divisor & 0xff) | (value << 8);
                } else {
                    // Enabling the transmitter interrupt while the transmitter is empty raises it at once.
                    if ((value & IER_THR_EMPTY) != 0 && (ier & IER_THR_EMPTY) == 0) {
                        thrEmptyPending = true;
                    }
                    ier = value & 0x0f;
                }
            }
            case IIR_FCR -> {
                fifoEnabled = (value & 1) != 0;
                if ((value & 2) != 0 || !fifoEnabled) {
                    fifoHead = 0;
                    fifoCount = 0;
                }
            }
            case LCR -> lcr = value;
            case MCR -> mcr = value & 0x1f;
            case LSR, MSR -> {
                // read-only
            }
            default -> scratch = value;
        }
    }

    private void transmit(int data) {
        thrEmptyPending = true;
        // Word length from the LCR: 5 to 8 data bits (the power-on value is 5, so guests set it).
        int value = data & ((1 << (5 + (lcr & 3))) - 1);
        if ((mcr & MCR_LOOPBACK) != 0) {
            enqueue(value);
            return;
        }
        transmitted++;
        try {
            output.write(value);
            output.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("serial output of " + name, e);
        }
    }

    private void enqueue(int value) {
        int capacity = fifoEnabled ? FIFO_SIZE : 1;
        if (fifoCount >= capacity) {
            overrun = true;
            return;
        }
        fifo[(fifoHead + fifoCount) % FIFO_SIZE] = (byte) value;
        fifoCount++;
    }

    /** Moves what the input stream has ready into the receive FIFO. */
    private void pollInput() {
        if (input == null || (mcr & MCR_LOOPBACK) != 0) {
            return;
        }
        try {
            int capacity = fifoEnabled ? FIFO_SIZE : 1;
            while (fifoCount < capacity && input.available() > 0) {
                int b = input.read();
                if (b < 0) {
                    return;
                }
                enqueue(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("serial input of " + name, e);
        }
    }

    private int receive() {
        pollInput();
        if (fifoCount == 0) {
            return 0;
        }
        int value = fifo[fifoHead] & 0xff;
        fifoHead = (fifoHead + 1) % FIFO_SIZE;
        fifoCount--;
        return value;
    }

    private int lineStatus(boolean clearErrors) {
        pollInput();
        int status = LSR_THR_EMPTY | LSR_IDLE | (fifoCount > 0 ? LSR_DATA_READY : 0) | (overrun ? LSR_OVERRUN : 0);
        if (clearErrors) {
            overrun = false;
        }
        return status;
    }

    /** CTS, DSR, RI and DCD: a connected terminal normally, the MCR's outputs in loopback. */
    private int modemStatusLines() {
        if ((mcr & MCR_LOOPBACK) != 0) {
            return ((mcr & 0x02) << 3) | ((mcr & 0x01) << 5) | ((mcr & 0x04) << 4) | ((mcr & 0x08) << 4);
        }
        return 0xb0;
    }

    private int modemStatus() {
        int lines = modemStatusLines();
        int changes = ((lines ^ previousModemStatus) >>> 4) & 0x0b;
        if ((previousModemStatus & 0x40) != 0 && (lines & 0x40) == 0) {
            changes |= 0x04; // trailing edge of RI
        }
        previousModemStatus = lines;
        return lines | changes;
    }

    /**
     * The IIR: the highest-priority pending source (line status, received data, transmitter empty,
     * modem status), or 1 for none; reading it acknowledges a transmitter-empty interrupt.
     */
    private int interruptIdentification(boolean acknowledge) {
        int fifoBits = fifoEnabled ? 0xc0 : 0;
        pollInput();
        if ((ier & IER_LINE_STATUS) != 0 && overrun) {
            return fifoBits | 0x06;
        }
        if ((ier & IER_RECEIVED) != 0 && fifoCount > 0) {
            return fifoBits | 0x04;
        }
        if ((ier & IER_THR_EMPTY) != 0 && thrEmptyPending) {
            if (acknowledge) {
                thrEmptyPending = false;
            }
            return fifoBits | 0x02;
        }
        if ((ier & IER_MODEM) != 0 && ((modemStatusLines() ^ previousModemStatus) & 0xf0) != 0) {
            return fifoBits;
        }
        return fifoBits | 0x01;
    }

    /** Whether the UART's interrupt output is asserted (not gated by OUT2: see the class comment). */
    public boolean interruptPending() {
        return (interruptIdentification(false) & 1) == 0;
    }
}
