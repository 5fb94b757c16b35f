package org.shadowbench.handlers.internal;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.shadowbench.handlers.HandlerTypeCatalog;
import org.shadowbench.handlers.HandlerTypeService;
import org.shadowbench.handlers.PhysicalHandlerRegistry;

/**
 * The whiteboard for handler type services: Felix SCR binds every {@link HandlerTypeService} as it
 * arrives and unbinds it while it departs. Unbinding happens before the service is gone, so
 * retiring the type on each attached registry's engine thread, and waiting for that, guarantees
 * no callback reaches the departed code afterwards.
 */
@Component(service = HandlerTypeCatalog.class, immediate = true)
public final class HandlerTypeWhiteboard implements HandlerTypeCatalog {
    private final List<HandlerTypeService> types = new CopyOnWriteArrayList<>();
    private final List<Attachment> attachments = new CopyOnWriteArrayList<>();

    private record Attachment(Supplier<PhysicalHandlerRegistry> registry, Executor engine) {
        void retire(HandlerTypeService type) {
            CompletableFuture.runAsync(() -> registry.get().retireType(type), engine).join();
        }
    }

    /** Binds an arriving type service. */
    @Reference(service = HandlerTypeService.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removeType")
    public void addType(HandlerTypeService type) {
        types.add(type);
    }

    /** Unbinds a departing type service, retiring it in every attached registry first. */
    public void removeType(HandlerTypeService type) {
        types.remove(type);
        for (Attachment attachment : attachments) {
            attachment.retire(type);
        }
    }

    @Override
    public List<HandlerTypeService> types() {
        return List.copyOf(types);
    }

    @Override
    public AutoCloseable attach(Supplier<PhysicalHandlerRegistry> registry, Executor engine) {
        Attachment attachment = new Attachment(Objects.requireNonNull(registry), Objects.requireNonNull(engine));
        attachments.add(attachment);
        return () -> attachments.remove(attachment);
    }
}
