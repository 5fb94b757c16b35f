package org.shadowbench.debug.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps what the guest writes to COM1, for clients of the target to read from any thread. */
final class SerialLog extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
        bytes.write(b);
    }

    @Override
    public synchronized void write(byte[] data, int offset, int length) {
        bytes.write(data, offset, length);
    }

    /** Everything written so far, as ISO-8859-1 text (one char per byte). */
    synchronized String text() {
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }
}
