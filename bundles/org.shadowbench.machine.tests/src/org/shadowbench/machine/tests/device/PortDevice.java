package org.shadowbench.machine.tests.device;

import java.util.function.Consumer;

import org.shadowbench.cpu.IoPortHandler;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.MachineDevice;

/** Port 0x600 reads 0x42; every call is reported to the test's probe. */
public final class PortDevice implements MachineDevice, IoPortHandler {
    public static final int PORT = 0x600;
    private final Consumer<String> probe;
    private DeviceContext context;

    PortDevice(Consumer<String> probe) {
        this.probe = probe;
    }

    @Override
    public String name() {
        return "test-port-device";
    }

    @Override
    public void attach(DeviceContext deviceContext) {
        deviceContext.io().register(PORT, 1, this);
        context = deviceContext;
        probe.accept("attach");
    }

    @Override
    public void detach() {
        context.io().unregister(this);
        context = null;
        probe.accept("detach");
    }

    @Override
    public int read(int port, int size) {
        probe.accept("read");
        return 0x42;
    }

    @Override
    public void write(int port, int size, int value) {
        probe.accept("write");
    }
}
