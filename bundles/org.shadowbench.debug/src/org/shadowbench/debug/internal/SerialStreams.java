package org.shadowbench.debug.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.debug.core.IStreamListener;
import org.eclipse.debug.core.model.IFlushableStreamMonitor;
import org.eclipse.debug.core.model.IStreamMonitor;
import org.eclipse.debug.core.model.IStreamsProxy2;
import org.shadowbench.pc.Com1Streams;

/**
 * COM1 of a launched guest as the streams of its process: {@link Com1Streams} holds the guest's side
 * (buffer, typed queue, the hiding of the guest's echo), and a shared pump thread moves its output to
 * the output monitor's listeners every {@value #PUMP_MILLIS} ms; what a client writes (the process
 * console's input) is typed into it.
 */
final class SerialStreams implements IStreamsProxy2 {
    /** How often the pump moves guest output to the listeners. */
    static final long PUMP_MILLIS = 50;

    private static final ScheduledExecutorService PUMP = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "shadowbench-debug-com1");
        thread.setDaemon(true);
        return thread;
    });

    private final Com1Streams com1;
    private final OutputMonitor output = new OutputMonitor();
    private final OutputMonitor error = new OutputMonitor();
    private final ScheduledFuture<?> pump;

    SerialStreams(boolean hideEcho) {
        // The transcript is kept: GuestTarget.serialOutput() promises everything, echo included.
        this.com1 = new Com1Streams(hideEcho, true);
        this.pump = PUMP.scheduleWithFixedDelay(this::pump, PUMP_MILLIS, PUMP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The guest's side of COM1, for the UART. */
    Com1Streams com1() {
        return com1;
    }

    /** Everything the guest wrote so far, as ISO-8859-1 text (one char per byte). */
    String text() {
        return com1.transcript();
    }

    /** Stops the pump and moves the rest of the output to the listeners, on the caller's thread (the guest is gone). */
    void close() {
        pump.cancel(false);
        com1.closeInput();
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
        com1.type(input);
    }

    @Override
    public void closeInputStream() {
        com1.closeInput();
    }

    /** One pump period (pump thread; the caller's at close): one at a time, so output keeps its order. */
    private synchronized void pump() {
        output.append(com1.takeOutput());
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
