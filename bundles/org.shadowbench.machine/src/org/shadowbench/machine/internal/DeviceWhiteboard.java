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
import org.shadowbench.handlers.HandlerTypeCatalog;
import org.shadowbench.machine.DeviceCatalog;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineDevice;

/**
 * The device whiteboard: Felix SCR binds each {@link MachineDevice} service as it arrives and
 * unbinds it while it departs, before the service is gone. Each connected machine gets its own
 * instance through the service's {@link ComponentServiceObjects}; attaching and detaching run on
 * the machine's emulation thread, and a departure waits for every machine's detach. Connected
 * machines are also attached to the {@link HandlerTypeCatalog}, so that a departing handler type
 * service is retired from their registries on their emulation threads.
 */
@Component(service = DeviceCatalog.class, immediate = true)
public final class DeviceWhiteboard implements DeviceCatalog {
    /** How long a departure waits for a machine's emulation thread before giving up on it. */
    private static final long DETACH_TIMEOUT_SECONDS = 30;

    private final List<ComponentServiceObjects<MachineDevice>> services = new CopyOnWriteArrayList<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();

    /** The handler type whiteboard, when present. */
    private volatile HandlerTypeCatalog handlerTypes;

    /** One machine's instances of the device services. */
    private final class Connection implements AutoCloseable {
        private final Machine machine;
        private final Map<ComponentServiceObjects<MachineDevice>, MachineDevice> instances = new ConcurrentHashMap<>();
        private volatile AutoCloseable typeAttachment;

        Connection(Machine machine) {
            this.machine = machine;
        }

        void attachTypes(HandlerTypeCatalog catalog) {
            typeAttachment = catalog.attach(machine::registry, this::onEmulationThread);
        }

        void detachTypes() {
            AutoCloseable attachment = typeAttachment;
            typeAttachment = null;
            if (attachment != null) {
                try {
                    attachment.close();
                } catch (Exception e) {
                    refusals.add("handler types: " + reason(e));
                }
            }
        }

        /**
         * Runs a task on the machine's emulation thread and waits for it. A closed machine, or one whose
         * thread does not answer, has it run here: the catalog waits for the task and must not hang.
         */
        private void onEmulationThread(Runnable task) {
            try {
                machine.execute(m -> task.run()).get(DETACH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (machine.state() == org.shadowbench.machine.RunState.CLOSED) {
                    task.run();
                } else {
                    throw new CompletionException(e.getCause());
                }
            } catch (TimeoutException e) {
                refusals.add("handler types: " + reason(e));
                task.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                task.run();
            }
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
            detachTypes();
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

    /** Binds the handler type whiteboard: connected machines follow departing types from now on. */
    @Reference(service = HandlerTypeCatalog.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetHandlerTypes")
    public void setHandlerTypes(HandlerTypeCatalog catalog) {
        handlerTypes = catalog;
        for (Connection connection : connections) {
            connection.attachTypes(catalog);
        }
    }

    /** Unbinds the handler type whiteboard. */
    public void unsetHandlerTypes(HandlerTypeCatalog catalog) {
        if (handlerTypes == catalog) {
            handlerTypes = null;
            for (Connection connection : connections) {
                connection.detachTypes();
            }
        }
    }

    @Override
    public AutoCloseable connect(Machine machine) {
        Connection connection = new Connection(Objects.requireNonNull(machine));
        HandlerTypeCatalog catalog = handlerTypes;
        if (catalog != null) {
            connection.attachTypes(catalog);
        }
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
