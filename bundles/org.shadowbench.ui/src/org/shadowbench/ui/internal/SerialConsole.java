package org.shadowbench.ui.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.eclipse.ui.console.ConsolePlugin;
import org.eclipse.ui.console.IConsole;
import org.eclipse.ui.console.IOConsole;
import org.eclipse.ui.console.IOConsoleOutputStream;
import org.shadowbench.pc.Com1Streams;

/**
 * COM1 of a machine on a workbench console. {@link Com1Streams} is the guest's side, which never
 * waits; the refresh thread moves its output to the console ({@link #drain()}), and a reader thread
 * types what the user enters on the console. The console shows typed lines itself, so the guest's
 * echo of them is hidden, as on a debug launch's process console.
 */
final class SerialConsole {
    private final Com1Streams com1 = new Com1Streams(true, false);
    private final IOConsole console;
    private final IOConsoleOutputStream consoleOut;
    private final Thread reader;

    SerialConsole(String machineName) {
        // ISO-8859-1 both ways: the UART carries bytes, one char each.
        console = new IOConsole("COM1 - " + machineName, null, null, StandardCharsets.ISO_8859_1.name(), false);
        // Guests write CR LF and erase with backspace, as to a terminal.
        console.setHandleControlCharacters(true);
        console.setCarriageReturnAsControlCharacter(true);
        consoleOut = console.newOutputStream();
        ConsolePlugin.getDefault().getConsoleManager().addConsoles(new IConsole[] { console });
        reader = new Thread(this::readTyped, "shadowbench-com1-input " + machineName);
        reader.setDaemon(true);
        reader.start();
    }

    /** The guest's side of COM1, for the UART. */
    Com1Streams com1() {
        return com1;
    }

    IOConsole console() {
        return console;
    }

    /** Moves the guest's output to the console (refresh thread). */
    void drain() {
        String text = com1.takeOutput();
        if (text.isEmpty()) {
            return;
        }
        try {
            consoleOut.write(text);
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
        com1.closeInput();
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
                com1.type(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            // closed: the machine is gone
        }
    }
}
