package org.shadowbench.machine;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.shadowbench.cpu.ReadOnlyCpu;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.SegmentRegister;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.memory.RamRange;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.PoolPageInfo;
import org.shadowbench.pool.ReadOnlyShadowPagePool;
import org.shadowbench.pool.ShadowPagePool;

/**
 * Takes {@link MachineSnapshot}s on the emulation thread, reusing the previous snapshot's range
 * pictures whose descriptors did not change since.
 */
final class Snapshots {
    private Map<RamRange, RangeSnapshot> previous = new IdentityHashMap<>();
    private long sequence;

    MachineSnapshot take(Machine machine, List<MachineDevice> devices) {
        ReadOnlyCpu cpu = machine.cpu();
        Map<RamRange, RangeSnapshot> current = new IdentityHashMap<>();
        List<RangeSnapshot> ranges = new ArrayList<>();
        for (RamRange range : machine.memory().ranges()) {
            RangeSnapshot picture = previous.get(range);
            if (picture == null || picture.version() != range.version() || picture.first() != range.first()) {
                picture = new RangeSnapshot(range, picture);
            }
            current.put(range, picture);
            ranges.add(picture);
        }
        previous = current;
        List<MachineSnapshot.HandlerSnapshot> handlers = new ArrayList<>();
        for (PhysicalHandler handler : machine.registry().handlers()) {
            handlers.add(new MachineSnapshot.HandlerSnapshot(handler.first(), handler.last(), handler.type().kind().name(),
                    handler.description(), handler.type().description(), handler.pageCount(), handler.aliasedPageCount(),
                    handler.tempOffPageCount(), handler.readHits(), handler.writeHits()));
        }
        List<MachineSnapshot.DeviceSnapshot> deviceList = new ArrayList<>();
        for (MachineDevice device : devices) {
            deviceList.add(new MachineSnapshot.DeviceSnapshot(device.name(), device.summary()));
        }
        return new MachineSnapshot(++sequence, cpu.instructions(), machine.clock().nanos(), cpuState(cpu), ranges, handlers,
                pool(machine.pool()), deviceList, cpu.statistics(), machine.registry().statistics(), machine.pool().statistics(),
                machine.memory().statistics());
    }

    private static MachineSnapshot.CpuState cpuState(ReadOnlyCpu cpu) {
        List<Integer> registers = new ArrayList<>();
        for (Register r : Register.values()) {
            registers.add(cpu.register(r));
        }
        List<Integer> selectors = new ArrayList<>();
        List<Integer> bases = new ArrayList<>();
        for (SegmentRegister s : SegmentRegister.values()) {
            selectors.add(cpu.segmentSelector(s));
            bases.add(cpu.segmentBase(s));
        }
        return new MachineSnapshot.CpuState(registers, cpu.eip(), cpu.eflags(), selectors, bases, cpu.controlRegister(0),
                cpu.controlRegister(2), cpu.controlRegister(3), cpu.controlRegister(4), cpu.cpl(), cpu.halted());
    }

    private static PoolSnapshot pool(ReadOnlyShadowPagePool pool) {
        List<PoolPageInfo> pages = new ArrayList<>();
        List<List<Integer>> chains = new ArrayList<>();
        for (int page = ShadowPagePool.ROOT_32BIT_PD; page < pool.currentPages(); page++) {
            PoolKind kind = pool.kind(page);
            if (kind == PoolKind.FREE || kind == PoolKind.INVALID) {
                continue;
            }
            PoolPageInfo info = pool.page(page);
            pages.add(info);
            if (info.monitored()) {
                List<Integer> chain = pool.monitorChain(page);
                if (!chain.isEmpty() && chain.get(0) == page) {
                    chains.add(chain);
                }
            }
        }
        return new PoolSnapshot(pages, pool.ageList(), chains, pool.modifiedList(), pool.freePages(), pool.currentPages(),
                pool.configuration().maxPages());
    }
}
