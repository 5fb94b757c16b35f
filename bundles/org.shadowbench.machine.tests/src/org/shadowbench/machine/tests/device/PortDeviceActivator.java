package org.shadowbench.machine.tests.device;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.PrototypeServiceFactory;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.shadowbench.machine.MachineDevice;

/**
 * A device bundle as an outsider would write it without DS: it publishes a prototype-scoped
 * {@link MachineDevice} service, one {@link PortDevice} per machine.
 */
public final class PortDeviceActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("shadowbench.device", "test-port-device");
        context.registerService(MachineDevice.class, new PrototypeServiceFactory<MachineDevice>() {
            @Override
            public MachineDevice getService(org.osgi.framework.Bundle bundle, ServiceRegistration<MachineDevice> registration) {
                return new PortDevice(probe(context));
            }

            @Override
            public void ungetService(org.osgi.framework.Bundle bundle, ServiceRegistration<MachineDevice> registration,
                    MachineDevice service) {
            }
        }, properties);
    }

    /** The test's recorder of device calls, a {@code Consumer<String>} service, if present. */
    @SuppressWarnings("unchecked")
    private static java.util.function.Consumer<String> probe(BundleContext context) {
        try {
            ServiceReference<?>[] references = context.getServiceReferences(java.util.function.Consumer.class.getName(),
                    "(shadowbench.probe=true)");
            if (references == null) {
                return s -> {
                };
            }
            return (java.util.function.Consumer<String>) context.getService(references[0]);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop(BundleContext context) {
        // The framework unregisters the service; the whiteboard detaches the devices first.
    }
}
