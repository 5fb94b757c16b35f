package org.shadowbench.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.shadowbench.machine.MachineConfiguration;

/**
 * The options of {@code shadowbench run}, parsed and checked: every mistake is a
 * {@link UsageException} with one line saying what is wrong.
 */
final class RunOptions {
    /** What {@code --trace} can show. */
    enum Trace {
        HANDLERS, POOL, FAULTS
    }

    /** What {@code --info} can print at the end. */
    enum Info {
        HANDLERS, PHYS, POOL, POOL_ROOTS, TLB, SCREEN, EVENTS
    }

    Path guest;
    MachineConfiguration configuration = MachineConfiguration.defaults();
    String commandLine;
    final List<Path> modules = new ArrayList<>();
    final Set<Trace> traces = EnumSet.noneOf(Trace.class);
    final Set<Info> infos = EnumSet.noneOf(Info.class);
    long maxInstructions;
    Duration timeout;
    /** Load address of a flat binary; null for multiboot images. */
    Long loadAddress;
    /** Linear addresses to walk through the guest's and the shadow tables at the end. */
    final List<Integer> walks = new ArrayList<>();
    /** Run the consistency checkers after every trap-handler call, not only at the end. */
    boolean checkTraps;
    boolean quiet;
    /** Whether the CPU's fast path runs (off: every instruction through the general executor). */
    boolean fastPath = true;
    /** IDE disk images ({@code --disk FILE[,index=N]}), each with its drive position 0-3. */
    final List<Disk> disks = new ArrayList<>();
    /** Keep the disks' writes in memory ({@code --snapshot}). */
    boolean snapshot;

    /** A {@code --disk}: its file and drive position (0 primary master to 3 secondary slave). */
    record Disk(Path file, int index) {
    }

    static RunOptions parse(String[] args) throws UsageException {
        RunOptions options = new RunOptions();
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            if (!option.startsWith("--")) {
                if (options.guest != null) {
                    throw new UsageException("run: only one guest, but also got '" + option + "'");
                }
                options.guest = Path.of(option);
                continue;
            }
            switch (option) {
                case "--check-traps" -> options.checkTraps = true;
                case "--quiet" -> options.quiet = true;
                case "--no-fast-path" -> options.fastPath = false;
                case "--snapshot" -> options.snapshot = true;
                default -> {
                    if (i + 1 >= args.length) {
                        throw new UsageException(option + " needs a value");
                    }
                    options.option(option, args[++i]);
                }
            }
        }
        if (options.guest == null) {
            throw new UsageException("run: no guest given (usage: shadowbench run <guest> [options])");
        }
        if (options.commandLine == null) {
            options.commandLine = options.guest.getFileName().toString();
        }
        return options;
    }

    private void option(String option, String value) throws UsageException {
        switch (option) {
            case "--ram" -> configuration = configuration.withRam(Sizes.parse(option, value));
            case "--cmdline" -> commandLine = value;
            case "--module" -> modules.add(Path.of(value));
            case "--trace" -> {
                for (String name : value.split(",")) {
                    traces.add(choice(Trace.class, option, name));
                }
            }
            case "--info" -> {
                for (String name : value.split(",")) {
                    infos.add(choice(Info.class, option, name));
                }
            }
            case "--max-instructions" -> {
                maxInstructions = Sizes.parse(option, value);
                if (maxInstructions == 0) {
                    throw new UsageException(option + ": must be positive");
                }
            }
            case "--timeout" -> timeout = seconds(option, value);
            case "--load-address" -> loadAddress = address(option, value);
            case "--walk" -> walks.add((int) address(option, value));
            case "--disk" -> disk(value);
            default -> throw new UsageException("run: unknown option '" + option + "'");
        }
    }

    /** {@code FILE[,index=N]}: an explicit position 0-3, or the lowest one free. */
    private void disk(String value) throws UsageException {
        String file = value;
        int index = -1;
        int comma = value.lastIndexOf(',');
        if (comma >= 0 && value.substring(comma + 1).matches("[a-z]+=.*")) {
            file = value.substring(0, comma);
            String setting = value.substring(comma + 1);
            if (!setting.startsWith("index=")) {
                throw new UsageException("--disk: unknown setting '" + setting + "' (only index=N)");
            }
            String digits = setting.substring("index=".length());
            if (!digits.matches("[0-3]")) {
                throw new UsageException("--disk: index must be 0 to 3 (primary master, primary slave, secondary master,"
                        + " secondary slave), not '" + digits + "'");
            }
            index = Integer.parseInt(digits);
        }
        if (file.isEmpty()) {
            throw new UsageException("--disk: no file given");
        }
        boolean[] used = new boolean[4];
        for (Disk disk : disks) {
            used[disk.index()] = true;
        }
        if (index >= 0 && used[index]) {
            throw new UsageException("--disk: index " + index + " is given to two disks");
        }
        for (int free = 0; index < 0 && free < used.length; free++) {
            if (!used[free]) {
                index = free;
            }
        }
        if (index < 0) {
            throw new UsageException("--disk: at most 4 disks (two IDE channels of two drives)");
        }
        disks.add(new Disk(Path.of(file), index));
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String option, String name) throws UsageException {
        String wanted = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(wanted)) {
                return constant;
            }
        }
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new UsageException(option + ": unknown choice '" + name + "' (one of " + String.join(", ", names) + ")");
    }

    private static Duration seconds(String option, String text) throws UsageException {
        try {
            double seconds = Double.parseDouble(text);
            if (!(seconds > 0) || seconds > 1e9) {
                throw new UsageException(option + ": must be a positive number of seconds, not '" + text + "'");
            }
            return Duration.ofNanos((long) (seconds * 1e9));
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": not a number of seconds: '" + text + "'");
        }
    }

    private static long address(String option, String text) throws UsageException {
        try {
            String digits = text.toLowerCase(Locale.ROOT);
            long value = digits.startsWith("0x") ? Long.parseLong(digits.substring(2), 16) : Long.parseLong(digits);
            if (value < 0 || value > 0xffff_ffffL) {
                throw new UsageException(option + ": address out of the 32-bit range: " + text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": not an address: '" + text + "' (use e.g. 0x100000)");
        }
    }
}
