package org.shadowbench.benchmarks;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.shadowbench.devices.debugexit.DebugExitPort;
import org.shadowbench.devices.serial.Uart16550;
import org.shadowbench.machine.EventStream;
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.machine.RunResult;

/**
 * What watching costs a running guest: the guest's MIPS alone and with another thread taking a
 * snapshot, draining an event-stream reader and sampling the event rates every 50 ms (20 Hz), best
 * of five runs each.
 *
 * <pre>java -cp benchmarks.jar org.shadowbench.benchmarks.SnapshotLoad guests/cpubench.elf
 * java -cp benchmarks.jar org.shadowbench.benchmarks.SnapshotLoad guests/demo.elf "demo rounds=40"</pre>
 */
public final class SnapshotLoad {
    private SnapshotLoad() {
    }

    public static void main(String[] args) throws Exception {
        byte[] guest = Files.readAllBytes(Path.of(args[0]));
        String commandLine = args.length > 1 ? args[1] : Path.of(args[0]).getFileName().toString();
        double plain = 0;
        double observed = 0;
        long snapshots = 0;
        long events = 0;
        long lost = 0;
        for (int round = 0; round < 5; round++) {
            plain = Math.max(plain, run(guest, commandLine, false, null, null, null));
            AtomicLong taken = new AtomicLong();
            AtomicLong read = new AtomicLong();
            AtomicLong missed = new AtomicLong();
            observed = Math.max(observed, run(guest, commandLine, true, taken, read, missed));
            snapshots = taken.get();
            events = read.get();
            lost = missed.get();
        }
        System.out.printf("alone: %.1f MIPS; watched at 20 Hz: %.1f MIPS; drop %.1f%%"
                + " (last run: %d snapshots, %d events read, %d lost)%n",
                plain, observed, 100 * (plain - observed) / plain, snapshots, events, lost);
    }

    private static double run(byte[] guest, String commandLine, boolean watch, AtomicLong taken, AtomicLong read, AtomicLong missed)
            throws Exception {
        try (Machine machine = new Machine(MachineConfiguration.defaults().withRam(128L << 20))) {
            machine.attach(new Uart16550("com1", Uart16550.COM1, InputStream.nullInputStream(), OutputStream.nullOutputStream()));
            machine.attach(new DebugExitPort());
            machine.loadMultiboot(guest, commandLine, List.of());
            machine.start();
            AtomicBoolean done = new AtomicBoolean();
            EventStream.Reader reader = machine.events().reader();
            EventStream.Rates rates = machine.events().rates();
            Thread observer = new Thread(() -> {
                while (!done.get()) {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (!done.get()) {
                        machine.snapshot().join();
                        taken.incrementAndGet();
                        read.addAndGet(reader.poll(event -> { }, Integer.MAX_VALUE));
                        missed.set(reader.lost());
                        rates.sample();
                    }
                }
            });
            if (watch) {
                observer.start();
            }
            RunResult result = machine.run(0, Duration.ofMinutes(5)).join();
            done.set(true);
            observer.join();
            return result.mips();
        }
    }
}
