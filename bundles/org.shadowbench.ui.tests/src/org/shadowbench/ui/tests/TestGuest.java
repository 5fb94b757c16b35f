package org.shadowbench.ui.tests;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.eclipse.ui.console.ConsolePlugin;
import org.eclipse.ui.console.IConsole;
import org.eclipse.ui.console.IOConsole;
import org.shadowbench.machine.RunState;
import org.shadowbench.ui.MachineSession;
import org.shadowbench.ui.MachineSpec;
import org.shadowbench.ui.internal.NewMachineDialog;
import org.shadowbench.ui.testing.Workbench;

/**
 * A guest the views are tested against, and what the tests may rely on about it: the bundled demo
 * (always there), or xv6 running {@code usertests} (where the third-party guests are beside the
 * checkout). Each knows how to get its workload going and which of its pages are known.
 */
enum TestGuest {
    /** The bundled fork benchmark, with enough rounds that it is still forking when paused. */
    DEMO {
        @Override
        boolean available() {
            return true;
        }

        @Override
        MachineSpec spec(long ram) {
            return MachineSpec.bundledGuest("demo", ram, "rounds=100000");
        }

        @Override
        long ram() {
            return 64L << 20;
        }

        @Override
        void startWorkload(MachineSession session) {
            session.resume();
            Workbench.await("the demo to run", 20_000, () -> session.snapshot() != null
                    && session.state() == RunState.RUNNING && session.snapshot().instructions() > 5_000_000);
        }

        @Override
        long untouchedRam() {
            return 0x300_0000; // the demo lives in the low 16 MiB
        }

        @Override
        List<String> consoleMarkers() {
            return List.of("Shadowbench demo guest", "forked 8 processes");
        }

        @Override
        boolean screenShowsWorkload(List<String> rows) {
            // The bundled guests mirror their serial output on the VGA text screen.
            return rows.stream().anyMatch(row -> row.startsWith("Shadowbench demo guest"));
        }

        @Override
        int linearMappedTwice() {
            return 0x4000_0000; // the heap, also reachable through the 16 MiB identity mapping
        }

        @Override
        long lowestMapping(long physical) {
            return physical;
        }

        @Override
        boolean mapsDevicesAtTheirAddresses() {
            return false;
        }

        @Override
        long otherMapping(long physical) {
            return 0x4000_0000;
        }
    },

    /** MIT's xv6 (kernelmemfs) with {@code usertests} typed at its shell. */
    XV6_USERTESTS {
        /** Where xv6 maps all of physical memory for the kernel. */
        private static final long KERNBASE = 0x8000_0000L;

        @Override
        boolean available() {
            return NewMachineDialog.xv6Kernel() != null;
        }

        @Override
        MachineSpec spec(long ram) {
            Path kernel = NewMachineDialog.xv6Kernel();
            if (kernel == null) {
                throw new IllegalStateException("no xv6 kernel on this machine");
            }
            return MachineSpec.file(kernel, ram, "");
        }

        @Override
        long ram() {
            return 256L << 20;
        }

        @Override
        void startWorkload(MachineSession session) {
            session.resume();
            IOConsole console = com1(session);
            Workbench.await("xv6's shell prompt", 60_000, () -> console.getDocument().get().contains("$ "));
            console.getInputStream().appendData("usertests\n");
            Workbench.await("usertests to start", 30_000,
                    () -> console.getDocument().get().contains("usertests starting"));
            long started = session.machine().submit(m -> m.cpu().instructions()).join();
            Workbench.await("usertests to run a while", 30_000, () -> session.snapshot() != null
                    && session.snapshot().instructions() > started + 20_000_000);
        }

        @Override
        long untouchedRam() {
            return 0xf00_0000; // above PHYSTOP (224 MiB): xv6's allocator never hands it out
        }

        @Override
        List<String> consoleMarkers() {
            return List.of("init: starting sh", "usertests starting");
        }

        @Override
        boolean screenShowsWorkload(List<String> rows) {
            // xv6 writes its console to the CGA screen too: usertests' progress lines.
            return rows.stream().anyMatch(row -> row.contains("test"));
        }

        @Override
        int linearMappedTwice() {
            return 0; // a user program's first page, which the kernel also maps above KERNBASE
        }

        @Override
        long lowestMapping(long physical) {
            return 0;
        }

        @Override
        boolean mapsDevicesAtTheirAddresses() {
            return true; // DEVSPACE: the I/O and local APIC at their physical addresses
        }

        @Override
        long otherMapping(long physical) {
            return KERNBASE + physical;
        }
    };

    /** The console the machine's COM1 is connected to, or null. */
    static IOConsole com1(MachineSession session) {
        for (IConsole console : ConsolePlugin.getDefault().getConsoleManager().getConsoles()) {
            if (console.getName().equals("COM1 - " + session.name())) {
                return (IOConsole) console;
            }
        }
        return null;
    }

    /** Whether this guest can run here (xv6 needs the third-party guests beside the checkout). */
    abstract boolean available();

    /** The machine to launch, with this much RAM. */
    abstract MachineSpec spec(long ram);

    /** The RAM the tests give it. */
    abstract long ram();

    MachineSpec spec() {
        return spec(ram());
    }

    /** Resumes the freshly launched machine and returns once its workload runs (on the UI thread). */
    abstract void startWorkload(MachineSession session);

    /** A page the loader filled: the kernel at 1 MiB (both guests are multiboot kernels loaded there). */
    long kernelPage() {
        return 0x10_0000;
    }

    /** RAM the guest never writes, which stays a zero page. */
    abstract long untouchedRam();

    /** Text the COM1 console shows once the workload runs. */
    abstract List<String> consoleMarkers();

    /** Whether the VGA text screen's rows show the guest at work. */
    abstract boolean screenShowsWorkload(List<String> rows);

    /**
     * A linear address whose page the guest maps at two linear addresses, when paused where the
     * current address space maps it.
     */
    abstract int linearMappedTwice();

    /** The lowest linear address at which the guest maps the physical page of {@link #linearMappedTwice()}. */
    abstract long lowestMapping(long physical);

    /** The other linear address of that page. */
    abstract long otherMapping(long physical);

    /** Whether the guest's page tables map the APICs' pages at their physical addresses. */
    abstract boolean mapsDevicesAtTheirAddresses();

    /** The file name a screenshot of this guest is saved under: the demo's are the documented ones. */
    String screenshot(String name) {
        return this == DEMO ? name : name().toLowerCase(Locale.ROOT).replace('_', '-') + "-" + name;
    }
}
