package org.shadowbench.benchmarks;

import java.util.HexFormat;

import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.InterruptController;
import org.shadowbench.cpu.IoPortBus;
import org.shadowbench.cpu.Register;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.handlers.ShadowPageTables;
import org.shadowbench.machine.EngineFactories;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.pool.PoolConfiguration;
import org.shadowbench.pool.ShadowPagePool;

/**
 * A bare machine for CPU benchmarks: 16 MiB of RAM, flat protected mode, optionally 32-bit paging
 * that identity-maps all of it, and code loaded at {@link #CODE}.
 */
public final class GuestMachine {
    public static final int RAM = 16 << 20;
    public static final int CODE = 0x10000;
    public static final int DATA = 0x200000;
    public static final int PAGE_DIRECTORY = 0x400000;

    public final PhysicalMemory memory = EngineFactories.standard().memory().create();
    public final PhysicalHandlerRegistry registry;
    public final Cpu cpu;

    public GuestMachine(boolean paging) {
        memory.registerRam(0, RAM - 1, "RAM");
        EngineFactories factories = EngineFactories.standard();
        registry = factories.registry().create(memory, ShadowPageTables.NONE, null);
        cpu = factories.cpu().create(memory, registry,
                hooks -> factories.pool().create(memory, registry, PoolConfiguration.forGuestRam(RAM), hooks), new IoPortBus(),
                InterruptController.NONE);
        cpu.enterFlatProtectedMode();
        if (paging) {
            int tables = PAGE_DIRECTORY + 0x1000;
            for (int t = 0; t < RAM >>> 22; t++) {
                memory.write(PAGE_DIRECTORY + 4L * t, 4, (tables + 0x1000L * t) | 0x7);
                for (int i = 0; i < 1024; i++) {
                    memory.write(tables + 0x1000L * t + 4L * i, 4, ((long) t << 22) + ((long) i << 12) | 0x7);
                }
            }
            cpu.setControlRegister(3, PAGE_DIRECTORY);
            cpu.setControlRegister(0, cpu.controlRegister(0) | 0x8000_0000);
        }
        cpu.setRegister(Register.ESP, 0x80000);
    }

    public void load(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
        memory.write(CODE, bytes, 0, bytes.length);
        cpu.setEip(CODE);
    }
}
