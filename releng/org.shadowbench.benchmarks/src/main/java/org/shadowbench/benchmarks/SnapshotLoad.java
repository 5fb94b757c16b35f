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
import org.shadowbench.machine.Machine;
import org.shadowbench.machine.MachineConfiguration;
import org.shadowbench.machine.RunResult;

/**
 * What snapshots cost a running guest: the guest's MIPS alone and with a snapshot taken every
 * 50 ms (20 Hz) from another thread, best of five runs each.
 *
 * <pre>java -cp benchmarks.jar org.shadowbench.benchmarks.SnapshotLoad bundles/org.shadowbench.guests/guests/cpubench.elf</pre>
 */
public final class SnapshotLoad {
    private SnapshotLoad() {
    }

    public static void main(String[] args) throws Exception {
        byte[] guest = Files.readAllBytes(Path.of(args[0]));
        double plain = 0;
        double observed = 0;
        long snapshots = 0;
        for (int round = 0; round < 5; round++) {
            plain = Math.max(plain, run(guest, false, null));
            AtomicLong taken = new AtomicLong();
            observed = Math.max(observed, run(guest, true, taken));
            snapshots = taken.get();
        }
        System.out.printf("alone: %.1f MIPS; with snapshots at 20 Hz: %.1f MIPS (%d snapshots in the last run); drop %.1f%%%n",
                plain, observed, snapshots, 100 * (plain - observed) / plain);
    }

    private static double run(byte[] guest, boolean snapshots, AtomicLong taken) throws Exception {
        try (Machine machine = new Machine(MachineConfiguration.defaults().withRam(128L << 20))) {
            machine.attach(new Uart16550("com1", Uart16550.COM1, InputStream.nullInputStream(), OutputStream.nullOutputStream()));
            machine.attach(new DebugExitPort());
            machine.loadMultiboot(guest, "cpubench", List.of());
            machine.start();
            AtomicBoolean done = new AtomicBoolean();
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
                    }
                }
            });
            if (snapshots) {
                observer.start();
            }
            RunResult result = machine.run(0, Duration.ofMinutes(5)).join();
            done.set(true);
            observer.join();
            return result.mips();
        }
    }
}
