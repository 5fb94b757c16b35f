package org.shadowbench.ui.internal;

import java.io.InputStream;
import java.io.OutputStream;

import org.shadowbench.devices.apic.LocalApic;
import org.shadowbench.devices.debugexit.DebugExitPort;
import org.shadowbench.devices.fwcfg.FirmwareConfig;
import org.shadowbench.devices.ide.IdeController;
import org.shadowbench.devices.ioapic.IoApic;
import org.shadowbench.devices.keyboard.Keyboard8042;
import org.shadowbench.devices.pic.Pic8259Pair;
import org.shadowbench.devices.pit.Pit8254;
import org.shadowbench.devices.probe.MmioProbe;
import org.shadowbench.devices.rtc.CmosRtc;
import org.shadowbench.devices.serial.Uart16550;
import org.shadowbench.devices.testdev.PcTestDevice;
import org.shadowbench.devices.vga.VgaText;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;

/**
 * The workbench's PC: the headless runner's devices (without disks), COM1 wired to the given
 * streams. Devices are attached directly rather than through the device whiteboard because COM1
 * must talk to this machine's console, not to the process's standard streams.
 */
final class PcAssembly {
    private PcAssembly() {
    }

    static Machine build(long ramSize, InputStream com1In, OutputStream com1Out) {
        Machine machine = new Machine(MachineConfiguration.defaults().withRam(ramSize));
        machine.attach(new Uart16550("com1", Uart16550.COM1, com1In, com1Out));
        machine.attach(new DebugExitPort());
        machine.attach(new MmioProbe());
        machine.attach(new Pic8259Pair());
        machine.attach(new Pit8254());
        machine.attach(new VgaText());
        machine.attach(new CmosRtc());
        machine.attach(new Keyboard8042());
        machine.attach(new LocalApic());
        machine.attach(new IoApic());
        machine.attach(new FirmwareConfig());
        machine.attach(new PcTestDevice());
        machine.attach(new IdeController());
        return machine;
    }
}
