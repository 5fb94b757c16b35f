package org.shadowbench.machine.internal;

import org.shadowbench.cpu.InterruptController;
import org.shadowbench.machine.InterruptBus;

/**
 * The ISA interrupt lines, and the CPU's interrupt input that forwards to whichever controller is
 * connected (none: the CPU sees no interrupts).
 */
final class IsaInterruptBus implements InterruptBus, InterruptController {
    private final boolean[] levels = new boolean[LINES];
    private Listener listener;
    private InterruptController controller = InterruptController.NONE;

    @Override
    public void setLevel(int line, boolean high) {
        if (line < 0 || line >= LINES) {
            throw new IllegalArgumentException("ISA interrupt line " + line + " does not exist (0 to 15)");
        }
        if (levels[line] == high) {
            return;
        }
        levels[line] = high;
        if (listener != null) {
            listener.lineChanged(line, high);
        }
    }

    @Override
    public boolean level(int line) {
        return levels[line];
    }

    @Override
    public void connectController(Listener lines, InterruptController cpuInput) {
        if (listener != null && listener != lines) {
            throw new IllegalStateException("an interrupt controller is already connected");
        }
        listener = lines;
        controller = cpuInput;
        for (int line = 0; line < LINES; line++) {
            if (levels[line]) {
                lines.lineChanged(line, true);
            }
        }
    }

    @Override
    public void disconnectController(Listener lines) {
        if (listener == lines) {
            listener = null;
            controller = InterruptController.NONE;
        }
    }

    @Override
    public boolean hasInterrupt() {
        return controller.hasInterrupt();
    }

    @Override
    public int acknowledge() {
        return controller.acknowledge();
    }
}
