package org.shadowbench.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

import org.shadowbench.machine.EngineFactories;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;

/**
 * Measures the heap the page descriptors of a 4 GiB guest take, in bytes per guest page.
 * Run: {@code java -cp releng/org.shadowbench.benchmarks/target/benchmarks.jar org.shadowbench.benchmarks.DescriptorFootprint}
 */
public final class DescriptorFootprint {
    private DescriptorFootprint() {
    }

    private static long usedHeap(MemoryMXBean bean) throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return bean.getHeapMemoryUsage().getUsed();
    }

    /** Prints the measurement. */
    public static void main(String[] args) throws InterruptedException {
        MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
        PhysicalMemory memory = EngineFactories.standard().memory().create();
        long before = usedHeap(bean);
        RamRange ram = memory.registerRam(0, (4L << 30) - 1, "4 GiB of RAM");
        long after = usedHeap(bean);
        long pages = ram.pageCount();
        System.out.printf(Locale.ROOT, "4 GiB guest: %d pages, descriptors take %d bytes = %.2f bytes/page%n", pages,
                after - before, (after - before) / (double) pages);
        if (ram.pageCount() == 0) {
            throw new AssertionError("keeps the range reachable until measured");
        }
    }
}
