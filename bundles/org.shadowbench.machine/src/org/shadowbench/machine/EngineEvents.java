package org.shadowbench.machine;

import org.shadowbench.cpu.CpuTracer;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.PoolObserver;

/**
 * Turns the CPU's slow-path notices and the pool's structural events into {@link EventStream}
 * events, and passes the CPU's notices on to the user's tracer (traces, checked runs).
 */
final class EngineEvents implements CpuTracer, PoolObserver {
    private final EventStream stream;
    private final MachineClock clock;
    private final Machine machine;

    EngineEvents(EventStream stream, MachineClock clock, Machine machine) {
        this.stream = stream;
        this.clock = clock;
        this.machine = machine;
    }

    private CpuTracer user() {
        return machine.tracer();
    }

    @Override
    public void event(int vector, int errorCode, int eip, int cr2) {
        stream.record(EventStream.Kind.GUEST_FAULT, clock.nanos(), vector, errorCode);
        CpuTracer user = user();
        if (user != null) {
            user.event(vector, errorCode, eip, cr2);
        }
    }

    @Override
    public void handlerAccess(long physical, int size, boolean write, long value) {
        stream.record(write ? EventStream.Kind.HANDLER_WRITE : EventStream.Kind.HANDLER_READ, clock.nanos(), physical, size);
        CpuTracer user = user();
        if (user != null) {
            user.handlerAccess(physical, size, write, value);
        }
    }

    @Override
    public void shadowSync(int linear, long physical, boolean write) {
        stream.record(EventStream.Kind.SHADOW_SYNC, clock.nanos(), linear & 0xffff_ffffL, physical);
        CpuTracer user = user();
        if (user != null) {
            user.shadowSync(linear, physical, write);
        }
    }

    @Override
    public void tlbFlush(boolean byPool) {
        if (byPool) {
            stream.record(EventStream.Kind.TLB_FLUSH, clock.nanos(), 0, 0);
        }
        CpuTracer user = user();
        if (user != null) {
            user.tlbFlush(byPool);
        }
    }

    @Override
    public void cr3Sync(boolean poolCleared) {
        stream.record(EventStream.Kind.CR3_SYNC, clock.nanos(), poolCleared ? 1 : 0, 0);
        CpuTracer user = user();
        if (user != null) {
            user.cr3Sync(poolCleared);
        }
    }

    @Override
    public void trapHandled(int linear) {
        CpuTracer user = user();
        if (user != null) {
            user.trapHandled(linear);
        }
    }

    @Override
    public void allocated(int page, PoolKind kind, long gcPhys, boolean cached) {
        stream.record(cached ? EventStream.Kind.POOL_CACHE_HIT : EventStream.Kind.POOL_ALLOC, clock.nanos(), page, gcPhys);
    }

    @Override
    public void flushed(int page, PoolKind kind, long gcPhys) {
        stream.record(EventStream.Kind.POOL_FLUSH, clock.nanos(), page, gcPhys);
    }

    @Override
    public void evicting(int page) {
        stream.record(EventStream.Kind.POOL_EVICT, clock.nanos(), page, 0);
    }

    @Override
    public void monitorChanged(int page, long gcPhys, boolean monitored) {
        stream.record(monitored ? EventStream.Kind.MONITOR_ON : EventStream.Kind.MONITOR_OFF, clock.nanos(), page, gcPhys);
    }
}
