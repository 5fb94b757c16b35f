package org.shadowbench.cli;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts the terminal on standard input in raw mode while a guest runs, as {@code qemu -serial stdio}
 * does: keys go to the guest one at a time and unechoed (the guest echoes), Enter arrives as a
 * carriage return, output processing stays on, and Ctrl-C still interrupts the runner. The saved
 * settings come back on {@link #close()} and, should the runner be interrupted, from a shutdown hook.
 * Does nothing when standard input is not a terminal (a pipe, a file, CI). Uses {@code stty} on the
 * inherited standard input: Java has no terminal API of its own.
 */
final class TerminalMode implements AutoCloseable {
    /** QEMU's raw settings for its stdio character device, signals left on. */
    private static final List<String> RAW = List.of("-ignbrk", "-brkint", "-parmrk", "-istrip", "-inlcr", "-igncr",
            "-icrnl", "-ixon", "opost", "-echo", "-echonl", "-icanon", "-iexten", "isig", "min", "1", "time", "0");

    private final String saved;
    private final Thread restoreOnExit;
    private boolean closed;

    private TerminalMode(String saved) {
        this.saved = saved;
        this.restoreOnExit = saved == null ? null : new Thread(this::restore, "shadowbench-terminal-restore");
        if (restoreOnExit != null) {
            Runtime.getRuntime().addShutdownHook(restoreOnExit);
        }
    }

    /** Raw mode when standard input is a terminal; otherwise a mode that changes nothing. */
    static TerminalMode rawIfInteractive() {
        if (!mayBeTerminal()) {
            return new TerminalMode(null);
        }
        String saved = stty(List.of("-g"));
        if (saved == null || saved.isBlank()) {
            return new TerminalMode(null);
        }
        List<String> raw = new ArrayList<>(RAW);
        if (stty(raw) == null) {
            return new TerminalMode(null);
        }
        return new TerminalMode(saved.strip());
    }

    /** Whether the terminal was switched. */
    boolean active() {
        return saved != null;
    }

    @Override
    public void close() {
        if (saved == null || closed) {
            return;
        }
        closed = true;
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(restoreOnExit);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook restores (again), which is harmless.
        }
    }

    private void restore() {
        stty(List.of(saved));
    }

    /**
     * Whether standard input may be a terminal. Where {@code /proc} names what it is, a pipe, a socket, a
     * file or {@code /dev/null} is not, and a scripted or benchmarked run is spared starting stty; where
     * it cannot tell, stty decides.
     */
    private static boolean mayBeTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            return target.startsWith("/dev/") && !target.equals("/dev/null");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return true;
        }
    }

    /** Runs stty on the inherited standard input; its output, or null when it failed (not a terminal). */
    private static String stty(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add("stty");
        command.addAll(arguments);
        try {
            Process process = new ProcessBuilder(command).redirectInput(Redirect.INHERIT)
                    .redirectError(Redirect.DISCARD).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return process.waitFor() == 0 ? output : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
