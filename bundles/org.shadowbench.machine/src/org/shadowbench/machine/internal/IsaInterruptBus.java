package org.shadowbench.machine.internal;

import java.util.ArrayList;
import java.util.List;

import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.InterruptController;
import org.shadowbench.machine.InterruptBus;
import org.shadowbench.machine.IoApicPort;
import org.shadowbench.machine.LocalApicPort;

/**
 * The ISA lines with their listeners, the APIC bus, and the CPU's interrupt input, which asks the
 * local APIC when one is connected and the 8259 otherwise (neither: the CPU sees no interrupts).
 */
final class IsaInterruptBus implements InterruptBus, InterruptController {
    private final boolean[] levels = new boolean[LINES];
    /** Listeners as an array: line changes are frequent, listener changes rare. */
    private Listener[] listeners = new Listener[0];
    private Listener legacyLines;
    private InterruptController legacy = InterruptController.NONE;
    private LocalApicPort localApic;
    private IoApicPort ioApic;
    private Cpu cpu;

    /** The CPU whose CPUID and APIC base MSR follow the local APIC's arrival and departure. */
    void setCpu(Cpu processor) {
        cpu = processor;
    }

    @Override
    public void setLevel(int line, boolean high) {
        if (line < 0 || line >= LINES) {
            throw new IllegalArgumentException("ISA interrupt line " + line + " does not exist (0 to 15)");
        }
        if (levels[line] == high) {
            return;
        }
        levels[line] = high;
        for (Listener listener : listeners) {
            listener.lineChanged(line, high);
        }
    }

    @Override
    public boolean level(int line) {
        return levels[line];
    }

    @Override
    public void addListener(Listener lines) {
        for (Listener listener : listeners) {
            if (listener == lines) {
                return;
            }
        }
        List<Listener> grown = new ArrayList<>(List.of(listeners));
        grown.add(lines);
        listeners = grown.toArray(Listener[]::new);
        for (int line = 0; line < LINES; line++) {
            if (levels[line]) {
                lines.lineChanged(line, true);
            }
        }
    }

    @Override
    public void removeListener(Listener lines) {
        List<Listener> shrunk = new ArrayList<>(List.of(listeners));
        if (shrunk.remove(lines)) {
            listeners = shrunk.toArray(Listener[]::new);
        }
    }

    @Override
    public void connectController(Listener lines, InterruptController intr) {
        if (legacyLines != null && legacyLines != lines) {
            throw new IllegalStateException("an interrupt controller is already connected");
        }
        legacyLines = lines;
        legacy = intr;
        addListener(lines);
    }

    @Override
    public void disconnectController(Listener lines) {
        if (legacyLines == lines) {
            removeListener(lines);
            legacyLines = null;
            legacy = InterruptController.NONE;
        }
    }

    @Override
    public InterruptController externalInterrupt() {
        return legacy;
    }

    @Override
    public void connectLocalApic(LocalApicPort apic) {
        if (localApic != null && localApic != apic) {
            throw new IllegalStateException("a local APIC is already connected");
        }
        localApic = apic;
        if (cpu != null) {
            cpu.connectLocalApic(apic.id(), apic::baseWritten);
        }
    }

    @Override
    public void disconnectLocalApic(LocalApicPort apic) {
        if (localApic == apic) {
            localApic = null;
            if (cpu != null) {
                cpu.disconnectLocalApic();
            }
        }
    }

    @Override
    public LocalApicPort localApic() {
        return localApic;
    }

    @Override
    public void connectIoApic(IoApicPort port) {
        if (ioApic != null && ioApic != port) {
            throw new IllegalStateException("an I/O APIC is already connected");
        }
        ioApic = port;
    }

    @Override
    public void disconnectIoApic(IoApicPort port) {
        if (ioApic == port) {
            ioApic = null;
        }
    }

    @Override
    public IoApicPort ioApic() {
        return ioApic;
    }

    @Override
    public boolean sendApicMessage(int destination, boolean logical, int deliveryMode, int vector, boolean levelTriggered) {
        LocalApicPort apic = localApic;
        if (apic == null || !apic.addressedBy(destination, logical)) {
            return false;
        }
        apic.accept(deliveryMode, vector, levelTriggered);
        return true;
    }

    @Override
    public void broadcastEoi(int vector) {
        if (ioApic != null) {
            ioApic.endOfInterrupt(vector);
        }
    }

    // ---------------------------------------------------------------- the CPU's input

    @Override
    public boolean hasInterrupt() {
        LocalApicPort apic = localApic;
        return apic != null ? apic.hasInterrupt() : legacy.hasInterrupt();
    }

    @Override
    public int acknowledge() {
        LocalApicPort apic = localApic;
        return apic != null ? apic.acknowledge() : legacy.acknowledge();
    }

    @Override
    public boolean takeNmi() {
        LocalApicPort apic = localApic;
        return apic != null && apic.takeNmi();
    }
}
