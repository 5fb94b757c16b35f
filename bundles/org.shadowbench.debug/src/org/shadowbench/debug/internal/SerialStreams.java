package org.shadowbench.debug.internal;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.debug.core.IStreamListener;
import org.eclipse.debug.core.model.IFlushableStreamMonitor;
import org.eclipse.debug.core.model.IStreamMonitor;
import org.eclipse.debug.core.model.IStreamsProxy2;

/**
 * COM1 of a launched guest as the streams of its process: the UART writes into a buffer and reads
 * from a queue, neither of which ever waits (emulation thread); a shared pump thread moves the buffer
 * to the output monitor's listeners every {@value #PUMP_MILLIS} ms, and what a client writes (the
 * process console's input) goes to the queue.
 *
 * <p>Echo: a console shows the line the user typed before sending it; a guest with a terminal line
 * discipline (xv6) echoes it back. When {@code hideEcho} is set, the bytes of each written line are
 * expected back in order and are dropped from the monitor's output as they arrive (a guest's CR LF for
 * LF counts as the LF); the first byte that differs ends the expectation, so a guest that does not echo
 * loses nothing of its own output. {@link #text()} keeps everything, echo included.
 */
final class SerialStreams implements IStreamsProxy2 {
    /** How often the pump moves guest output to the listeners. */
    static final long PUMP_MILLIS = 50;
    /** Output held between pumps; beyond it the guest's output is dropped (and counted). */
    private static final int MAX_PENDING = 1 << 20;

    private static final ScheduledExecutorService PUMP = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "shadowbench-debug-com1");
        thread.setDaemon(true);
        return thread;
    });

    private final boolean hideEcho;
    private final Object lock = new Object();
    // Guarded by lock: everything written (for serialOutput) and what the pump has not moved yet.
    private final ByteArrayOutputStream all = new ByteArrayOutputStream();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long dropped;
    private final ConcurrentLinkedQueue<Integer> typed = new ConcurrentLinkedQueue<>();
    /** Typed bytes the guest is expected to echo (pump thread and writers, guarded by itself). */
    private final ArrayDeque<Integer> expectedEcho = new ArrayDeque<>();
    private final OutputMonitor output = new OutputMonitor();
    private final OutputMonitor error = new OutputMonitor();
    private final ScheduledFuture<?> pump;
    private volatile boolean inputClosed;

    SerialStreams(boolean hideEcho) {
        this.hideEcho = hideEcho;
        this.pump = PUMP.scheduleWithFixedDelay(this::pump, PUMP_MILLIS, PUMP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The UART's transmitter side: appends, never waits (emulation thread). */
    final OutputStream guestOutput = new OutputStream() {
        @Override
        public void write(int b) {
            synchronized (lock) {
                all.write(b);
                if (pending.size() < MAX_PENDING) {
                    pending.write(b);
                } else {
                    dropped++;
                }
            }
        }
    };

    /** The UART's receiver side: what clients wrote, never blocking (emulation thread). */
    final InputStream guestInput = new InputStream() {
        @Override
        public int available() {
            return typed.size();
        }

        @Override
        public int read() {
            Integer b = typed.poll();
            return b == null ? -1 : b;
        }
    };

    /** Everything the guest wrote so far, as ISO-8859-1 text (one char per byte). */
    String text() {
        synchronized (lock) {
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Bytes of guest output lost because the pump fell a megabyte behind. */
    long dropped() {
        synchronized (lock) {
            return dropped;
        }
    }

    /** Stops the pump and moves the rest of the output to the listeners, on the caller's thread (the guest is gone). */
    void close() {
        pump.cancel(false);
        inputClosed = true;
        pump();
    }

    @Override
    public IStreamMonitor getOutputStreamMonitor() {
        return output;
    }

    @Override
    public IStreamMonitor getErrorStreamMonitor() {
        return error;
    }

    /** Sends text to COM1's receiver (ISO-8859-1: the UART carries bytes). */
    @Override
    public void write(String input) {
        if (inputClosed) {
            return;
        }
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        if (hideEcho) {
            synchronized (expectedEcho) {
                for (byte b : bytes) {
                    expectedEcho.add(b & 0xff);
                }
            }
        }
        for (byte b : bytes) {
            typed.add(b & 0xff);
        }
    }

    @Override
    public void closeInputStream() {
        inputClosed = true;
    }

    /** One pump period (pump thread; the caller's at close): one at a time, so output keeps its order. */
    private synchronized void pump() {
        byte[] bytes;
        synchronized (lock) {
            if (pending.size() == 0) {
                return;
            }
            bytes = pending.toByteArray();
            pending.reset();
        }
        output.append(withoutEcho(bytes));
    }

    private String withoutEcho(byte[] bytes) {
        StringBuilder shown = new StringBuilder(bytes.length);
        synchronized (expectedEcho) {
            for (byte raw : bytes) {
                int b = raw & 0xff;
                Integer expected = expectedEcho.peek();
                if (expected != null && b == expected) {
                    expectedEcho.poll();
                    continue;
                }
                if (expected != null && b == '\r' && expected == '\n') {
                    continue; // the CR of the guest's CR LF for the typed LF
                }
                expectedEcho.clear();
                shown.append((char) b);
            }
        }
        return shown.toString();
    }

    /** An output stream's monitor: keeps the contents while buffered, tells the listeners. */
    private static final class OutputMonitor implements IFlushableStreamMonitor {
        private final List<IStreamListener> listeners = new CopyOnWriteArrayList<>();
        private final StringBuilder contents = new StringBuilder();
        private boolean buffered = true;

        synchronized void append(String text) {
            if (text.isEmpty()) {
                return;
            }
            if (buffered) {
                contents.append(text);
            }
            for (IStreamListener listener : listeners) {
                listener.streamAppended(text, this);
            }
        }

        @Override
        public void addListener(IStreamListener listener) {
            listeners.add(listener);
        }

        @Override
        public void removeListener(IStreamListener listener) {
            listeners.remove(listener);
        }

        @Override
        public synchronized String getContents() {
            return contents.toString();
        }

        @Override
        public synchronized void flushContents() {
            contents.setLength(0);
        }

        @Override
        public synchronized void setBuffered(boolean buffer) {
            buffered = buffer;
        }

        @Override
        public synchronized boolean isBuffered() {
            return buffered;
        }
    }
}
