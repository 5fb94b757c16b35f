package org.shadowbench.devices.serial;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.shadowbench.machine.MachineDevice;

/**
 * COM1 as an OSGi device service: one UART per machine (prototype scope), connected to the
 * process's standard streams.
 */
@Component(service = MachineDevice.class, scope = ServiceScope.PROTOTYPE, property = "shadowbench.device=com1")
public final class Com1 extends Uart16550 {
    public Com1() {
        super("com1", COM1, System.in, System.out);
    }
}
