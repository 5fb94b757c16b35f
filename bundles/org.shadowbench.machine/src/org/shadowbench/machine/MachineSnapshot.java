package org.shadowbench.machine;

import java.util.List;

import org.shadowbench.cpu.CpuStatistics;
import org.shadowbench.handlers.RegistryStatistics;
import org.shadowbench.memory.MemoryStatistics;
import org.shadowbench.pool.PoolStatistics;

/**
 * An immutable picture of a machine taken on its emulation thread between two instructions, for
 * views and debuggers on other threads. Consecutive snapshots share the parts that did not change
 * (a range whose descriptors kept their version is the same {@link RangeSnapshot} object).
 *
 * @param sequence      1 for the machine's first snapshot, then counting up
 * @param instructions  instructions retired when it was taken
 * @param virtualNanos  the machine's virtual time then
 * @param cpu           the processor's registers
 * @param ranges        guest-physical ranges with their page descriptors, in address order
 * @param handlers      the registered physical access handlers, in address order
 * @param pool          the shadow page pool
 * @param devices       one line per attached device
 */
public record MachineSnapshot(long sequence, long instructions, long virtualNanos, CpuState cpu,
        List<RangeSnapshot> ranges, List<HandlerSnapshot> handlers, PoolSnapshot pool, List<DeviceSnapshot> devices,
        CpuStatistics cpuStatistics, RegistryStatistics registryStatistics, PoolStatistics poolStatistics,
        MemoryStatistics memoryStatistics) {
    public MachineSnapshot {
        ranges = List.copyOf(ranges);
        handlers = List.copyOf(handlers);
        devices = List.copyOf(devices);
    }

    /**
     * The processor's architectural state.
     *
     * @param registers EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI
     * @param selectors ES, CS, SS, DS, FS, GS
     */
    public record CpuState(List<Integer> registers, int eip, int eflags, List<Integer> selectors, List<Integer> bases,
            int cr0, int cr2, int cr3, int cr4, int cpl, boolean halted) {
        public CpuState {
            registers = List.copyOf(registers);
            selectors = List.copyOf(selectors);
            bases = List.copyOf(bases);
        }
    }

    /**
     * A registered physical access handler.
     *
     * @param kind       WRITE, ALL or MMIO
     * @param type       the handler type's description
     */
    public record HandlerSnapshot(long first, long last, String kind, String description, String type, int pages,
            int aliasedPages, int tempOffPages, long readHits, long writeHits) {
    }

    /** An attached device and what it says about itself. */
    public record DeviceSnapshot(String name, String summary) {
    }
}
