package org.shadowbench.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.shadowbench.cpu.CpuStatistics;
import org.shadowbench.devices.vga.VgaText;
import org.shadowbench.devices.serial.Uart16550;
import org.shadowbench.handlers.RegistryStatistics;
import org.shadowbench.machine.EventStream;
import org.shadowbench.machine.GuestLoadException;
import org.shadowbench.machine.LoadedGuest;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MultibootModule;
import org.shadowbench.machine.RunResult;
import org.shadowbench.pc.StandardPc;
import org.shadowbench.pool.PoolStatistics;

/**
 * {@code shadowbench run}: loads a guest into the {@link StandardPc} (its IDE controller with the
 * {@code --disk} images, COM1 on the console), runs it,
 * and reports. The guest's serial output goes to standard output; traces, dumps and the summary
 * go to standard error.
 *
 * <p>Exit codes: the guest's own (from the debug-exit port, always odd, or 0 from the Bochs
 * shutdown port); 2 for bad input; and, even so that they cannot be mistaken for a debug-exit
 * code, 4 when the CPU shut down (triple fault), 6 when it halted with nothing to wake it, 8 when
 * the instruction limit and 10 when the time limit ended the run, 12 when a consistency check failed or
 * an internal error of the emulator stopped the machine.
 */
final class RunCommand {
    static final int EXIT_SHUTDOWN = 4;
    static final int EXIT_HALTED = 6;
    static final int EXIT_INSTRUCTION_LIMIT = 8;
    static final int EXIT_TIMEOUT = 10;
    static final int EXIT_INCONSISTENT = 12;
    /** How many of the last events {@code --info events} shows. */
    private static final int RECENT_EVENTS = 24;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    RunCommand(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    int run(RunOptions options) throws UsageException {
        byte[] image = read(options.guest, "guest");
        List<MultibootModule> modules = new ArrayList<>();
        for (Path module : options.modules) {
            modules.add(new MultibootModule(read(module, "module"), module.getFileName().toString()));
        }
        try (DiskSet disks = DiskSet.open(options); Machine machine = new Machine(options.configuration);
                TerminalMode terminal = in == System.in ? TerminalMode.rawIfInteractive() : null) {
            EventStream.Reader events = machine.events().reader();
            ConsoleInput console = new ConsoleInput(in, err, machine::pause);
            StandardPc pc = StandardPc.attach(machine, console, out, disks.controller());
            Uart16550 com1 = pc.com1();
            VgaText vga = pc.vga();
            LoadedGuest guest = load(machine, options, image, modules);
            if (!options.quiet) {
                err.printf(Locale.ROOT, "shadowbench: %s: %s, entry %#x, %s of RAM%n", options.guest.getFileName(),
                        guest.format(), guest.entry(), org.shadowbench.memory.ByteCount.format(options.configuration.ramSize()));
                disks.describe(err);
            }
            RunTracer tracer = new RunTracer(machine, options, err);
            if (tracer.active()) {
                machine.setTracer(tracer);
            }
            machine.start();
            if (!options.fastPath) {
                machine.execute(m -> m.cpu().setFastPathEnabled(false)).join();
                if (!options.quiet) {
                    err.println("shadowbench: fast path off: every instruction through the general executor");
                }
            }
            RunResult result = machine.run(options.maxInstructions, options.timeout).join();
            com1.flush();
            if (terminal != null) {
                terminal.close(); // the summary is printed on a terminal in its usual mode
            }
            return machine.submit(m -> report(m, options, result, console.quitRequested(), tracer, vga, events)).join();
        }
    }

    private LoadedGuest load(Machine machine, RunOptions options, byte[] image, List<MultibootModule> modules)
            throws UsageException {
        try {
            if (options.loadAddress != null) {
                return machine.loadFlat(image, options.loadAddress);
            }
            return machine.loadMultiboot(image, options.commandLine, modules);
        } catch (GuestLoadException e) {
            throw new UsageException(options.guest + ": " + e.getMessage());
        }
    }

    private static byte[] read(Path file, String what) throws UsageException {
        try {
            if (Files.isDirectory(file)) {
                throw new UsageException(what + " " + file + " is a directory, not a file");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UsageException("cannot read " + what + " " + file + ": no such file");
        } catch (IOException e) {
            throw new UsageException("cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }

    /** Runs on the emulation thread: checks, dumps, the summary; returns the exit code. */
    private int report(Machine machine, RunOptions options, RunResult result, boolean userQuit, RunTracer tracer,
            VgaText vga, EventStream.Reader events) {
        List<String> problems = new ArrayList<>(tracer.problems());
        try {
            problems.addAll(machine.check());
        } catch (RuntimeException e) {
            problems.add("the consistency checkers themselves failed: " + e);
        }
        try {
            dumps(machine, options, vga, events);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int exitCode = switch (result.cause()) {
            case PAUSED -> userQuit ? 0 : EXIT_SHUTDOWN;
            case EXIT -> result.exitCode() & 0xff;
            case SHUTDOWN -> EXIT_SHUTDOWN;
            case HALTED -> EXIT_HALTED;
            case INSTRUCTION_LIMIT -> EXIT_INSTRUCTION_LIMIT;
            case TIMEOUT -> EXIT_TIMEOUT;
            case FAILED -> EXIT_INCONSISTENT;
            default -> EXIT_SHUTDOWN;
        };
        if (!problems.isEmpty()) {
            exitCode = EXIT_INCONSISTENT;
        }
        String name = options.guest.getFileName().toString();
        String outcome = switch (result.cause()) {
            case PAUSED -> userQuit ? "was quit from the console (Ctrl-A x)" : "paused";
            case EXIT -> "exited with code " + (result.exitCode() & 0xff);
            case SHUTDOWN -> "shut down";
            case HALTED -> "halted";
            case INSTRUCTION_LIMIT -> "stopped at the instruction limit";
            case TIMEOUT -> "stopped at the time limit";
            case FAILED -> "stopped by an internal error";
            default -> result.cause().name().toLowerCase(Locale.ROOT);
        };
        err.printf(Locale.ROOT, "shadowbench: %s %s: %s%n", name, outcome, result.detail());
        if (result.failure() != null) {
            err.println("shadowbench: this is a bug in Shadowbench, not in the guest; the emulator's stack:");
            result.failure().printStackTrace(err);
        }
        if (!options.quiet) {
            summary(machine, result);
        }
        if (problems.isEmpty()) {
            if (!options.quiet) {
                err.println("  consistency: page model, handler registry, pool and CPU caches all clean"
                        + (options.checkTraps ? " after every trap" : ""));
            }
        } else {
            err.println("shadowbench: consistency check failed: " + String.join("; ", problems.subList(0,
                    Math.min(5, problems.size()))) + (problems.size() > 5 ? " (and " + (problems.size() - 5) + " more)" : ""));
        }
        return exitCode;
    }

    private void summary(Machine machine, RunResult result) {
        CpuStatistics cpu = machine.cpu().statistics();
        RegistryStatistics handlers = machine.registry().statistics();
        PoolStatistics pool = machine.pool().statistics();
        err.printf(Locale.ROOT, "  %,d instructions in %.3f s: %.1f MIPS (%.1f%% through the general executor,"
                + " %.1f%% in %,d compiled blocks, %.1f a run)%n",
                result.instructions(), result.elapsed().toNanos() / 1e9, result.mips(),
                100.0 * cpu.generalInstructions() / Math.max(1, cpu.instructions()),
                100.0 * cpu.blockInstructions() / Math.max(1, cpu.instructions()), cpu.compiledBlocks(),
                (double) cpu.blockInstructions() / Math.max(1, cpu.blockRuns()));
        err.printf(Locale.ROOT, "  cpu: %,d TLB hits, %,d fills, %,d flushes, %,d shadow syncs, %,d guest page faults,"
                + " %,d exceptions and interrupts, %,d accesses through handlers%n", cpu.tlbHits(), cpu.tlbFills(),
                cpu.tlbFlushes(), cpu.shadowSyncs(), cpu.guestPageFaults(), cpu.exceptions() + cpu.interrupts(),
                cpu.handlerAccesses());
        err.printf(Locale.ROOT, "  handlers: %d registered now, %,d registrations, %,d callbacks, %,d default accesses%n",
                machine.registry().handlerCount(), handlers.registrations(), handlers.callbacks(), handlers.defaultAccesses());
        err.printf(Locale.ROOT, "  pool: %d of %d pages in use (high %d), %,d allocations (%,d cache hits), %,d flushes,"
                + " monitored writes %,d handled / %,d flushed / %,d reused / %,d fork / %,d REP STOSD%n",
                machine.pool().usedPages(), machine.pool().configuration().maxPages(), pool.usedPagesHigh(),
                pool.allocations(), pool.cacheHits(), pool.flushes(), pool.monitorHandled(), pool.monitorFlushed(),
                pool.monitorReused(), pool.monitorFork(), pool.monitorRepStosd());
    }

    private void dumps(Machine machine, RunOptions options, VgaText vga, EventStream.Reader events) throws IOException {
        for (RunOptions.Info info : options.infos) {
            err.println("--- info " + info.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            switch (info) {
                case HANDLERS -> machine.registry().dump(err);
                case PHYS -> machine.memory().dump(err);
                case POOL -> machine.pool().dumpPages(err);
                case POOL_ROOTS -> machine.pool().dumpRoots(err);
                case TLB -> machine.cpu().dumpTlb(err);
                case SCREEN -> {
                    for (String row : vga.screen()) {
                        err.println("|" + row);
                    }
                }
                case EVENTS -> printEvents(machine.events(), events);
            }
        }
        for (int linear : options.walks) {
            err.printf(Locale.ROOT, "--- walk %#x%n", linear & 0xffff_ffffL);
            for (String line : machine.cpu().walk(linear).describe()) {
                err.println(line);
            }
        }
    }

    /** Totals of every kind of event seen, then the last few events. */
    private void printEvents(EventStream stream, EventStream.Reader reader) {
        for (EventStream.Kind kind : EventStream.Kind.values()) {
            if (stream.total(kind) > 0) {
                err.printf(Locale.ROOT, "  %-16s %,d%n", kind.name().toLowerCase(Locale.ROOT).replace('_', '-'), stream.total(kind));
            }
        }
        ArrayDeque<EventStream.Event> last = new ArrayDeque<>();
        reader.poll(event -> {
            if (last.size() == RECENT_EVENTS) {
                last.removeFirst();
            }
            last.addLast(event);
        }, Integer.MAX_VALUE);
        err.printf(Locale.ROOT, "  last %d of %,d events:%n", last.size(), stream.recorded());
        for (EventStream.Event event : last) {
            err.printf(Locale.ROOT, "  #%-9d %,15d ns  %-16s %#x %#x%s%n", event.sequence(), event.nanos(),
                    event.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'), event.a(), event.b(),
                    event.detail() == null ? "" : " " + event.detail());
        }
    }
}
