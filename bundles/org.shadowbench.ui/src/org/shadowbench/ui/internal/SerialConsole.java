package org.shadowbench.ui.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.eclipse.ui.console.ConsolePlugin;
import org.eclipse.ui.console.IConsole;
import org.eclipse.ui.console.IOConsole;
import org.eclipse.ui.console.IOConsoleOutputStream;

/**
 * COM1 of a machine on a workbench console. The UART writes into a buffer and reads from a queue,
 * both without waiting for anyone: the refresh thread moves the buffer to the console
 * ({@link #drain()}), and a reader thread moves what the user types into the queue.
 */
final class SerialConsole {
    /** Output held between drains; beyond it the guest's output is dropped (and counted). */
    private static final int MAX_PENDING = 1 << 20;

    private final IOConsole console;
    private final IOConsoleOutputStream consoleOut;
    private final Object lock = new Object();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long dropped;
    private final ConcurrentLinkedQueue<Integer> typed = new ConcurrentLinkedQueue<>();
    private final Thread reader;

    /** The UART's output: appends to the pending buffer (emulation thread). */
    final OutputStream guestOutput = new OutputStream() {
        @Override
        public void write(int b) {
            synchronized (lock) {
                if (pending.size() < MAX_PENDING) {
                    pending.write(b);
                } else {
                    dropped++;
                }
            }
        }
    };

    /** The UART's input: what was typed on the console, never blocking (emulation thread). */
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

    SerialConsole(String machineName) {
        console = new IOConsole("COM1 - " + machineName, null);
        // Guests write CR LF and erase with backspace, as to a terminal.
        console.setHandleControlCharacters(true);
        console.setCarriageReturnAsControlCharacter(true);
        consoleOut = console.newOutputStream();
        ConsolePlugin.getDefault().getConsoleManager().addConsoles(new IConsole[] { console });
        reader = new Thread(this::readTyped, "shadowbench-com1-input " + machineName);
        reader.setDaemon(true);
        reader.start();
    }

    IOConsole console() {
        return console;
    }

    /** Bytes of guest output lost because the console fell a megabyte behind. */
    long dropped() {
        synchronized (lock) {
            return dropped;
        }
    }

    /** Moves the guest's output to the console (refresh thread). */
    void drain() {
        byte[] bytes;
        synchronized (lock) {
            if (pending.size() == 0) {
                return;
            }
            bytes = pending.toByteArray();
            pending.reset();
        }
        try {
            consoleOut.write(bytes);
        } catch (IOException e) {
            // The console was closed by the user; the guest's output has nowhere to go.
        }
    }

    /** Shows the console in the Console view. */
    void show() {
        ConsolePlugin.getDefault().getConsoleManager().showConsoleView(console);
    }

    void close() {
        drain();
        try {
            console.getInputStream().close();
        } catch (IOException e) {
            // already closed
        }
        reader.interrupt();
        ConsolePlugin.getDefault().getConsoleManager().removeConsoles(new IConsole[] { console });
    }

    private void readTyped() {
        InputStream in = console.getInputStream();
        byte[] buffer = new byte[256];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    typed.add(buffer[i] & 0xff);
                }
            }
        } catch (IOException e) {
            // closed: the machine is gone
        }
    }
}
