package org.shadowbench.machine.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.shadowbench.machine.DeviceCatalog;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineDevice;

/**
 * The device whiteboard: Felix SCR binds each {@link MachineDevice} service as it arrives and
 * unbinds it while it departs, before the service is gone. Each connected machine gets its own
 * instance through the service's {@link ComponentServiceObjects}; attaching and detaching run on
 * the machine's emulation thread, and a departure waits for every machine's detach.
 */
@Component(service = DeviceCatalog.class, immediate = true)
public final class DeviceWhiteboard implements DeviceCatalog {
    /** How long a departure waits for a machine's emulation thread before giving up on it. */
    private static final long DETACH_TIMEOUT_SECONDS = 30;

    private final List<ComponentServiceObjects<MachineDevice>> services = new CopyOnWriteArrayList<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();

    /** One machine's instances of the device services. */
    private final class Connection implements AutoCloseable {
        private final Machine machine;
        private final Map<ComponentServiceObjects<MachineDevice>, MachineDevice> instances = new ConcurrentHashMap<>();

        Connection(Machine machine) {
            this.machine = machine;
        }

        void add(ComponentServiceObjects<MachineDevice> objects) {
            MachineDevice device = objects.getService();
            try {
                machine.execute(m -> m.attach(device)).get(DETACH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                instances.put(objects, device);
            } catch (Exception e) {
                objects.ungetService(device);
                refusals.add(device.name() + ": " + reason(e));
            }
        }

        void remove(ComponentServiceObjects<MachineDevice> objects) {
            MachineDevice device = instances.remove(objects);
            if (device == null) {
                return;
            }
            try {
                machine.execute(m -> m.detach(device)).get(DETACH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                refusals.add(device.name() + ": detach failed: " + reason(e));
            } finally {
                objects.ungetService(device);
            }
        }

        @Override
        public void close() {
            connections.remove(this);
            for (ComponentServiceObjects<MachineDevice> objects : new ArrayList<>(instances.keySet())) {
                remove(objects);
            }
        }
    }

    private static String reason(Exception e) {
        Throwable cause = e instanceof CompletionException || e instanceof java.util.concurrent.ExecutionException
                ? e.getCause() : e;
        if (cause instanceof TimeoutException) {
            return "the machine's emulation thread did not answer";
        }
        return String.valueOf(cause.getMessage());
    }

    /** Binds an arriving device service and attaches it to every connected machine. */
    @Reference(service = MachineDevice.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeDevice")
    public void addDevice(ComponentServiceObjects<MachineDevice> objects) {
        services.add(objects);
        for (Connection connection : connections) {
            connection.add(objects);
        }
    }

    /** Unbinds a departing device service after detaching it from every machine. */
    public void removeDevice(ComponentServiceObjects<MachineDevice> objects) {
        services.remove(objects);
        for (Connection connection : connections) {
            connection.remove(objects);
        }
    }

    @Override
    public List<String> deviceNames() {
        List<String> names = new ArrayList<>();
        for (ComponentServiceObjects<MachineDevice> objects : services) {
            Object name = objects.getServiceReference().getProperty("shadowbench.device");
            names.add(name != null ? name.toString() : String.valueOf(objects.getServiceReference().getProperty("component.name")));
        }
        return names;
    }

    @Override
    public AutoCloseable connect(Machine machine) {
        Connection connection = new Connection(Objects.requireNonNull(machine));
        connections.add(connection);
        for (ComponentServiceObjects<MachineDevice> objects : services) {
            connection.add(objects);
        }
        return connection;
    }

    @Override
    public List<String> refusals() {
        return List.copyOf(refusals);
    }
}
