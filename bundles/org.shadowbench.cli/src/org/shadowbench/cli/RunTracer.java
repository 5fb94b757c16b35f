package org.shadowbench.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.shadowbench.cpu.CpuTracer;
import org.shadowbench.machine.Machine;

/**
 * The runner's window on the CPU's slow paths: {@code --trace handlers|pool|faults} lines on
 * standard error, and with {@code --check-traps} the four consistency checkers after every
 * trap-handler call (the first violation pauses the guest and fails the run).
 */
final class RunTracer implements CpuTracer {
    private final Machine machine;
    private final PrintStream err;
    private final boolean handlers;
    private final boolean pool;
    private final boolean faults;
    private final boolean checkTraps;
    private final List<String> problems = new ArrayList<>();
    private long traps;

    RunTracer(Machine machine, RunOptions options, PrintStream err) {
        this.machine = machine;
        this.err = err;
        this.handlers = options.traces.contains(RunOptions.Trace.HANDLERS);
        this.pool = options.traces.contains(RunOptions.Trace.POOL);
        this.faults = options.traces.contains(RunOptions.Trace.FAULTS);
        this.checkTraps = options.checkTraps;
    }

    boolean active() {
        return handlers || pool || faults || checkTraps;
    }

    /** Violations found after a trap (empty unless {@code --check-traps} found some). */
    List<String> problems() {
        return problems;
    }

    @Override
    public void event(int vector, int errorCode, int eip, int cr2) {
        if (faults) {
            err.printf(Locale.ROOT, "[fault] vector %d%s at eip %#010x%s%n", vector,
                    errorCode < 0 ? "" : String.format(" error %#x", errorCode), eip,
                    vector == 14 ? String.format(" cr2 %#010x", cr2) : "");
        }
    }

    @Override
    public void handlerAccess(long physical, int size, boolean write, long value) {
        if (handlers) {
            err.printf(Locale.ROOT, "[handler] %s %#010x/%d%s%n", write ? "write" : "read ", physical, size,
                    write ? String.format(" = %#x", value) : "");
        }
    }

    @Override
    public void shadowSync(int linear, long physical, boolean write) {
        if (pool) {
            err.printf(Locale.ROOT, "[pool] sync %#010x -> %#010x for a %s%n", linear, physical, write ? "write" : "read");
        }
    }

    @Override
    public void tlbFlush(boolean byPool) {
        if (pool && byPool) {
            err.println("[pool] shadow entries changed: TLB flushed");
        }
    }

    @Override
    public void cr3Sync(boolean poolCleared) {
        if (pool) {
            err.println("[pool] CR3 sync" + (poolCleared ? " after clearing the pool" : ""));
        }
    }

    @Override
    public void trapHandled(int linear) {
        if (!checkTraps || !problems.isEmpty()) {
            return;
        }
        traps++;
        List<String> found = machine.check();
        if (!found.isEmpty()) {
            problems.add(String.format("after trap %d (linear %#x): %s", traps, linear, found.get(0)));
            problems.addAll(found.subList(1, found.size()));
            machine.pause();
        }
    }
}
