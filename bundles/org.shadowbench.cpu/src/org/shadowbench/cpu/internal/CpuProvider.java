package org.shadowbench.cpu.internal;

import java.util.Objects;
import java.util.function.Function;

import org.osgi.service.component.annotations.Component;
import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.CpuFactory;
import org.shadowbench.cpu.InterruptController;
import org.shadowbench.cpu.IoPortBus;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.pool.PoolHooks;
import org.shadowbench.pool.ShadowPagePool;

/**
 * The bundle's {@link CpuFactory}: an OSGi service through Declarative Services, and a
 * {@link java.util.ServiceLoader} provider (listed in {@code META-INF/services}) for plain class paths,
 * which is why it keeps the public no-argument constructor.
 */
@Component(service = CpuFactory.class)
public final class CpuProvider implements CpuFactory {
    @Override
    public Cpu create(PhysicalMemory memory, PhysicalHandlerRegistry registry, Function<PoolHooks, ShadowPagePool> poolFactory,
            IoPortBus io, InterruptController interrupts) {
        return CpuCore.create(Objects.requireNonNull(memory, "memory"), Objects.requireNonNull(registry, "registry"),
                Objects.requireNonNull(poolFactory, "poolFactory"), Objects.requireNonNull(io, "io"),
                Objects.requireNonNull(interrupts, "interrupts"));
    }
}
