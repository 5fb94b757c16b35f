package org.example.shadowbench.ticker;

import org.osgi.service.component.annotations.Component;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerTypeService;
import org.shadowbench.handlers.PhysicalAccess;

/**
 * The handler type of the ticker's registers, published as a service: Shadowbench's registries
 * create handlers of it on demand and retire them all if this bundle goes away. One service serves
 * every machine; each handler's user argument is the machine's own {@link TickerDevice}.
 */
@Component(service = HandlerTypeService.class)
public final class TickerRegisters implements HandlerTypeService {
    @Override
    public HandlerKind kind() {
        return HandlerKind.MMIO;
    }

    @Override
    public String description() {
        return "example ticker registers";
    }

    @Override
    public AccessOutcome onAccess(PhysicalAccess access, Object device) {
        return ((TickerDevice) device).access(access);
    }
}
