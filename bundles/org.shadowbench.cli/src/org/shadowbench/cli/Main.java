package org.shadowbench.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Locale;

import org.shadowbench.machine.EngineFactories;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.machine.PcMemoryLayout;
import org.shadowbench.memory.ByteCount;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;

/**
 * {@code shadowbench}: the headless runner. Exit codes: 0 success, 1 failure, 2 bad input.
 */
public final class Main {
    /** Exit code for bad command-line input. */
    public static final int EXIT_USAGE = 2;

    private static final String USAGE = """
            usage: shadowbench <command> [options]

            commands:
              run <guest> [options]               run a multiboot kernel (or a flat binary) to its end
                --ram SIZE                        guest RAM (default 128M)
                --cmdline TEXT                    the kernel's command line (default: its file name)
                --module FILE                     a multiboot module (repeatable)
                --load-address ADDR               load a flat binary there and start at its first byte
                --max-instructions N              stop after N instructions
                --timeout SECONDS                 stop after that much wall-clock time
                --trace handlers,pool,faults      log slow-path events to standard error
                --info handlers,phys,pool,pool-roots,tlb,screen,events
                                                  print those tables, the VGA text screen or the event
                                                  totals and last events at the end
                --walk ADDR                       at the end, translate that linear address through the
                                                  guest's and the shadow page tables (repeatable)
                --check-traps                     run the consistency checkers after every trap (slow)
                --quiet                           only the outcome line on standard error
                --no-fast-path                    run every instruction through the CPU's general executor
                                                  (slower; for telling emulation bugs apart)
                --disk FILE[,index=N]             a raw disk image (512-byte sectors) on the IDE controller
                                                  (repeatable): index 0 primary master, 1 primary slave,
                                                  2 secondary master, 3 secondary slave (default: the
                                                  next free one); the guest's writes go to the file
                --snapshot                        keep the guest's disk writes in memory, files untouched
              layout [--ram SIZE] [--vram SIZE]   build a PC's guest-physical memory layout and print it
              help                                this text

            The guest's serial port (COM1) is standard input and output; on a terminal, keys go to the
            guest as typed (raw mode, restored at the end) and Ctrl-A x quits (exit code 0), as in
            QEMU; Ctrl-A h lists the escape keys. Exit code: the guest's own
            (debug-exit port 0xf4: (value << 1) | 1; Bochs shutdown port: 0), 2 bad input, 4 triple
            fault, 6 halted for good, 8 instruction limit, 10 time limit, 12 inconsistent state or an
            internal error of the emulator (reported with the guest's state).

            sizes: a byte count or a number with K, M, G or T (e.g. 128M, 4G)""";

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    /** A runner printing to the given streams, with no serial input. */
    public Main(PrintStream out, PrintStream err) {
        this(InputStream.nullInputStream(), out, err);
    }

    /** A runner whose guests read serial input from {@code in}. */
    public Main(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(new Main(System.in, System.out, System.err).run(args));
    }

    /** Runs a command line and returns the exit code. */
    public int run(String... args) {
        try {
            if (args.length == 0) {
                throw new UsageException("no command given (try 'shadowbench help')");
            }
            return switch (args[0]) {
                case "layout" -> layout(args);
                case "run" -> new RunCommand(in, out, err).run(RunOptions.parse(args));
                case "help", "--help", "-h" -> {
                    out.println(USAGE);
                    yield 0;
                }
                default -> throw new UsageException("unknown command '" + args[0] + "' (try 'shadowbench help')");
            };
        } catch (UsageException e) {
            err.println("shadowbench: " + e.getMessage());
            return EXIT_USAGE;
        } catch (PgmException e) {
            err.println("shadowbench: " + e.getMessage());
            return EXIT_USAGE;
        }
    }

    private int layout(String[] args) throws UsageException {
        MachineConfiguration configuration = MachineConfiguration.defaults();
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length && option.startsWith("--")) {
                throw new UsageException(option + " needs a value");
            }
            switch (option) {
                case "--ram" -> configuration = configuration.withRam(Sizes.parse(option, args[++i]));
                case "--vram" -> configuration = configuration.withVram(Sizes.parse(option, args[++i]));
                default -> throw new UsageException("layout: unknown option '" + option + "'");
            }
        }
        PhysicalMemory memory = EngineFactories.standard().memory().create();
        PcMemoryLayout.build(memory, configuration);
        out.printf(Locale.ROOT, "PC with %s of RAM and %s of video memory%n%n", ByteCount.format(configuration.ramSize()),
                ByteCount.format(configuration.vramSize()));
        try {
            memory.dump(out);
        } catch (IOException e) {
            throw new IllegalStateException("printing to a stream cannot fail", e);
        }
        long pages = 0;
        for (RamRange range : memory.ranges()) {
            pages += range.pageCount();
        }
        out.printf(Locale.ROOT, "%nPage descriptors: %d pages x 16 bytes = %s%n", pages, ByteCount.format(pages * 16));
        var problems = memory.check();
        out.println(problems.isEmpty() ? "Consistency check: clean" : "Consistency check: " + problems);
        return problems.isEmpty() ? 0 : 1;
    }
}
