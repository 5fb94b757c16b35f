package org.shadowbench.pc;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;

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
import org.shadowbench.machine.MachineDevice;

/**
 * The devices of Shadowbench's standard PC, attached to a machine in one call: COM1 on the given
 * streams, the debug-exit ports, the MMIO probe, the 8259 pair, the 8254, the VGA text display, the
 * CMOS clock, the 8042 keyboard controller, the local APIC, the I/O APIC, QEMU's fw_cfg and
 * pc-testdev, and an IDE controller. The runner ({@code shadowbench run}), the views' machines, the
 * debugger's launches and the guest suite's test all build their machines with it, so a guest sees
 * the same PC in each.
 *
 * <p>This is the one definition of the standard PC: the list in {@link #attach} and this bundle's
 * imports of the device packages (which the compiler requires of that list) are what the runner's
 * class path ({@code releng/bin/shadowbench}) is derived from. Adding a device: {@code docs/DEVICES.md}.
 *
 * @param com1    the serial port on COM1
 * @param vga     the text display
 * @param ide     the disk controller
 * @param devices every device, in attach order
 */
public record StandardPc(Uart16550 com1, VgaText vga, IdeController ide, List<MachineDevice> devices) {

    public StandardPc {
        Objects.requireNonNull(com1);
        Objects.requireNonNull(vga);
        Objects.requireNonNull(ide);
        devices = List.copyOf(devices);
    }

    /**
     * Attaches the standard devices to a machine that has not started yet (or from its emulation
     * thread), before a guest is loaded (the loader writes the MP tables for the APICs it finds).
     *
     * @param serialInput  what the guest reads from COM1
     * @param serialOutput where the guest's COM1 output goes
     * @param ide          the IDE controller with its disks inserted (an empty one for none)
     */
    public static StandardPc attach(Machine machine, InputStream serialInput, OutputStream serialOutput,
            IdeController ide) {
        Uart16550 com1 = new Uart16550("com1", Uart16550.COM1, serialInput, serialOutput);
        VgaText vga = new VgaText();
        List<MachineDevice> devices = List.of(com1, new DebugExitPort(), new MmioProbe(), new Pic8259Pair(),
                new Pit8254(), vga, new CmosRtc(), new Keyboard8042(), new LocalApic(), new IoApic(),
                new FirmwareConfig(), new PcTestDevice(), ide);
        for (MachineDevice device : devices) {
            machine.attach(device);
        }
        return new StandardPc(com1, vga, ide, devices);
    }
}
