package org.shadowbench.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * The runner's standard input as the guest's serial input, with QEMU's escape key: Ctrl-A x quits,
 * Ctrl-A h lists the keys, Ctrl-A Ctrl-A sends one Ctrl-A; any other key after Ctrl-A is sent
 * as typed. It never blocks where the UART only asks what is ready: {@link #available()} moves what
 * standard input holds through the escape handling, and {@link #read()} hands it out.
 */
final class ConsoleInput extends InputStream {
    /** The escape key, Ctrl-A. */
    static final int ESCAPE = 0x01;

    private final InputStream input;
    private final PrintStream messages;
    private final Runnable quit;
    private final ArrayDeque<Integer> ready = new ArrayDeque<>();
    private boolean escaped;
    private boolean quitRequested;

    /**
     * @param input    the terminal or pipe
     * @param messages where the escape keys' help goes (standard error)
     * @param quit     called once on Ctrl-A x, on the thread that reads
     */
    ConsoleInput(InputStream input, PrintStream messages, Runnable quit) {
        this.input = Objects.requireNonNull(input);
        this.messages = Objects.requireNonNull(messages);
        this.quit = Objects.requireNonNull(quit);
    }

    /** Whether Ctrl-A x was typed. */
    boolean quitRequested() {
        return quitRequested;
    }

    @Override
    public int available() throws IOException {
        while (ready.isEmpty() && input.available() > 0) {
            int b = input.read();
            if (b < 0) {
                break;
            }
            accept(b);
        }
        return ready.size();
    }

    @Override
    public int read() throws IOException {
        if (available() == 0) {
            return ready.isEmpty() ? -1 : ready.poll();
        }
        return ready.poll();
    }

    private void accept(int b) {
        if (!escaped) {
            if (b == ESCAPE) {
                escaped = true;
            } else {
                ready.add(b);
            }
            return;
        }
        escaped = false;
        switch (b) {
            case 'x', 'X' -> {
                if (!quitRequested) {
                    quitRequested = true;
                    messages.print("\r\nshadowbench: Ctrl-A x: quitting\r\n");
                    messages.flush();
                    quit.run();
                }
            }
            case 'h', 'H', '?' -> {
                messages.print("\r\nC-a x    quit\r\nC-a h    this help\r\nC-a C-a  send C-a to the guest\r\n");
                messages.flush();
            }
            case ESCAPE -> ready.add(ESCAPE);
            default -> {
                ready.add(ESCAPE);
                ready.add(b);
            }
        }
    }
}
