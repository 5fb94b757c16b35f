package org.shadowbench.pc;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The far end of a guest's COM1 as plain streams, for a console: the UART side
 * ({@link #guestInput()}, {@link #guestOutput()}) never waits, so the emulation thread never waits
 * for a console, and the console side moves the output on its own thread ({@link #takeOutput()}) and
 * sends what the user types ({@link #type(String)}).
 *
 * <p><b>The guest's echo of typed input.</b> A console shows what the user types before it sends it,
 * and a guest with a terminal line discipline (xv6's shell) echoes every byte it reads; both together
 * would show each typed line twice. With {@code hideEcho}, the bytes sent are expected back in order
 * and are left out of {@link #takeOutput()} as they arrive (the guest's CR LF for a typed LF counts as
 * the LF); the first byte that differs ends the expectation and is shown, so a guest that does not
 * echo loses none of its own output. The transcript, when kept, has everything, echo included.
 *
 * <p>The UART carries bytes: text on the console side is ISO-8859-1, one char per byte. Output not
 * taken grows up to {@value #MAX_PENDING} bytes; beyond it the guest's output is dropped and counted,
 * so a console that stops taking cannot make the guest use unbounded memory.
 *
 * <p>Thread-safe: the emulation thread uses the guest side, any one thread at a time takes the
 * output, any thread types.
 */
public final class Com1Streams {
    /** Guest output held until taken; beyond it, output is dropped (and counted). */
    public static final int MAX_PENDING = 1 << 20;

    private final boolean hideEcho;
    private final Object lock = new Object();
    // Guarded by lock: the transcript (null when not kept) and the output not taken yet.
    private final ByteArrayOutputStream transcript;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long dropped;
    private final ConcurrentLinkedQueue<Integer> typed = new ConcurrentLinkedQueue<>();
    /** Sent bytes the guest is expected to echo (guarded by itself: typists and the taker). */
    private final ArrayDeque<Integer> expectedEcho = new ArrayDeque<>();
    private volatile boolean inputClosed;

    private final OutputStream guestOutput = new OutputStream() {
        @Override
        public void write(int b) {
            synchronized (lock) {
                if (transcript != null) {
                    transcript.write(b);
                }
                if (pending.size() < MAX_PENDING) {
                    pending.write(b);
                } else {
                    dropped++;
                }
            }
        }
    };

    private final InputStream guestInput = new InputStream() {
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

    /**
     * @param hideEcho       leave the guest's echo of typed bytes out of {@link #takeOutput()}
     * @param keepTranscript keep everything the guest writes for {@link #transcript()} (it grows with
     *                       the guest's output: for a debugger's record, not for a long-lived console)
     */
    public Com1Streams(boolean hideEcho, boolean keepTranscript) {
        this.hideEcho = hideEcho;
        this.transcript = keepTranscript ? new ByteArrayOutputStream() : null;
    }

    /** What the UART transmits into: appends, never waits (the emulation thread). */
    public OutputStream guestOutput() {
        return guestOutput;
    }

    /** What the UART receives from: the typed bytes, never blocking; -1 when none is waiting. */
    public InputStream guestInput() {
        return guestInput;
    }

    /** Whether the guest's echo of typed bytes is hidden from {@link #takeOutput()}. */
    public boolean hidesEcho() {
        return hideEcho;
    }

    /**
     * Sends text to the guest's receiver (ISO-8859-1; a char beyond it is sent as {@code ?}). Ignored
     * after {@link #closeInput()}.
     */
    public void type(String text) {
        if (inputClosed) {
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        if (hideEcho) {
            // Expected before the guest can read them, so no echo can arrive ahead of its expectation.
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

    /** Ends input: what is typed afterwards is ignored (the console or the guest is gone). */
    public void closeInput() {
        inputClosed = true;
    }

    /**
     * The guest's output since the last call, without the echo when hidden, as ISO-8859-1 text; empty
     * when there is none. One caller at a time, so the output keeps its order.
     */
    public synchronized String takeOutput() {
        byte[] bytes;
        synchronized (lock) {
            if (pending.size() == 0) {
                return "";
            }
            bytes = pending.toByteArray();
            pending.reset();
        }
        return hideEcho ? withoutEcho(bytes) : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /**
     * Everything the guest wrote so far, echo included, as ISO-8859-1 text.
     *
     * @throws IllegalStateException when these streams were made without a transcript
     */
    public String transcript() {
        if (transcript == null) {
            throw new IllegalStateException("COM1's transcript is not kept for this console");
        }
        synchronized (lock) {
            return transcript.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Bytes of guest output dropped because they were not taken while {@value #MAX_PENDING} were held. */
    public long dropped() {
        synchronized (lock) {
            return dropped;
        }
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
                    continue; // the CR of the guest's CR LF for a typed LF
                }
                expectedEcho.clear();
                shown.append((char) b);
            }
        }
        return shown.toString();
    }
}
