package org.shadowbench.machine.internal;

import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.IoPortBus;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.handlers.ShadowPageTables;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.EngineFactories;
import org.shadowbench.machine.InterruptBus;
import org.shadowbench.machine.LoadedGuest;
import org.shadowbench.machine.MachineClock;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.machine.PcMemoryLayout;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.pool.PoolConfiguration;
import org.shadowbench.pool.ShadowPagePool;

/**
 * The engine of one machine incarnation, layered bottom up: page model with the PC layout,
 * registry, pool (sized for the RAM as VirtualBox sizes it) and CPU, plus the port bus. A reset
 * builds a new one, from the same factories.
 */
public final class Engine {
    /** Receives a device's request to end the run. */
    @FunctionalInterface
    public interface ExitSink {
        void exit(int exitCode, String reason);
    }

    private final PhysicalMemory memory;
    private final PhysicalHandlerRegistry registry;
    private final IoPortBus io = new IoPortBus();
    private final IsaInterruptBus interrupts = new IsaInterruptBus();
    private final Cpu cpu;
    private final VirtualClock clock;
    private final DeviceContext deviceContext;

    public Engine(MachineConfiguration configuration, EngineFactories factories, ExitSink exits) {
        memory = factories.memory().create();
        PcMemoryLayout.buildPlatform(memory, configuration);
        registry = factories.registry().create(memory, ShadowPageTables.NONE, null);
        PoolConfiguration sized = PoolConfiguration.forGuestRam(configuration.ramSize());
        PoolConfiguration pages = configuration.poolPages() > 0 ? sized.withMaxPages(configuration.poolPages()) : sized;
        PoolConfiguration poolConfiguration = configuration.modificationLimit() > 0
                ? pages.withModificationLimit(configuration.modificationLimit()) : pages;
        cpu = factories.cpu().create(memory, registry,
                hooks -> factories.pool().create(memory, registry, poolConfiguration, hooks), io, interrupts);
        interrupts.setCpu(cpu);
        clock = new VirtualClock(cpu);
        deviceContext = new DeviceContext() {
            @Override
            public IoPortBus io() {
                return io;
            }

            @Override
            public PhysicalMemory memory() {
                return memory;
            }

            @Override
            public PhysicalHandlerRegistry registry() {
                return registry;
            }

            @Override
            public InterruptBus interrupts() {
                return interrupts;
            }

            @Override
            public MachineClock clock() {
                return clock;
            }

            @Override
            public long ramSize() {
                return configuration.ramSize();
            }

            @Override
            public void requestExit(int exitCode, String reason) {
                exits.exit(exitCode, reason);
            }
        };
    }

    public PhysicalMemory memory() {
        return memory;
    }

    public PhysicalHandlerRegistry registry() {
        return registry;
    }

    public ShadowPagePool pool() {
        return cpu.pool();
    }

    public Cpu cpu() {
        return cpu;
    }

    public IoPortBus io() {
        return io;
    }

    VirtualClock clock() {
        return clock;
    }

    public InterruptBus interrupts() {
        return interrupts;
    }

    /**
     * Does what a PC's firmware and boot loader do before a kernel runs (see {@link PcFirmware}): finds
     * and programs the serial ports, writes the BIOS data areas, the GDT and, when a local APIC is
     * connected, the MP tables, and leaves the CPU in flat protected mode on that GDT. Attach devices
     * first: the firmware describes what it finds. Runs after the loader, so that a refused image
     * leaves memory untouched; a guest loaded over the BIOS data areas keeps its bytes.
     */
    public void bootFirmware(LoadedGuest guest) {
        int[] identity = cpu.cpuid(1);
        new PcFirmware(memory, io).initialize(interrupts, identity[0], identity[3], guest);
        PcFirmware.enterLoaderState(cpu);
    }

    public DeviceContext deviceContext() {
        return deviceContext;
    }
}
