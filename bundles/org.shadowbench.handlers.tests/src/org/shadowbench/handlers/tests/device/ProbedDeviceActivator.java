package org.shadowbench.handlers.tests.device;

import java.util.function.Consumer;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.shadowbench.handlers.HandlerTypeService;

/** Publishes {@link ProbedDeviceType} while its (generated) bundle is active. */
public final class ProbedDeviceActivator implements BundleActivator {
    private ServiceRegistration<HandlerTypeService> registration;

    @Override
    @SuppressWarnings("unchecked")
    public void start(BundleContext context) throws Exception {
        ServiceReference<?>[] probes = context.getServiceReferences(Consumer.class.getName(), "(shadowbench.probe=true)");
        Consumer<String> probe = (Consumer<String>) context.getService(probes[0]);
        registration = context.registerService(HandlerTypeService.class, new ProbedDeviceType(probe), null);
    }

    @Override
    public void stop(BundleContext context) {
        registration.unregister();
    }
}
