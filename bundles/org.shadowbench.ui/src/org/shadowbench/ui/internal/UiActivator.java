package org.shadowbench.ui.internal;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.shadowbench.ui.MachineSessions;

/** Creates the session registry and publishes it; terminates every machine when the bundle stops. */
public final class UiActivator implements BundleActivator {
    private static volatile SessionRegistry registry;
    private ServiceRegistration<MachineSessions> registration;

    @Override
    public void start(BundleContext context) {
        registry = new SessionRegistry(context);
        registration = context.registerService(MachineSessions.class, registry, null);
    }

    @Override
    public void stop(BundleContext context) {
        registration.unregister();
        registry.shutdown();
        registry = null;
    }

    /** The registry of this bundle's running machines. */
    public static SessionRegistry sessions() {
        SessionRegistry current = registry;
        if (current == null) {
            throw new IllegalStateException("org.shadowbench.ui is not active");
        }
        return current;
    }
}
