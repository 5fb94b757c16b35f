package org.shadowbench.debug.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.core.model.ILaunchConfigurationDelegate;
import org.shadowbench.debug.ShadowbenchDebug;
import org.shadowbench.devices.ide.DiskImage;
import org.shadowbench.devices.ide.DiskImageException;
import org.shadowbench.devices.ide.IdeController;
import org.shadowbench.machine.GuestLoadException;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.machine.MultibootModule;
import org.shadowbench.memory.PgmException;
import org.shadowbench.pc.StandardPc;

/**
 * Launches a "Shadowbench Guest": reads the kernel, modules and disks the configuration names
 * (every file is checked before the machine is built), builds the {@link StandardPc} with COM1 kept
 * for the target, loads the kernel as multiboot, starts the emulation thread and adds a
 * {@link GuestDebugTarget}. In debug mode the target installs the linear breakpoints; in run mode it
 * does not, but can still be suspended and inspected.
 *
 * <p>A plain {@link ILaunchConfigurationDelegate}: there is nothing in the workspace to build first.
 */
public final class GuestLaunchDelegate implements ILaunchConfigurationDelegate {

    @Override
    public void launch(ILaunchConfiguration configuration, String mode, ILaunch launch, IProgressMonitor monitor)
            throws CoreException {
        String guestPath = configuration.getAttribute(ShadowbenchDebug.ATTR_GUEST, "");
        if (guestPath.isBlank()) {
            throw failure("no guest kernel: set " + ShadowbenchDebug.ATTR_GUEST, null);
        }
        Path guest = Path.of(guestPath);
        byte[] image = read(guest, "guest");
        List<MultibootModule> modules = new ArrayList<>();
        for (String module : configuration.getAttribute(ShadowbenchDebug.ATTR_MODULES, List.<String>of())) {
            Path file = Path.of(module);
            modules.add(new MultibootModule(read(file, "module"), file.getFileName().toString()));
        }
        int ramMiB = configuration.getAttribute(ShadowbenchDebug.ATTR_RAM_MIB, ShadowbenchDebug.DEFAULT_RAM_MIB);
        MachineConfiguration machineConfiguration;
        try {
            machineConfiguration = MachineConfiguration.defaults().withRam((long) ramMiB << 20)
                    .withPoolPages(configuration.getAttribute(ShadowbenchDebug.ATTR_POOL_PAGES, 0))
                    .withModificationLimit(configuration.getAttribute(ShadowbenchDebug.ATTR_MODIFICATION_LIMIT, 0));
        } catch (PgmException e) {
            throw failure(e.getMessage(), e);
        }
        List<AutoCloseable> resources = new ArrayList<>();
        IdeController ide = new IdeController();
        boolean snapshot = configuration.getAttribute(ShadowbenchDebug.ATTR_DISK_SNAPSHOT, false);
        List<String> disks = configuration.getAttribute(ShadowbenchDebug.ATTR_DISKS, List.<String>of());
        if (disks.size() > IdeController.DRIVES) {
            throw failure(disks.size() + " disks: the IDE controller takes at most " + IdeController.DRIVES, null);
        }
        Machine machine = null;
        SerialStreams serial = null;
        try {
            for (int index = 0; index < disks.size(); index++) {
                DiskImage disk = DiskImage.open(Path.of(disks.get(index)), snapshot);
                resources.add(disk);
                ide.insert(index, disk);
            }
            machine = new Machine(machineConfiguration);
            serial = new SerialStreams(configuration.getAttribute(ShadowbenchDebug.ATTR_GUEST_ECHOES, true));
            StandardPc pc = StandardPc.attach(machine, serial.com1().guestInput(), serial.com1().guestOutput(), ide);
            String commandLine = configuration.getAttribute(ShadowbenchDebug.ATTR_COMMAND_LINE, "");
            if (commandLine.isEmpty()) {
                commandLine = guest.getFileName().toString();
            }
            machine.loadMultiboot(image, commandLine, modules);
            machine.start();
            GuestDebugTarget target = new GuestDebugTarget(launch, machine, pc, serial, resources, guest, commandLine,
                    ILaunchManager.DEBUG_MODE.equals(mode));
            // The console reads bytes: ISO-8859-1 keeps each one a character (a guest's UTF-8 shows as bytes).
            launch.setAttribute(DebugPlugin.ATTR_CONSOLE_ENCODING, "ISO-8859-1");
            launch.addProcess(target.createProcess());
            launch.addDebugTarget(target);
            target.start(configuration.getAttribute(ShadowbenchDebug.ATTR_STOP_AT_ENTRY, false));
        } catch (DiskImageException | GuestLoadException | RuntimeException e) {
            if (machine != null) {
                machine.close();
            }
            if (serial != null) {
                serial.close();
            }
            for (AutoCloseable resource : resources) {
                try {
                    resource.close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            throw failure(guest.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file, String what) throws CoreException {
        try {
            if (Files.isDirectory(file)) {
                throw failure(what + " " + file + " is a directory, not a file", null);
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw failure("cannot read " + what + " " + file + ": " + e, e);
        }
    }

    private static CoreException failure(String message, Throwable cause) {
        return new CoreException(GuestDebugTarget.status(message, cause));
    }
}
