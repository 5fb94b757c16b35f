package org.shadowbench.machine;

import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;

/**
 * What a virtual PC is made of.
 *
 * @param ramSize   guest RAM in bytes: a multiple of 1 MiB, at least {@link #MIN_RAM}
 * @param vramSize  the graphics card's MMIO2 video memory in bytes: a multiple of 4 KiB, at most 256 MiB
 * @param poolPages shadow page pool size in pages; 0 for VirtualBox's sizing for the RAM
 * @param modificationLimit writes to one monitored page table before the pool flushes it instead of
 *                          emulating the writes (the pool's heuristic); 0 for the pool's default,
 *                          {@value org.shadowbench.pool.PoolConfiguration#DEFAULT_MODIFICATION_LIMIT} (0.2)
 */
public record MachineConfiguration(long ramSize, long vramSize, int poolPages, int modificationLimit) {
    /** Smallest RAM: conventional memory plus one MiB above it. */
    public static final long MIN_RAM = 2L << 20;
    /** Largest RAM: 1 TiB. */
    public static final long MAX_RAM = 1L << 40;
    /** Default RAM. */
    public static final long DEFAULT_RAM = 128L << 20;
    /** Default video memory. */
    public static final long DEFAULT_VRAM = 8L << 20;
    /** Largest modification limit: beyond it a hot page table would never be flushed in practice. */
    public static final int MAX_MODIFICATION_LIMIT = 1 << 16;

    /** Validates the sizes. */
    public MachineConfiguration {
        if (ramSize < MIN_RAM || ramSize > MAX_RAM || ramSize % (1L << 20) != 0) {
            throw new PgmException(PgmStatus.VERR_OUT_OF_RANGE, "RAM size " + ramSize
                    + " bytes: must be a multiple of 1 MiB between 2 MiB and 1 TiB");
        }
        if (poolPages != 0 && (poolPages < 16 || poolPages > org.shadowbench.pool.PoolConfiguration.MAX_PAGES)) {
            throw new PgmException(PgmStatus.VERR_OUT_OF_RANGE, "pool size " + poolPages + " pages: must be 0 (sized for "
                    + "the RAM) or between 16 and " + org.shadowbench.pool.PoolConfiguration.MAX_PAGES);
        }
        if (vramSize < 4096 || vramSize > (256L << 20) || vramSize % 4096 != 0) {
            throw new PgmException(PgmStatus.VERR_OUT_OF_RANGE, "video memory size " + vramSize
                    + " bytes: must be a multiple of 4 KiB between 4 KiB and 256 MiB");
        }
        if (modificationLimit < 0 || modificationLimit > MAX_MODIFICATION_LIMIT) {
            throw new PgmException(PgmStatus.VERR_OUT_OF_RANGE, "modification limit " + modificationLimit
                    + ": must be 0 (the pool's default) or between 1 and " + MAX_MODIFICATION_LIMIT);
        }
    }

    /** A configuration with the pool's default heuristics. */
    public MachineConfiguration(long ramSize, long vramSize, int poolPages) {
        this(ramSize, vramSize, poolPages, 0);
    }

    /** A configuration with the pool sized as VirtualBox sizes it. */
    public MachineConfiguration(long ramSize, long vramSize) {
        this(ramSize, vramSize, 0);
    }

    /** The default machine: 128 MiB of RAM, 8 MiB of video memory. */
    public static MachineConfiguration defaults() {
        return new MachineConfiguration(DEFAULT_RAM, DEFAULT_VRAM);
    }

    /** A copy with another RAM size. */
    public MachineConfiguration withRam(long bytes) {
        return new MachineConfiguration(bytes, vramSize, poolPages, modificationLimit);
    }

    /** A copy with another video memory size. */
    public MachineConfiguration withVram(long bytes) {
        return new MachineConfiguration(ramSize, bytes, poolPages, modificationLimit);
    }

    /** A copy with another pool size (0: VirtualBox's sizing). */
    public MachineConfiguration withPoolPages(int pages) {
        return new MachineConfiguration(ramSize, vramSize, pages, modificationLimit);
    }

    /** A copy with another modification limit (0: the pool's default). */
    public MachineConfiguration withModificationLimit(int limit) {
        return new MachineConfiguration(ramSize, vramSize, poolPages, limit);
    }
}
