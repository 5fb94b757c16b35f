package org.shadowbench.devices.debugexit;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.shadowbench.cpu.IoPortHandler;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.MachineDevice;

/**
 * QEMU's isa-debug-exit: a write of {@code v} to port 0xf4 ends the run with exit code
 * {@code (v << 1) | 1}, so that a guest's "success" can never be mistaken for the runner's own 0.
 * Also Bochs's shutdown port (0x8900): writing the string "Shutdown" to it powers off, exit code 0.
 */
@Component(service = MachineDevice.class, scope = ServiceScope.PROTOTYPE, property = "shadowbench.device=debug-exit")
public final class DebugExitPort implements MachineDevice {
    /** The isa-debug-exit port. */
    public static final int PORT = 0xf4;
    /** Bochs's shutdown port. */
    public static final int BOCHS_SHUTDOWN_PORT = 0x8900;
    private static final String SHUTDOWN = "Shutdown";

    private DeviceContext context;
    private int matched;

    private final IoPortHandler exitPort = new IoPortHandler() {
        @Override
        public int read(int port, int size) {
            return 0;
        }

        @Override
        public void write(int port, int size, int value) {
            int code = (value << 1) | 1;
            context.requestExit(code, String.format("the guest wrote %#x to the debug-exit port", value));
        }
    };

    private final IoPortHandler shutdownPort = new IoPortHandler() {
        @Override
        public int read(int port, int size) {
            return 0;
        }

        @Override
        public void write(int port, int size, int value) {
            for (int i = 0; i < size; i++) {
                accept((value >>> (8 * i)) & 0xff);
            }
        }
    };

    private void accept(int character) {
        if (character == SHUTDOWN.charAt(matched)) {
            matched++;
            if (matched == SHUTDOWN.length()) {
                matched = 0;
                context.requestExit(0, "the guest wrote \"Shutdown\" to the Bochs shutdown port");
            }
        } else {
            matched = character == SHUTDOWN.charAt(0) ? 1 : 0;
        }
    }

    @Override
    public String name() {
        return "debug-exit";
    }

    @Override
    public void attach(DeviceContext deviceContext) {
        deviceContext.io().register(PORT, 1, exitPort);
        deviceContext.io().register(BOCHS_SHUTDOWN_PORT, 1, shutdownPort);
        context = deviceContext;
    }

    @Override
    public void detach() {
        if (context != null) {
            context.io().unregister(exitPort);
            context.io().unregister(shutdownPort);
            context = null;
        }
    }

    @Override
    public void reset() {
        matched = 0;
    }
}
