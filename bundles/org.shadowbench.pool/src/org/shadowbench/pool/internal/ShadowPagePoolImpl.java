package org.shadowbench.pool.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.AccessType;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.handlers.PhysicalAccess;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.handlers.ShadowPageTables;
import org.shadowbench.memory.FrameUse;
import org.shadowbench.memory.HostFrameStore;
import org.shadowbench.memory.PageChangeListener;
import org.shadowbench.memory.PageHandlerState;
import org.shadowbench.memory.PageTracking;
import org.shadowbench.memory.PageType;
import org.shadowbench.memory.PgmException;
import org.shadowbench.memory.PgmStatus;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.pool.Allocation;
import org.shadowbench.pool.FaultingInstruction;
import org.shadowbench.pool.OpcodeClass;
import org.shadowbench.pool.PoolConfiguration;
import org.shadowbench.pool.PoolHooks;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.PoolObserver;
import org.shadowbench.pool.PoolPageInfo;
import org.shadowbench.pool.PoolStatistics;
import org.shadowbench.pool.ShadowPagePool;

/**
 * The pool. Every per-page field lives in a primitive array indexed by page; the lists (free list,
 * hash chains, age list, monitor chains, modified list) are threaded through those arrays as in the
 * reference. Sections follow the reference's order: monitoring and the access handler, the cache,
 * user tracking, guest-physical tracking, flushing and allocation.
 */
public final class ShadowPagePoolImpl implements ShadowPagePool, ShadowPageTables, PageChangeListener {
    static final int NIL = NIL_INDEX;
    static final long NIL_GCPHYS = -1L;
    static final int NO_FIRST_PRESENT = 0xffff;
    static final int HASH_SIZE = 64;
    /** Guest PTE frame masks. */
    static final long PTE32_FRAME = 0xffff_f000L;
    static final long PAE_FRAME = 0x000f_ffff_ffff_f000L;
    private static final int PAGE = 4096;

    static final int F_MONITORED = 0x01;
    static final int F_CACHED = 0x02;
    static final int F_ZEROED = 0x04;
    static final int F_CR3_MIX = 0x08;
    static final int F_REUSED_FLUSH_PENDING = 0x10;
    static final int F_SEEN_NON_GLOBAL = 0x20;

    final PhysicalMemory memory;
    final PhysicalHandlerRegistry registry;
    final HostFrameStore frames;
    final PoolConfiguration configuration;
    final PoolHooks hooks;
    private PoolObserver observer = PoolObserver.NONE;
    final HandlerType monitorType;

    // ---- per page
    final int[] frame;
    final byte[] kind;
    final long[] gcPhys;
    /** Free list and hash chains (the reference's iNext). */
    final int[] next;
    final int[] ageNext;
    final int[] agePrev;
    final int[] monitoredNext;
    final int[] monitoredPrev;
    final int[] modifiedNext;
    final int[] modifiedPrev;
    final int[] modifications;
    final int[] userHead;
    final int[] present;
    final int[] firstPresent;
    final byte[] flags;
    /** The PAE root's four frames. */
    final int[] paeRootFrames = new int[4];
    /** A guest page table read in one go when a shadow table is dereferenced. */
    private final byte[] guestScratch = new byte[PAGE];
    private static final java.lang.invoke.VarHandle INT = java.lang.invoke.MethodHandles
            .byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle LONG = java.lang.invoke.MethodHandles
            .byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    final FrameIndex frameIndex;
    /**
     * What the guest write being handled took away under the CPU's TLB: the host frames of the page-table
     * entries it cleared, and whether it cleared a directory entry (a whole table's worth of mappings,
     * whose frames are not listed). The TLB then drops those frames' entries instead of all of them.
     */
    private final int[] clearedFrames = new int[8];
    private int clearedFrameCount;
    private boolean clearedDirectory;

    // ---- pool wide
    int currentPages;
    int freeHead = NIL;
    int usedPages;
    int totalPresent;
    final int[] hash = new int[HASH_SIZE];
    int ageHead = NIL;
    int ageTail = NIL;
    int modifiedHead = NIL;
    int modifiedCount;
    final UserRecords users;
    final PhysExtents extents;
    boolean syncCr3;
    boolean clearPool;

    // ---- statistics
    long allocations;
    long cacheHits;
    long cacheMisses;
    long cacheKindMismatches;
    long cacheEvictions;
    long cacheUncacheable;
    long frees;
    long flushes;
    long flushAlls;
    long clearAlls;
    long growths;
    long monitorHandled;
    long monitorFlushed;
    long monitorFork;
    long monitorReused;
    long monitorRepStosd;
    long monitorRepPrefix;
    long trackAliased;
    long trackAliasedMany;
    long trackAliasedLots;
    long trackOverflows;
    long trackSlowScans;
    long trackSlowScanGiveUps;
    long trackLinearSearches;
    long freeOneUser;
    int usedPagesHigh;
    int modifiedPagesHigh;

    /** A pool over the page model; see {@link org.shadowbench.pool.ShadowPagePoolFactory#create}. */
    public ShadowPagePoolImpl(PhysicalMemory memory, PhysicalHandlerRegistry registry, PoolConfiguration configuration,
            PoolHooks hooks) {
        this.memory = Objects.requireNonNull(memory);
        this.registry = Objects.requireNonNull(registry);
        this.frames = memory.frames();
        this.configuration = Objects.requireNonNull(configuration);
        this.hooks = Objects.requireNonNull(hooks);
        int max = configuration.maxPages();
        frame = new int[max];
        kind = new byte[max];
        gcPhys = new long[max];
        next = new int[max];
        ageNext = new int[max];
        agePrev = new int[max];
        monitoredNext = new int[max];
        monitoredPrev = new int[max];
        modifiedNext = new int[max];
        modifiedPrev = new int[max];
        modifications = new int[max];
        userHead = new int[max];
        present = new int[max];
        firstPresent = new int[max];
        flags = new byte[max];
        frameIndex = new FrameIndex(max + 4);
        users = new UserRecords(configuration.maxUsers());
        extents = new PhysExtents(configuration.maxPhysExts());
        java.util.Arrays.fill(hash, NIL);
        java.util.Arrays.fill(gcPhys, NIL_GCPHYS);
        createRoots();
        monitorType = registry.registerType(HandlerKind.WRITE, "shadow page pool monitor", this::onMonitoredAccess);
        registry.setShadowPageTables(this);
        memory.addListener(this);
    }

    private void createRoots() {
        PoolKind[] roots = { PoolKind.ROOT_32BIT_PD, PoolKind.ROOT_PAE_PD, PoolKind.ROOT_PDPT, PoolKind.ROOT_PML4 };
        for (int i = 0; i < roots.length; i++) {
            int index = ROOT_32BIT_PD + i;
            initPage(index);
            kind[index] = (byte) roots[i].ordinal();
            if (index == ROOT_PAE_PD) {
                for (int f = 0; f < 4; f++) {
                    paeRootFrames[f] = frames.allocate(FrameUse.POOL);
                    frameIndex.put(paeRootFrames[f], index);
                }
                frame[index] = paeRootFrames[0];
            } else {
                frame[index] = frames.allocate(FrameUse.POOL);
                frameIndex.put(frame[index], index);
            }
            flags[index] = F_ZEROED;
        }
        currentPages = FIRST_INDEX;
    }

    private void initPage(int page) {
        gcPhys[page] = NIL_GCPHYS;
        next[page] = NIL;
        ageNext[page] = NIL;
        agePrev[page] = NIL;
        monitoredNext[page] = NIL;
        monitoredPrev[page] = NIL;
        modifiedNext[page] = NIL;
        modifiedPrev[page] = NIL;
        modifications[page] = 0;
        userHead[page] = UserRecords.NIL;
        present[page] = 0;
        firstPresent[page] = NO_FIRST_PRESENT;
        flags[page] = 0;
    }

    @Override
    public PoolConfiguration configuration() {
        return configuration;
    }

    // ==================================================================================== helpers

    PoolKind kindOf(int page) {
        return PoolKind.fromCode(kind[page]);
    }

    boolean has(int page, int flag) {
        return (flags[page] & flag) != 0;
    }

    void set(int page, int flag, boolean on) {
        flags[page] = (byte) (on ? flags[page] | flag : flags[page] & ~flag);
    }

    private static String hex(long value) {
        return String.format("%#x", value);
    }

    private void checkPage(int page, String operation) {
        if (page <= NIL || page >= currentPages) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, operation + ": no pool page " + page);
        }
    }

    @Override
    public int entryCount(int page) {
        checkPage(page, "entry count");
        return entries(page);
    }

    int entries(int page) {
        return page == ROOT_PAE_PD ? 2048 : kindOf(page).entriesPerPage();
    }

    long readEntry(int page, int index) {
        if (page == ROOT_PAE_PD) {
            return frames.read(paeRootFrames[index >>> 9], (index & 511) * 8, 8);
        }
        int size = kindOf(page).shadowEntrySize();
        return frames.read(frame[page], index * size, size);
    }

    void writeEntry(int page, int index, long value) {
        if (page == ROOT_PAE_PD) {
            frames.write(paeRootFrames[index >>> 9], (index & 511) * 8, 8, value);
        } else {
            int size = kindOf(page).shadowEntrySize();
            frames.write(frame[page], index * size, size, value);
        }
        if (value != 0) {
            set(page, F_ZEROED, false);
        }
    }

    /** The host frame an entry points at. */
    long entryFrameAddress(int page, long entry) {
        return kindOf(page).shadowEntrySize() == 4 ? entry & PTE32_FRAME : entry & PAE_FRAME;
    }

    void zeroTable(int page) {
        if (page == ROOT_PAE_PD) {
            for (int f : paeRootFrames) {
                zeroFrame(f);
            }
        } else {
            zeroFrame(frame[page]);
        }
        set(page, F_ZEROED, true);
    }

    private void zeroFrame(int f) {
        frames.copyFrame(HostFrameStore.ZERO_FRAME, f);
    }

    /**
     * The guest-physical page entry {@code i} of a page table maps: computed for big pages and physical
     * memory, read from the guest's page table otherwise (the reference's hint).
     */
    long guestAddressOf(int pageTable, int i) {
        PoolKind k = kindOf(pageTable);
        long base = gcPhys[pageTable];
        switch (k) {
            case PT32_FOR_PHYS:
            case PT32_FOR_BIG32:
            case PAE_PT_FOR_PHYS:
            case PAE_PT_FOR_BIG32:
            case PAE_PT_FOR_PAE_BIG:
                return base + ((long) i << 12);
            case PT32_FOR_PT32:
            case PAE_PT_FOR_PT32:
                return memory.read(base + 4L * i, 4) & PTE32_FRAME;
            case PAE_PT_FOR_PAE_PT:
                return memory.read(base + 8L * i, 8) & PAE_FRAME;
            default:
                throw new IllegalStateException("not a page table: " + k);
        }
    }

    // ==================================================================================== monitoring

    /** The monitor chain head for pages sharing the guest page of {@code newPage} (pgmPoolMonitorGetPageByGCPhys). */
    int monitorHeadFor(int newPage) {
        long base = gcPhys[newPage] & ~0xfffL;
        for (int i = hash[hashOf(base)]; i != NIL; i = next[i]) {
            if (Long.compareUnsigned(gcPhys[i] - base, PAGE) < 0 && i != newPage && kindOf(i).isMonitored()) {
                int head = i;
                while (monitoredPrev[head] != NIL) {
                    head = monitoredPrev[head];
                }
                return head;
            }
        }
        return NIL;
    }

    /**
     * Starts monitoring the guest page a page shadows (pgmPoolMonitorInsert): joins an existing monitor
     * chain or registers a WRITE handler whose user argument is the chain head.
     *
     * @return VINF_SUCCESS, or VERR_PGM_POOL_CLEARED when registering made shadow paging request a pool clear
     */
    PgmStatus monitorInsert(int page) {
        if (!kindOf(page).isMonitored()) {
            return PgmStatus.VINF_SUCCESS;
        }
        PgmStatus status = PgmStatus.VINF_SUCCESS;
        int head = monitorHeadFor(page);
        if (head != NIL) {
            monitoredPrev[page] = head;
            monitoredNext[page] = monitoredNext[head];
            if (monitoredNext[head] != NIL) {
                monitoredPrev[monitoredNext[head]] = page;
            }
            monitoredNext[head] = page;
            // The reference leaves the flag to the head only; every page of a chain shares the guest page,
            // so every page gets it, and views and the checker can trust it on any page.
            set(page, F_CR3_MIX, has(head, F_CR3_MIX));
        } else {
            long base = gcPhys[page] & ~0xfffL;
            registry.register(base, base + PAGE - 1, monitorType, page, null);
            if (clearPool) {
                status = PgmStatus.VERR_PGM_POOL_CLEARED;
            }
        }
        set(page, F_MONITORED, true);
        observer.monitorChanged(page, gcPhys[page], true);
        return status;
    }

    /**
     * Stops monitoring a page (pgmPoolMonitorFlush): leaves its chain, handing the handler to the next
     * page when it was the head, or deregisters the handler when it was alone; leaves the modified list.
     */
    PgmStatus monitorFlush(int page) {
        if (!kindOf(page).isMonitored()) {
            return PgmStatus.VINF_SUCCESS;
        }
        PgmStatus status = PgmStatus.VINF_SUCCESS;
        long base = gcPhys[page] & ~0xfffL;
        if (monitoredNext[page] != NIL || monitoredPrev[page] != NIL) {
            if (monitoredPrev[page] == NIL) {
                int newHead = monitoredNext[page];
                monitoredPrev[newHead] = NIL;
                set(newHead, F_CR3_MIX, has(page, F_CR3_MIX));
                registry.changeUserArgument(base, newHead);
                monitoredNext[page] = NIL;
            } else {
                monitoredNext[monitoredPrev[page]] = monitoredNext[page];
                if (monitoredNext[page] != NIL) {
                    monitoredPrev[monitoredNext[page]] = monitoredPrev[page];
                    monitoredNext[page] = NIL;
                }
                monitoredPrev[page] = NIL;
            }
        } else {
            registry.deregister(base);
            if (clearPool) {
                status = PgmStatus.VERR_PGM_POOL_CLEARED;
            }
        }
        set(page, F_MONITORED, false);
        modifiedRemove(page);
        observer.monitorChanged(page, gcPhys[page], false);
        return status;
    }

    /** Sets the CR3-mix flag on every page of a chain (pgmPoolMonitorChainChangeCR3Mix). */
    void chainSetCr3Mix(int page, boolean mix) {
        set(page, F_CR3_MIX, mix);
        for (int i = monitoredPrev[page]; i != NIL; i = monitoredPrev[i]) {
            set(i, F_CR3_MIX, mix);
        }
        for (int i = monitoredNext[page]; i != NIL; i = monitoredNext[i]) {
            set(i, F_CR3_MIX, mix);
        }
    }

    private void checkRoot(int root, String operation) {
        if (root != ROOT_32BIT_PD && root != ROOT_PAE_PD) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    operation + ": page " + root + " is not a monitorable root (only the 32-bit and PAE page directories are)");
        }
    }

    @Override
    public PgmStatus monitorCr3(int root, long gcPhysCr3) {
        checkRoot(root, "monitor CR3");
        if (gcPhysCr3 < 0 || gcPhysCr3 > PhysicalMemory.MAX_ADDRESS) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "monitor CR3: bad address " + hex(gcPhysCr3));
        }
        if (gcPhys[root] == gcPhysCr3) {
            return PgmStatus.VINF_SUCCESS;
        }
        if (has(root, F_MONITORED)) {
            chainSetCr3Mix(root, false);
            monitorFlush(root);
            hashRemove(root);
        }
        gcPhys[root] = gcPhysCr3;
        PgmStatus inserted;
        try {
            inserted = monitorInsert(root);
        } catch (PgmException e) {
            // The page cannot carry a handler (no RAM there, or another handler): the root stays unmonitored.
            gcPhys[root] = NIL_GCPHYS;
            throw e;
        }
        hashInsert(root);
        chainSetCr3Mix(root, true);
        // The reference tolerates a pool clear requested by the registration here.
        return inserted == PgmStatus.VERR_PGM_POOL_CLEARED ? PgmStatus.VINF_SUCCESS : inserted;
    }

    @Override
    public PgmStatus unmonitorCr3(int root) {
        checkRoot(root, "unmonitor CR3");
        if (!has(root, F_MONITORED)) {
            return PgmStatus.VINF_SUCCESS;
        }
        chainSetCr3Mix(root, false);
        monitorFlush(root);
        hashRemove(root);
        gcPhys[root] = NIL_GCPHYS;
        return PgmStatus.VINF_SUCCESS;
    }

    /** Inserts a page at the head of the modified list (pgmPoolMonitorModifiedInsert). */
    void modifiedInsert(int page) {
        modifiedNext[page] = modifiedHead;
        if (modifiedHead != NIL) {
            modifiedPrev[modifiedHead] = page;
        }
        modifiedHead = page;
        modifiedCount++;
        modifiedPagesHigh = Math.max(modifiedPagesHigh, modifiedCount);
    }

    /** Removes a page from the modified list if there, zeroing its count (pgmPoolMonitorModifiedRemove). */
    void modifiedRemove(int page) {
        if (modifiedHead == page) {
            modifiedHead = modifiedNext[page];
            if (modifiedNext[page] != NIL) {
                modifiedPrev[modifiedNext[page]] = NIL;
                modifiedNext[page] = NIL;
            }
            modifiedCount--;
        } else if (modifiedPrev[page] != NIL) {
            modifiedNext[modifiedPrev[page]] = modifiedNext[page];
            if (modifiedNext[page] != NIL) {
                modifiedPrev[modifiedNext[page]] = modifiedPrev[page];
                modifiedNext[page] = NIL;
            }
            modifiedPrev[page] = NIL;
            modifiedCount--;
        }
        modifications[page] = 0;
    }

    @Override
    public void modifiedClearAll() {
        int page = modifiedHead;
        modifiedHead = NIL;
        while (page != NIL) {
            int following = modifiedNext[page];
            modifiedNext[page] = NIL;
            modifiedPrev[page] = NIL;
            modifications[page] = 0;
            page = following;
        }
        modifiedCount = 0;
    }

    @Override
    public PgmStatus chainFlush(int page) {
        checkPage(page, "chain flush");
        int current = page;
        while (monitoredPrev[current] != NIL) {
            current = monitoredPrev[current];
        }
        PgmStatus status = PgmStatus.VINF_SUCCESS;
        for (;;) {
            int following = monitoredNext[current];
            if (current >= FIRST_INDEX && flushPage(current) == PgmStatus.VERR_PGM_POOL_CLEARED
                    && status == PgmStatus.VINF_SUCCESS) {
                status = PgmStatus.VINF_PGM_SYNC_CR3;
            }
            if (following == NIL) {
                return status;
            }
            current = following;
        }
    }

    @Override
    public void chainChanging(int head, long gcPhysFault, int writeSize) {
        checkPage(head, "chain changing");
        if (monitoredPrev[head] != NIL) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "chain changing: page " + head + " is not a chain head");
        }
        int size = Math.max(1, writeSize);
        int offset = (int) (gcPhysFault & 0xfff);
        clearedFrameCount = 0;
        clearedDirectory = false;
        for (int page = head; page != NIL; page = monitoredNext[page]) {
            changing(page, offset, size);
        }
    }

    /**
     * Has the guest TLBs drop what the last {@link #chainChanging} cleared: nothing when it cleared no
     * present entry (a guest filling empty entries, the common case), the entries mapping each cleared
     * frame, or all of them after a directory entry or more frames than are listed.
     */
    private void flushClearedTranslations() {
        if (clearedDirectory || clearedFrameCount > clearedFrames.length) {
            hooks.flushGuestTlbs();
            return;
        }
        for (int k = 0; k < clearedFrameCount; k++) {
            hooks.flushGuestTlbFrame(clearedFrames[k]);
        }
    }

    /** Clears the shadow entries of one page that a guest write at {@code offset} of {@code size} bytes touches. */
    private void changing(int page, int offset, int size) {
        int last = Math.min(PAGE - 1, offset + size - 1);
        switch (kindOf(page)) {
            case PT32_FOR_PT32 -> {
                for (int i = offset / 4; i <= last / 4; i++) {
                    clearTrackedEntry(page, i);
                }
            }
            case PAE_PT_FOR_PT32 -> {
                // A PAE table shadows one half of the 32-bit guest table: only writes to that half concern it.
                int half = (int) (gcPhys[page] & 0x800);
                for (int off = offset & ~3; off <= last; off += 4) {
                    if ((off & 0x800) == half) {
                        clearTrackedEntry(page, (off / 4) & 511);
                    }
                }
            }
            case PAE_PT_FOR_PAE_PT -> {
                for (int i = offset / 8; i <= last / 8; i++) {
                    clearTrackedEntry(page, i);
                }
            }
            case ROOT_32BIT_PD -> {
                for (int i = offset / 4; i <= last / 4; i++) {
                    if ((readEntry(page, i) & MAPPING) != 0) {
                        requestSync(false);
                    }
                }
            }
            case ROOT_PAE_PD -> {
                for (int guest = offset / 4; guest <= last / 4; guest++) {
                    for (int i = guest * 2; i < guest * 2 + 2; i++) {
                        if ((readEntry(page, i) & (MAPPING | PRESENT)) == (MAPPING | PRESENT)) {
                            requestSync(false);
                        }
                    }
                }
            }
            case PAE_PD_FOR_PD32 -> {
                // One quarter (256 guest entries) of the guest directory; each guest entry is two PAE entries.
                int quarterStart = (int) (gcPhys[page] & 0xc00);
                for (int off = offset & ~3; off <= last; off += 4) {
                    if (off - quarterStart >= 0 && off - quarterStart < 1024) {
                        int guest = (off - quarterStart) / 4;
                        releaseChild(page, guest * 2);
                        releaseChild(page, guest * 2 + 1);
                    }
                }
            }
            case PAE_PD_FOR_PAE_PD, PDPT64_FOR_PDPT64 -> {
                for (int i = offset / 8; i <= last / 8; i++) {
                    releaseChild(page, i);
                }
            }
            default -> throw new IllegalStateException("monitored page " + page + " of kind " + kindOf(page));
        }
    }

    /** Clears a present page-table entry the guest is about to overwrite, dropping its guest reference. */
    private void clearTrackedEntry(int pageTable, int i) {
        long entry = readEntry(pageTable, i);
        if ((entry & PRESENT) != 0) {
            if (clearedFrameCount < clearedFrames.length) {
                clearedFrames[clearedFrameCount] = (int) (entryFrameAddress(pageTable, entry) >>> 12);
            }
            clearedFrameCount++;
            removeEntry(pageTable, i, guestAddressOf(pageTable, i));
        }
    }

    /** Clears a present directory entry the guest is about to overwrite and lets go of the table it pointed at. */
    private void releaseChild(int directory, int i) {
        long entry = readEntry(directory, i);
        if ((entry & PRESENT) != 0) {
            clearedDirectory = true;
            int child = frameIndex.get((int) (entryFrameAddress(directory, entry) >>> 12));
            writeEntry(directory, i, 0);
            if (child != NIL) {
                freeByPage(child, directory, i);
            }
        }
    }

    private void requestSync(boolean clear) {
        syncCr3 = true;
        clearPool |= clear;
        hooks.requestCr3Sync(clear);
    }

    /** The write handler registered for monitored pages; the user argument is the chain head. */
    private AccessOutcome onMonitoredAccess(PhysicalAccess access, Object userArgument) {
        if (access.type() != AccessType.WRITE) {
            return AccessOutcome.DEFAULT;
        }
        int head = (Integer) userArgument;
        FaultingInstruction instruction = access.origin() == org.shadowbench.handlers.AccessOrigin.CPU
                ? hooks.currentInstruction() : null;
        if (instruction == null) {
            // A device or the debugger: no instruction to judge, so clear what the write touches.
            if (modifications[head]++ == 0) {
                modifiedInsert(head);
            }
            chainChanging(head, access.address(), access.size());
            flushClearedTranslations();
            monitorHandled++;
            return AccessOutcome.DEFAULT;
        }
        accessHandler(head, access.address(), instruction.linearAddress(), instruction);
        return instruction.completedByPool() ? AccessOutcome.HANDLED : AccessOutcome.DEFAULT;
    }

    /** Whether the write suggests the page no longer holds page tables (pgmPoolMonitorIsReused). */
    private boolean isReused(FaultingInstruction instruction) {
        OpcodeClass opcode = instruction.opcode();
        if (opcode == OpcodeClass.PUSH || opcode == OpcodeClass.PUSHF || opcode == OpcodeClass.PUSHA
                || opcode == OpcodeClass.FXSAVE || instruction.destinationIsEsp()) {
            monitorReused++;
            return true;
        }
        return false;
    }

    /** Whether the write looks like Linux write-protecting PTEs for a fork (pgmPoolMonitorIsForking). */
    private boolean isForking(FaultingInstruction instruction, int offset) {
        if (instruction.opcode() == OpcodeClass.BTR && (offset & 4) == 0) {
            monitorFork++;
            return true;
        }
        return false;
    }

    /** The exact conditions under which the reference executes a REP STOSD itself. */
    private static boolean isSmallRepStosd(FaultingInstruction instruction, long pvFault) {
        long ecx = instruction.ecx();
        long eax = instruction.eax();
        return instruction.opcode() == OpcodeClass.STOS && instruction.cpl() == 0 && ecx <= 0x20
                && ecx * 4 <= PAGE - (pvFault & 0xfff) && (pvFault & 3) == 0 && (eax == 0 || eax == 0x80)
                && instruction.cpuMode() == 32 && instruction.operandMode() == 32 && instruction.addressMode() == 32
                && instruction.prefixes() == FaultingInstruction.PREFIX_REP && !instruction.directionFlag();
    }

    @Override
    public PgmStatus accessHandler(int head, long gcPhysFault, long pvFault, FaultingInstruction instruction) {
        checkPage(head, "access handler");
        Objects.requireNonNull(instruction, "instruction");
        if (monitoredPrev[head] != NIL) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "access handler: page " + head + " is not a chain head");
        }
        int offset = (int) (gcPhysFault & 0xfff);
        if ((modifications[head] < configuration.modificationLimit() || has(head, F_CR3_MIX))
                && !isReused(instruction) && !isForking(instruction, offset)) {
            if ((instruction.prefixes() & (FaultingInstruction.PREFIX_REP | FaultingInstruction.PREFIX_REPNE)) == 0) {
                if (modifications[head]++ == 0) {
                    modifiedInsert(head);
                }
                chainChanging(head, gcPhysFault, instruction.writeSize());
                flushClearedTranslations();
                monitorHandled++;
                return PgmStatus.VINF_SUCCESS;
            }
            if (isSmallRepStosd(instruction, pvFault)) {
                if (modifications[head]++ == 0) {
                    modifiedInsert(head);
                }
                long address = gcPhysFault;
                long count = instruction.ecx();
                for (long i = 0; i < count; i++, address += 4) {
                    chainChanging(head, address, 4);
                    memory.write(address, 4, instruction.eax());
                }
                instruction.completeRepStos(count);
                hooks.flushGuestTlbs();
                monitorRepStosd++;
                return PgmStatus.VINF_SUCCESS;
            }
            monitorRepPrefix++;
        }
        PgmStatus status = chainFlush(head);
        hooks.flushGuestTlbs();
        monitorFlushed++;
        return status;
    }

    // ==================================================================================== cache

    static int hashOf(long address) {
        return (int) ((address >>> 12) & (HASH_SIZE - 1));
    }

    void hashInsert(int page) {
        int bucket = hashOf(gcPhys[page]);
        next[page] = hash[bucket];
        hash[bucket] = page;
    }

    void hashRemove(int page) {
        int bucket = hashOf(gcPhys[page]);
        if (hash[bucket] == page) {
            hash[bucket] = next[page];
        } else {
            int previous = hash[bucket];
            while (previous != NIL && next[previous] != page) {
                previous = next[previous];
            }
            if (previous == NIL) {
                throw new IllegalStateException("page " + page + " is not in its hash chain");
            }
            next[previous] = next[page];
        }
        next[page] = NIL;
    }

    /** Moves a page to the head of the age list (pgmPoolCacheUsed). */
    void cacheUsed(int page) {
        if (agePrev[page] == NIL) {
            return;
        }
        ageUnlink(page);
        ageInsertHead(page);
    }

    private void ageInsertHead(int page) {
        agePrev[page] = NIL;
        ageNext[page] = ageHead;
        if (ageHead != NIL) {
            agePrev[ageHead] = page;
        } else {
            ageTail = page;
        }
        ageHead = page;
    }

    private void ageUnlink(int page) {
        if (ageNext[page] != NIL) {
            agePrev[ageNext[page]] = agePrev[page];
        } else {
            ageTail = agePrev[page];
        }
        if (agePrev[page] != NIL) {
            ageNext[agePrev[page]] = ageNext[page];
        } else {
            ageHead = ageNext[page];
        }
        ageNext[page] = NIL;
        agePrev[page] = NIL;
    }

    /**
     * Evicts the least recently used page, never {@code user} (pgmPoolCacheFreeOne).
     *
     * @throws PgmException VERR_PGM_POOL_GET_PAGE_FAILED when no other page is in the age list
     */
    PgmStatus cacheFreeOne(int user) {
        int victim = ageTail;
        if (victim == user) {
            victim = agePrev[victim];
        }
        if (victim == NIL) {
            throw new PgmException(PgmStatus.VERR_PGM_POOL_GET_PAGE_FAILED,
                    "the pool is exhausted: no cached page other than user page " + user + " can be evicted");
        }
        cacheEvictions++;
        observer.evicting(victim);
        PgmStatus status = flushPage(victim);
        if (status == PgmStatus.VINF_SUCCESS) {
            hooks.flushGuestTlbs();
        }
        return status;
    }

    /**
     * Whether a cached page of kind {@code cached} found for a request of kind {@code requested} shows the
     * guest page was reused and must be flushed, rather than being a normal remapping (pgmPoolCacheReusedByKind).
     */
    static boolean reusedByKind(PoolKind cached, PoolKind requested) {
        switch (cached) {
            case PT32_FOR_PHYS:
            case PAE_PT_FOR_PHYS:
                return true;
            case PAE_PT_FOR_BIG32:
            case PT32_FOR_BIG32:
            case PT32_FOR_PT32:
            case PAE_PT_FOR_PT32:
            case PAE_PD_FOR_PD32:
                return switch (requested) {
                    case PAE_PD_FOR_PAE_PD, PAE_PT_FOR_PAE_PT, PDPT64_FOR_PDPT64, PAE_PT_FOR_PAE_BIG, PT32_FOR_PHYS,
                            PAE_PT_FOR_PHYS -> true;
                    default -> false;
                };
            case PAE_PD_FOR_PAE_PD:
            case PAE_PT_FOR_PAE_PT:
            case PDPT64_FOR_PDPT64:
            case PAE_PT_FOR_PAE_BIG:
                return switch (requested) {
                    case PAE_PT_FOR_BIG32, PT32_FOR_BIG32, PT32_FOR_PT32, PAE_PT_FOR_PT32, PAE_PD_FOR_PD32, PT32_FOR_PHYS,
                            PAE_PT_FOR_PHYS -> true;
                    default -> false;
                };
            case ROOT_32BIT_PD:
            case ROOT_PAE_PD:
            case ROOT_PDPT:
            case ROOT_PML4:
                return false;
            default:
                throw new IllegalStateException("cached page of kind " + cached);
        }
    }

    /** Looks for a cached page (pgmPoolCacheAlloc); returns it with a new user, or NIL. */
    private int cacheAlloc(long address, PoolKind requested, int user, int userTable) {
        for (int page = hash[hashOf(address)]; page != NIL; page = next[page]) {
            if (gcPhys[page] != address) {
                continue;
            }
            PoolKind cached = kindOf(page);
            if (cached == requested) {
                trackAddUser(page, user, userTable);
                cacheHits++;
                return page;
            }
            // Never the requesting user, whose entry is about to point at the result (as eviction spares it).
            if (page != user && reusedByKind(cached, requested)) {
                cacheKindMismatches++;
                flushPage(page);
                hooks.flushGuestTlbs();
                break;
            }
        }
        cacheMisses++;
        return NIL;
    }

    /** Caches a page if it may be, and puts it at the head of the age list (pgmPoolCacheInsert). */
    private void cacheInsert(int page, boolean canBeCached) {
        if (canBeCached) {
            set(page, F_CACHED, true);
            hashInsert(page);
        } else {
            cacheUncacheable++;
        }
        ageInsertHead(page);
    }

    /** Takes a page out of the hash and the age list (pgmPoolCacheFlushPage). */
    private void cacheFlushPage(int page) {
        if (has(page, F_CACHED)) {
            set(page, F_CACHED, false);
            hashRemove(page);
        }
        ageUnlink(page);
    }

    // ==================================================================================== user tracking

    /** Makes user records free by evicting cached pages (pgmPoolTrackFreeOneUser). */
    private PgmStatus freeOneUser(int user) {
        freeOneUser++;
        PgmStatus status = PgmStatus.VINF_SUCCESS;
        do {
            PgmStatus evicted = cacheFreeOne(user);
            if (evicted.isFailure() && status == PgmStatus.VINF_SUCCESS) {
                status = evicted;
            }
        } while (users.freeHead == UserRecords.NIL);
        return status;
    }

    private int allocateUserRecord(int user) {
        int record = users.allocate();
        if (record == UserRecords.NIL) {
            freeOneUser(user);
            record = users.allocate();
        }
        return record;
    }

    /**
     * Gives a new page its first user, caches it and starts monitoring it (pgmPoolTrackInsert).
     * <p>
     * Unlike the reference, the user record stays when registering the monitor made shadow paging ask for
     * a pool clear. The reference drops it because its caller then abandons the page and leaves its
     * directory entry empty; Shadowbench's callers (the CPU's shadow sync) link the page whatever the
     * status, and the CR3 sync that follows frees that entry, which must then find its record.
     *
     * @return VINF_SUCCESS or VERR_PGM_POOL_CLEARED (the page keeps its user and stays cached)
     */
    private PgmStatus trackInsert(int page, int user, int userTable) {
        int record = allocateUserRecord(user);
        users.user[record] = user;
        users.table[record] = userTable;
        userHead[page] = record;
        cacheInsert(page, true);
        return monitorInsert(page);
    }

    /** Adds a user to a cached page and marks it used (pgmPoolTrackAddUser). */
    private void trackAddUser(int page, int user, int userTable) {
        for (int r = userHead[page]; r != UserRecords.NIL; r = users.next[r]) {
            if (users.user[r] == user && users.table[r] == userTable) {
                throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                        "page " + page + " already has user " + user + " entry " + userTable);
            }
        }
        // Marked used first, so that finding a free user record cannot evict this very page.
        cacheUsed(page);
        int record = allocateUserRecord(user);
        users.next[record] = userHead[page];
        users.user[record] = user;
        users.table[record] = userTable;
        userHead[page] = record;
    }

    /** Drops one user record of a page (pgmPoolTrackFreeUser), without touching the user's entry. */
    private void trackFreeUser(int page, int user, int userTable) {
        int previous = UserRecords.NIL;
        for (int r = userHead[page]; r != UserRecords.NIL; r = users.next[r]) {
            if (users.user[r] == user && users.table[r] == userTable) {
                if (previous == UserRecords.NIL) {
                    userHead[page] = users.next[r];
                } else {
                    users.next[previous] = users.next[r];
                }
                users.release(r);
                return;
            }
            previous = r;
        }
        throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                "page " + page + " has no user " + user + " entry " + userTable);
    }

    /** Clears the entry of every user pointing at the page and frees their records (pgmPoolTrackClearPageUsers). */
    private void trackClearPageUsers(int page) {
        int r = userHead[page];
        while (r != UserRecords.NIL) {
            writeEntry(users.user[r], users.table[r], 0);
            int following = users.next[r];
            users.release(r);
            r = following;
        }
        userHead[page] = UserRecords.NIL;
    }

    // ==================================================================================== guest-physical tracking

    /** The tracking word after adding a reference from a page table (pgmTrackAddRef with pgmPoolTrackPhysExtAddref). */
    int addReference(int tracking, int pageTable) {
        if (tracking == 0) {
            return PageTracking.make(1, pageTable);
        }
        if (!PageTracking.isPhysExt(tracking)) {
            int extent = extents.allocate();
            if (extent == PhysExtents.NIL) {
                trackOverflows++;
                return PageTracking.make(PageTracking.REFS_PHYS_EXT, PageTracking.INDEX_OVERFLOWED);
            }
            trackAliased++;
            extents.setSlot(extent, 0, PageTracking.index(tracking));
            extents.setSlot(extent, 1, pageTable);
            return PageTracking.make(PageTracking.REFS_PHYS_EXT, extent);
        }
        if (PageTracking.isOverflowed(tracking)) {
            trackAliasedLots++;
            return tracking;
        }
        return physExtInsert(PageTracking.index(tracking), pageTable);
    }

    /**
     * Adds a page table to an extent list (pgmPoolTrackPhysExtInsert): into a free slot of the first 15
     * extents, else as a new extent at the head; overflows when the chain is too long or extents run out.
     * Unlike the 2007 reference, whose loop never advanced past the head extent, the whole chain is walked.
     */
    private int physExtInsert(int head, int pageTable) {
        if (extents.slot(head, 2) == NIL) {
            extents.setSlot(head, 2, pageTable);
            trackAliasedMany++;
            return PageTracking.make(PageTracking.REFS_PHYS_EXT, head);
        }
        int extent = head;
        int budget = 15;
        while (extent != PhysExtents.NIL) {
            for (int s = 0; s < PhysExtents.SLOTS; s++) {
                if (extents.slot(extent, s) == NIL) {
                    extents.setSlot(extent, s, pageTable);
                    trackAliasedMany++;
                    return PageTracking.make(PageTracking.REFS_PHYS_EXT, head);
                }
            }
            if (--budget == 0) {
                return overflow(head);
            }
            extent = extents.next[extent];
        }
        int added = extents.allocate();
        if (added == PhysExtents.NIL) {
            return overflow(head);
        }
        extents.next[added] = head;
        extents.setSlot(added, 0, pageTable);
        trackAliasedMany++;
        return PageTracking.make(PageTracking.REFS_PHYS_EXT, added);
    }

    private int overflow(int head) {
        trackOverflows++;
        extents.freeList(head);
        return PageTracking.make(PageTracking.REFS_PHYS_EXT, PageTracking.INDEX_OVERFLOWED);
    }

    /** Drops a page table's reference from a guest page's tracking word (pgmTrackDerefGCPhys). */
    void dropReference(RamRange range, int index, int pageTable) {
        int tracking = range.tracking(index);
        if (!PageTracking.isPhysExt(tracking)) {
            if (PageTracking.index(tracking) != pageTable) {
                throw new PgmException(PgmStatus.VERR_INTERNAL_ERROR, String.format(
                        "page %#x is tracked by pool page %d, not %d", range.pageAddress(index), PageTracking.index(tracking),
                        pageTable));
            }
            range.setTracking(index, 0);
            return;
        }
        physExtDeref(range, index, pageTable);
    }

    /** Removes a page table from a guest page's extent list, freeing emptied extents (pgmPoolTrackPhysExtDerefGCPhys). */
    private void physExtDeref(RamRange range, int index, int pageTable) {
        int tracking = range.tracking(index);
        if (PageTracking.isOverflowed(tracking)) {
            return;
        }
        int previous = PhysExtents.NIL;
        for (int extent = PageTracking.index(tracking); extent != PhysExtents.NIL; extent = extents.next[extent]) {
            for (int s = 0; s < PhysExtents.SLOTS; s++) {
                if (extents.slot(extent, s) != pageTable) {
                    continue;
                }
                extents.setSlot(extent, s, NIL);
                for (int other = 0; other < PhysExtents.SLOTS; other++) {
                    if (extents.slot(extent, other) != NIL) {
                        return;
                    }
                }
                int following = extents.next[extent];
                if (previous == PhysExtents.NIL && following == PhysExtents.NIL) {
                    range.setTracking(index, 0);
                } else if (previous == PhysExtents.NIL) {
                    range.setTracking(index, PageTracking.make(PageTracking.REFS_PHYS_EXT, following));
                } else {
                    extents.next[previous] = following;
                }
                extents.next[extent] = PhysExtents.NIL;
                extents.free(extent);
                return;
            }
            previous = extent;
        }
        throw new PgmException(PgmStatus.VERR_INTERNAL_ERROR,
                String.format("page %#x does not list pool page %d", range.pageAddress(index), pageTable));
    }

    /** Whether a guest page's tracking word lists the page table (overflowed words list everything). */
    boolean references(int tracking, int pageTable) {
        if (tracking == 0) {
            return false;
        }
        if (!PageTracking.isPhysExt(tracking)) {
            return PageTracking.index(tracking) == pageTable;
        }
        if (PageTracking.isOverflowed(tracking)) {
            return true;
        }
        for (int extent = PageTracking.index(tracking); extent != PhysExtents.NIL; extent = extents.next[extent]) {
            for (int s = 0; s < PhysExtents.SLOTS; s++) {
                if (extents.slot(extent, s) == pageTable) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Drops the reference an entry of a page table holds on the guest page at {@code hint}, or on the
     * page found by a linear search when the hint is wrong (pgmPoolTracDerefGCPhysHint). The search asks for
     * the entry's frame and a tracking word listing the table, so shared frames resolve correctly.
     */
    private void dropReferenceWithHint(int pageTable, long frameAddress, long hint) {
        int hostFrame = (int) (frameAddress >>> 12);
        RamRange range = memory.rangeAt(hint);
        if (range != null) {
            int index = range.pageIndex(hint);
            if (range.hostFrame(index) == hostFrame && references(range.tracking(index), pageTable)) {
                dropReference(range, index, pageTable);
                return;
            }
        }
        trackLinearSearches++;
        for (RamRange candidate : memory.ranges()) {
            for (int index = candidate.pageCount() - 1; index >= 0; index--) {
                if (candidate.hostFrame(index) == hostFrame && references(candidate.tracking(index), pageTable)) {
                    dropReference(candidate, index, pageTable);
                    return;
                }
            }
        }
        throw new PgmException(PgmStatus.VERR_INTERNAL_ERROR, String.format(
                "no guest page with frame %#x is tracked by pool page %d (hint %#x)", hostFrame, pageTable, hint));
    }

    /** Clears a present page-table entry, keeping the counts; returns what it held. */
    private long clearEntry(int pageTable, int i) {
        long entry = readEntry(pageTable, i);
        writeEntry(pageTable, i, 0);
        present[pageTable]--;
        totalPresent--;
        return entry;
    }

    /** Clears an entry and drops its reference on the guest page found from the hint. */
    void removeEntry(int pageTable, int i, long guestHint) {
        long entry = clearEntry(pageTable, i);
        dropReferenceWithHint(pageTable, entryFrameAddress(pageTable, entry), guestHint);
    }

    /** Clears an entry known to map the guest page {@code range[index]} and drops that page's reference. */
    private void removeEntry(int pageTable, int i, RamRange range, int index) {
        clearEntry(pageTable, i);
        dropReference(range, index, pageTable);
    }

    @Override
    public void mapGuestPage(int pageTable, int index, long entry, RamRange range, int pageIndex) {
        checkPage(pageTable, "map guest page");
        PoolKind k = kindOf(pageTable);
        if (!k.isPageTable() || index < 0 || index >= entries(pageTable)) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    "map guest page: entry " + index + " of pool page " + pageTable + " (" + k + ") is not a page table entry");
        }
        if ((readEntry(pageTable, index) & PRESENT) != 0 || (entry & PRESENT) == 0) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    "map guest page: entry " + index + " of pool page " + pageTable + " is present already, or the new one is not");
        }
        if (entryFrameAddress(pageTable, entry) != HostFrameStore.hostAddress(range.hostFrame(pageIndex))) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, String.format(
                    "map guest page: entry %#x does not point at the frame of guest page %#x", entry, range.pageAddress(pageIndex)));
        }
        long guest = guestAddressOf(pageTable, index);
        if (guest != range.pageAddress(pageIndex)) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, String.format(
                    "map guest page: entry %d of pool page %d maps guest page %#x, not %#x", index, pageTable, guest,
                    range.pageAddress(pageIndex)));
        }
        writeEntry(pageTable, index, entry);
        present[pageTable]++;
        totalPresent++;
        firstPresent[pageTable] = Math.min(firstPresent[pageTable], index);
        range.setTracking(pageIndex, addReference(range.tracking(pageIndex), pageTable));
    }

    @Override
    public void unmapGuestPage(int pageTable, int index) {
        checkPage(pageTable, "unmap guest page");
        if (!kindOf(pageTable).isPageTable() || index < 0 || index >= entries(pageTable)
                || (readEntry(pageTable, index) & PRESENT) == 0) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    "unmap guest page: entry " + index + " of pool page " + pageTable + " is not a present page table entry");
        }
        removeEntry(pageTable, index, guestAddressOf(pageTable, index));
    }

    @Override
    public void setDirectoryEntry(int page, int index, long value) {
        checkPage(page, "set directory entry");
        if (!kindOf(page).isDirectory() || index < 0 || index >= entries(page)) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    "set directory entry: entry " + index + " of pool page " + page + " (" + kindOf(page) + ")");
        }
        writeEntry(page, index, value);
    }

    @Override
    public long entry(int page, int index) {
        checkPage(page, "entry");
        if (index < 0 || index >= entries(page)) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "entry " + index + " of pool page " + page);
        }
        return readEntry(page, index);
    }

    /**
     * Updates or flushes the entries of one page table that map the guest page: removed when flushing or
     * when the page is now intercepted entirely, write-protected when only writes are.
     *
     * <p>The search stops once it has found the {@code references} entries the page's tracking counts in
     * this table, as VirtualBox's does; where the count is unknown (the slow scan) it reads the whole table.
     * It starts at the entry a direct map would use (the guest address's own table index: kernels map
     * physical memory at a 4 MiB-aligned offset), which is where monitoring a page directory finds it, and
     * wraps round.
     */
    private boolean updateEntriesIn(int pageTable, RamRange range, int index, boolean flush, long frameAddress,
            int references) {
        long guest = range.pageAddress(index);
        PageHandlerState state = range.handlerState(index);
        boolean remove = flush || state == PageHandlerState.ALL || range.pageType(index) == PageType.MMIO;
        boolean changed = false;
        int start = firstPresent[pageTable] == NO_FIRST_PRESENT ? 0 : firstPresent[pageTable];
        int count = entries(pageTable);
        int found = 0;
        // The table's bytes are read in place: a monitored page directory costs a table search at every CR3 load.
        boolean wide = kindOf(pageTable).shadowEntrySize() == 8;
        byte[] backing = frames.backing(frame[pageTable]);
        int base = frames.backingOffset(frame[pageTable]);
        long wanted = frameAddress | PRESENT;
        long mask = (wide ? PAE_FRAME : PTE32_FRAME) | PRESENT;
        // From the index a direct map would use to the end, then from the first present entry round to it.
        int from = Math.max(start, (int) (guest >>> 12) & (count - 1));
        for (int n = start, i = from; n < count && found < references; n++, i = i + 1 == count ? start : i + 1) {
            long entry = wide ? (long) LONG.get(backing, base + 8 * i) : (int) INT.get(backing, base + 4 * i) & 0xffff_ffffL;
            // An entry mapping the page holds its frame (the checker's invariant), so the frame rules out
            // nearly every other entry before the guest's table is read.
            if ((entry & mask) != wanted || guestAddressOf(pageTable, i) != guest) {
                continue;
            }
            changed |= updateEntry(pageTable, i, range, index, remove, state);
            found++;
        }
        return changed;
    }

    /** Removes or write-protects one entry found mapping the page; whether it changed. */
    private boolean updateEntry(int pageTable, int i, RamRange range, int index, boolean remove, PageHandlerState state) {
        if (remove) {
            removeEntry(pageTable, i, range, index);
            return true;
        }
        long entry = readEntry(pageTable, i);
        if (state == PageHandlerState.WRITE && (entry & WRITABLE) != 0) {
            writeEntry(pageTable, i, entry & ~WRITABLE);
            return true;
        }
        return false;
    }

    @Override
    public int updateGuestPageEntries(RamRange range, int pageIndex, boolean flush) {
        return updateGuestPageEntries(range, pageIndex, flush, (long) range.hostFrame(pageIndex) << 12);
    }

    /**
     * {@link #updateGuestPageEntries(RamRange, int, boolean)} for entries that map the page on the frame at
     * {@code frameAddress}: its frame now, or the one it had when its backing just changed.
     */
    private int updateGuestPageEntries(RamRange range, int pageIndex, boolean flush, long frameAddress) {
        int tracking = range.tracking(pageIndex);
        if (tracking == 0) {
            return 0;
        }
        if (!PageTracking.isPhysExt(tracking)) {
            updateEntriesIn(PageTracking.index(tracking), range, pageIndex, flush, frameAddress, 1);
            return FLUSH_TLBS;
        }
        if (!PageTracking.isOverflowed(tracking)) {
            int[] tables = new int[16 * PhysExtents.SLOTS];
            int[] references = new int[tables.length];
            int count = tablesListedBy(PageTracking.index(tracking), tables, references);
            for (int t = 0; t < count; t++) {
                updateEntriesIn(tables[t], range, pageIndex, flush, frameAddress, references[t]);
            }
            return FLUSH_TLBS;
        }
        return slowScan(range, pageIndex, flush, frameAddress);
    }

    /**
     * Lists the distinct page tables an extent list names into {@code tables}, with how many of its slots
     * name each (its references to the page) in {@code references}, and returns how many there are:
     * copied, since updating entries edits the list.
     */
    private int tablesListedBy(int head, int[] tables, int[] references) {
        int count = 0;
        for (int extent = head; extent != PhysExtents.NIL; extent = extents.next[extent]) {
            for (int s = 0; s < PhysExtents.SLOTS; s++) {
                int table = extents.slot(extent, s);
                if (table == NIL) {
                    continue;
                }
                int t = 0;
                while (t < count && tables[t] != table) {
                    t++;
                }
                if (t == count) {
                    tables[count] = table;
                    references[count++] = 0;
                }
                references[t]++;
            }
        }
        return count;
    }

    /**
     * Scans every shadow page table for entries mapping an overflowed page (pgmPoolTrackFlushGCPhysPTsSlow),
     * giving up above 1024 present entries: then the pool must be cleared (GCPHYS_ALIASED).
     */
    private int slowScan(RamRange range, int pageIndex, boolean flush, long frameAddress) {
        trackSlowScans++;
        if (totalPresent > 1024) {
            trackSlowScanGiveUps++;
            requestSync(true);
            return FLUSH_TLBS | SYNC_CR3;
        }
        for (int page = FIRST_INDEX; page < currentPages; page++) {
            if (kindOf(page).isPageTable() && present[page] > 0) {
                updateEntriesIn(page, range, pageIndex, flush, frameAddress, Integer.MAX_VALUE);
            }
        }
        if (flush) {
            range.setTracking(pageIndex, 0);
        }
        return FLUSH_TLBS;
    }

    // ---- ShadowPageTables (what the handler registry calls)

    @Override
    public int updatePageEntries(long gcPhysPage, RamRange range, int index, boolean flushEntries) {
        return updateGuestPageEntries(range, index, flushEntries);
    }

    @Override
    public void flushAllTlbs() {
        hooks.flushGuestTlbs();
    }

    // ---- PageChangeListener (what the page model tells)

    @Override
    public int pageBackingChanged(long gcPhysPage, int oldHostFrame, int newHostFrame, int protection, PageType type,
            int engineState) {
        RamRange range = memory.rangeAt(gcPhysPage);
        if (range != null && range.tracking(range.pageIndex(gcPhysPage)) != 0) {
            // Entries still point at the old frame: flush them, the next access maps the new one.
            updateGuestPageEntries(range, range.pageIndex(gcPhysPage), true, (long) oldHostFrame << 12);
            hooks.flushGuestTlbs();
        }
        return engineState;
    }

    // ==================================================================================== dereferencing a page

    /** Drops every reference a page makes, to guest pages or to other pool pages, and zeroes it (pgmPoolTrackDeref). */
    private void trackDeref(int page) {
        PoolKind k = kindOf(page);
        if (k.isPageTable()) {
            derefPageTable(page, k);
        } else if (k.isDirectory()) {
            int count = entries(page);
            for (int i = 0; i < count; i++) {
                long entry = readEntry(page, i);
                if ((entry & PRESENT) != 0) {
                    int child = frameIndex.get((int) (entryFrameAddress(page, entry) >>> 12));
                    if (child == NIL) {
                        throw new PgmException(PgmStatus.VERR_INTERNAL_ERROR,
                                "entry " + i + " of pool page " + page + " points at no pool page: " + hex(entry));
                    }
                    trackFreeUser(child, page, i);
                }
            }
        }
        zeroTable(page);
        present[page] = 0;
        firstPresent[page] = NO_FIRST_PRESENT;
    }

    /**
     * Drops the guest reference of every present entry of a page table whose table is about to be zeroed
     * (the per-kind pgmPoolTrackDeref* helpers). This is the flush hot spot, so it reads the shadow table
     * and the guest table straight from their arrays, walks guest pages with a range hint, and leaves the
     * zeroing to one copy of the zero frame.
     */
    private void derefPageTable(int page, PoolKind k) {
        int count = entries(page);
        int remaining = present[page];
        if (remaining == 0) {
            return;
        }
        byte[] table = frames.backing(frame[page]);
        int tableBase = frames.backingOffset(frame[page]);
        boolean wide = k.shadowEntrySize() == 8;
        int guestEntrySize = k.guestEntrySize();
        boolean computed = k.isBigPage() || guestEntrySize == 0;
        if (!computed) {
            memory.read(gcPhys[page], guestScratch, 0, count * guestEntrySize);
        }
        RamRange hint = null;
        int single = PageTracking.make(1, page);
        for (int i = firstPresent[page]; i < count && remaining > 0; i++) {
            long entry = wide ? (long) LONG.get(table, tableBase + 8 * i) : (int) INT.get(table, tableBase + 4 * i) & 0xffff_ffffL;
            if ((entry & PRESENT) == 0) {
                continue;
            }
            remaining--;
            long guest;
            if (computed) {
                guest = gcPhys[page] + ((long) i << 12);
            } else if (guestEntrySize == 4) {
                guest = (int) INT.get(guestScratch, 4 * i) & PTE32_FRAME;
            } else {
                guest = (long) LONG.get(guestScratch, 8 * i) & PAE_FRAME;
            }
            int hostFrame = (int) ((wide ? entry & PAE_FRAME : entry & PTE32_FRAME) >>> 12);
            RamRange range = hint != null && guest >= hint.first() && guest <= hint.last() ? hint : memory.rangeAt(guest);
            if (range != null) {
                hint = range;
                int index = (int) ((guest - range.first()) >>> 12);
                int tracking = range.tracking(index);
                if (range.hostFrame(index) == hostFrame) {
                    if (tracking == single) {
                        range.setTracking(index, 0);
                        continue;
                    }
                    if (references(tracking, page)) {
                        dropReference(range, index, page);
                        continue;
                    }
                }
            }
            dropReferenceWithHint(page, (long) hostFrame << 12, guest);
        }
        totalPresent -= present[page];
        present[page] = 0;
    }

    // ==================================================================================== flushing

    @Override
    public PgmStatus flushPage(int page) {
        checkPage(page, "flush page");
        if (page < FIRST_INDEX) {
            return PgmStatus.VINF_SUCCESS;
        }
        if (kindOf(page) == PoolKind.FREE) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "flush page: page " + page + " is free");
        }
        flushes++;
        observer.flushed(page, kindOf(page), gcPhys[page]);
        set(page, F_ZEROED, false);
        trackClearPageUsers(page);
        trackDeref(page);
        cacheFlushPage(page);
        PgmStatus status = PgmStatus.VINF_SUCCESS;
        if (has(page, F_MONITORED)) {
            status = monitorFlush(page);
        }
        next[page] = freeHead;
        freeHead = page;
        kind[page] = (byte) PoolKind.FREE.ordinal();
        gcPhys[page] = NIL_GCPHYS;
        set(page, F_REUSED_FLUSH_PENDING | F_CR3_MIX | F_SEEN_NON_GLOBAL, false);
        usedPages--;
        return status;
    }

    @Override
    public void freeByPage(int page, int user, int userTable) {
        checkPage(page, "free");
        if (page < FIRST_INDEX || kindOf(page) == PoolKind.FREE) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "free: page " + page + " is not an allocated page");
        }
        trackFreeUser(page, user, userTable);
        if (!has(page, F_CACHED)) {
            frees++;
            flushPage(page);
        }
    }

    @Override
    public void free(long hostAddress, int user, int userTable) {
        freeByPage(pageByHostAddress(hostAddress), user, userTable);
    }

    @Override
    public int pageByHostAddress(long hostAddress) {
        int page = (hostAddress & 0xfff) == 0 ? frameIndex.get((int) (hostAddress >>> 12)) : NIL;
        if (page == NIL) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "no pool page at host address " + hex(hostAddress));
        }
        return page;
    }

    @Override
    public void clearAll() {
        clearAlls++;
        for (int page = FIRST_INDEX; page < currentPages; page++) {
            if (gcPhys[page] == NIL_GCPHYS) {
                continue;
            }
            if (kindOf(page).isPageTable() && present[page] > 0) {
                zeroTable(page);
                present[page] = 0;
                firstPresent[page] = NO_FIRST_PRESENT;
            }
            modifiedNext[page] = NIL;
            modifiedPrev[page] = NIL;
            modifications[page] = 0;
        }
        for (int root = ROOT_32BIT_PD; root < FIRST_INDEX; root++) {
            modifiedNext[root] = NIL;
            modifiedPrev[root] = NIL;
            modifications[root] = 0;
        }
        modifiedHead = NIL;
        modifiedCount = 0;
        clearTrackingWords();
        extents.reset();
        totalPresent = 0;
    }

    private void clearTrackingWords() {
        for (RamRange range : memory.ranges()) {
            for (int i = 0; i < range.pageCount(); i++) {
                if (range.tracking(i) != 0) {
                    range.setTracking(i, 0);
                }
            }
        }
    }

    @Override
    public void flushAll() {
        flushAlls++;
        if (currentPages <= FIRST_INDEX) {
            return;
        }
        for (int page = currentPages - 1; page >= FIRST_INDEX; page--) {
            if (has(page, F_MONITORED)) {
                monitorFlush(page);
            }
            initPage(page);
            kind[page] = (byte) PoolKind.FREE.ordinal();
            next[page] = page + 1;
        }
        next[currentPages - 1] = NIL;
        freeHead = FIRST_INDEX;
        usedPages = 0;
        totalPresent = 0;
        users.reset();
        clearTrackingWords();
        extents.reset();
        modifiedCount = 0;
        modifiedHead = NIL;
        java.util.Arrays.fill(hash, NIL);
        ageHead = NIL;
        ageTail = NIL;
        flushSpecialRoots();
        for (int root = ROOT_32BIT_PD; root < FIRST_INDEX; root++) {
            next[root] = NIL;
            modifiedNext[root] = NIL;
            modifiedPrev[root] = NIL;
            modifications[root] = 0;
            monitoredNext[root] = NIL;
            monitoredPrev[root] = NIL;
            if (has(root, F_MONITORED)) {
                registry.changeUserArgument(gcPhys[root] & ~0xfffL, root);
                hashInsert(root);
            }
        }
    }

    /** Marks root entries not present, keeping the hypervisor's own (pgmPoolFlushAllSpecialRoots); asks for a CR3 sync. */
    private void flushSpecialRoots() {
        for (int i = 0; i < 1024; i++) {
            long entry = readEntry(ROOT_32BIT_PD, i);
            if ((entry & (MAPPING | PRESENT)) == PRESENT) {
                writeEntry(ROOT_32BIT_PD, i, 0);
            }
        }
        for (int i = 0; i < 2048; i++) {
            long entry = readEntry(ROOT_PAE_PD, i);
            if ((entry & (MAPPING | PRESENT)) == PRESENT) {
                writeEntry(ROOT_PAE_PD, i, 0);
            }
        }
        for (int i = 0; i < 512; i++) {
            long entry = readEntry(ROOT_PML4, i);
            if ((entry & (MAPPING | PRESENT)) == PRESENT) {
                writeEntry(ROOT_PML4, i, 0);
            }
        }
        // The reference skips the PDPT root, which shadows nothing there; here it may be the user of PAE
        // directories, whose pages flush all has just freed, so its entries must go too.
        for (int i = 0; i < entries(ROOT_PDPT); i++) {
            long entry = readEntry(ROOT_PDPT, i);
            if ((entry & (MAPPING | PRESENT)) == PRESENT) {
                writeEntry(ROOT_PDPT, i, 0);
            }
        }
        requestSync(false);
    }

    // ==================================================================================== allocation

    /** Adds up to a growth step of pages (PGMR3PoolGrow). */
    private void grow() {
        int target = Math.min(configuration.maxPages(), currentPages + configuration.growStep());
        if (currentPages >= target) {
            throw new PgmException(PgmStatus.VERR_PGM_POOL_MAXED_OUT_ALREADY,
                    "the pool already has its maximum of " + configuration.maxPages() + " pages");
        }
        for (int page = target - 1; page >= currentPages; page--) {
            int f = frames.allocate(FrameUse.POOL);
            initPage(page);
            frame[page] = f;
            frameIndex.put(f, page);
            kind[page] = (byte) PoolKind.FREE.ordinal();
            next[page] = freeHead;
            freeHead = page;
            set(page, F_ZEROED, true);
        }
        currentPages = target;
        growths++;
    }

    /** Grows the pool, else evicts a cached page (pgmPoolMakeMoreFreePages). */
    private PgmStatus makeMoreFreePages(int user) {
        if (currentPages < configuration.maxPages()) {
            grow();
            if (freeHead != NIL) {
                return PgmStatus.VINF_SUCCESS;
            }
        }
        return cacheFreeOne(user);
    }

    private void checkUser(int user, int userTable) {
        if (user <= NIL || user >= currentPages || kindOf(user) == PoolKind.FREE || !kindOf(user).isDirectory()) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    "user page " + user + " is not an allocated page directory or root");
        }
        if (userTable < 0 || userTable >= entries(user)) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER,
                    "user page " + user + " has no entry " + userTable);
        }
    }

    @Override
    public Allocation alloc(long address, PoolKind requested, int user, int userTable) {
        if (requested == null || requested.isRoot() || requested == PoolKind.FREE || requested == PoolKind.INVALID) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "cannot allocate a pool page of kind " + requested);
        }
        if (address < 0 || address > PhysicalMemory.MAX_ADDRESS) {
            throw new PgmException(PgmStatus.VERR_INVALID_PARAMETER, "cannot shadow guest-physical address " + hex(address));
        }
        checkUser(user, userTable);
        allocations++;
        if (configuration.cacheEnabled()) {
            int cached = cacheAlloc(address, requested, user, userTable);
            if (cached != NIL) {
                observer.allocated(cached, requested, address, true);
                return new Allocation(cached, PgmStatus.VINF_PGM_CACHED_PAGE);
            }
        }
        PgmStatus status = PgmStatus.VINF_SUCCESS;
        if (freeHead == NIL) {
            if (makeMoreFreePages(user) == PgmStatus.VERR_PGM_POOL_CLEARED) {
                status = PgmStatus.VERR_PGM_POOL_FLUSHED;
            }
            if (freeHead == NIL) {
                throw new PgmException(PgmStatus.VERR_INTERNAL_ERROR, "no free pool page after making room");
            }
        }
        int page = freeHead;
        freeHead = next[page];
        next[page] = NIL;
        usedPages++;
        kind[page] = (byte) requested.ordinal();
        gcPhys[page] = address;
        set(page, F_SEEN_NON_GLOBAL | F_MONITORED | F_CACHED | F_REUSED_FLUSH_PENDING | F_CR3_MIX, false);
        modifications[page] = 0;
        modifiedNext[page] = NIL;
        modifiedPrev[page] = NIL;
        present[page] = 0;
        firstPresent[page] = NO_FIRST_PRESENT;
        PgmStatus inserted;
        try {
            inserted = trackInsert(page, user, userTable);
        } catch (PgmException e) {
            undoAlloc(page);
            throw e;
        }
        if (inserted == PgmStatus.VERR_PGM_POOL_CLEARED) {
            status = PgmStatus.VERR_PGM_POOL_FLUSHED;
        }
        usedPagesHigh = Math.max(usedPagesHigh, usedPages);
        if (!has(page, F_ZEROED)) {
            zeroTable(page);
        }
        observer.allocated(page, requested, address, false);
        return new Allocation(page, status);
    }

    /** Returns a page whose insertion failed to the free list, undoing what the insertion did. */
    private void undoAlloc(int page) {
        if (userHead[page] != UserRecords.NIL) {
            users.release(userHead[page]);
            userHead[page] = UserRecords.NIL;
        }
        if (agePrev[page] != NIL || ageHead == page) {
            cacheFlushPage(page);
        }
        set(page, F_MONITORED, false);
        kind[page] = (byte) PoolKind.FREE.ordinal();
        gcPhys[page] = NIL_GCPHYS;
        next[page] = freeHead;
        freeHead = page;
        usedPages--;
    }

    // ==================================================================================== state and inspection

    @Override
    public void setObserver(PoolObserver newObserver) {
        observer = Objects.requireNonNull(newObserver);
    }

    @Override
    public int hostFrame(int index) {
        checkPage(index, "host frame");
        return frame[index];
    }

    @Override
    public PoolKind kind(int index) {
        checkPage(index, "kind");
        return kindOf(index);
    }

    @Override
    public long guestAddress(int index) {
        checkPage(index, "guest address");
        return gcPhys[index];
    }

    @Override
    public PoolPageInfo page(int index) {
        checkPage(index, "page");
        List<int[]> pageUsers = new ArrayList<>();
        for (int r = userHead[index]; r != UserRecords.NIL; r = users.next[r]) {
            pageUsers.add(new int[] { users.user[r], users.table[r] });
        }
        return new PoolPageInfo(index, kindOf(index), gcPhys[index], frame[index], has(index, F_MONITORED),
                has(index, F_CACHED), has(index, F_ZEROED), has(index, F_CR3_MIX), has(index, F_REUSED_FLUSH_PENDING),
                has(index, F_SEEN_NON_GLOBAL), present[index], firstPresent[index], modifications[index],
                List.copyOf(pageUsers));
    }

    @Override
    public int currentPages() {
        return currentPages;
    }

    @Override
    public int usedPages() {
        return usedPages;
    }

    @Override
    public int freePages() {
        int count = 0;
        for (int page = freeHead; page != NIL && count <= currentPages; page = next[page]) {
            count++;
        }
        return count;
    }

    @Override
    public int presentEntries() {
        return totalPresent;
    }

    @Override
    public List<Integer> ageList() {
        List<Integer> list = new ArrayList<>();
        for (int page = ageHead; page != NIL && list.size() <= currentPages; page = ageNext[page]) {
            list.add(page);
        }
        return list;
    }

    @Override
    public List<Integer> monitorChain(int page) {
        checkPage(page, "monitor chain");
        int head = page;
        while (monitoredPrev[head] != NIL) {
            head = monitoredPrev[head];
        }
        List<Integer> chain = new ArrayList<>();
        for (int i = head; i != NIL && chain.size() <= currentPages; i = monitoredNext[i]) {
            chain.add(i);
        }
        return chain;
    }

    @Override
    public List<Integer> modifiedList() {
        List<Integer> list = new ArrayList<>();
        for (int page = modifiedHead; page != NIL && list.size() <= currentPages; page = modifiedNext[page]) {
            list.add(page);
        }
        return list;
    }

    @Override
    public boolean cr3SyncRequested() {
        return syncCr3;
    }

    @Override
    public boolean clearRequested() {
        return clearPool;
    }

    @Override
    public void acknowledgeSync() {
        syncCr3 = false;
        clearPool = false;
    }

    @Override
    public PoolStatistics statistics() {
        return new PoolStatistics(allocations, cacheHits, cacheMisses, cacheKindMismatches, cacheEvictions,
                cacheUncacheable, frees, flushes, flushAlls, clearAlls, growths, monitorHandled, monitorFlushed,
                monitorFork, monitorReused, monitorRepStosd, monitorRepPrefix, trackAliased, trackAliasedMany,
                trackAliasedLots, trackOverflows, trackSlowScans, trackSlowScanGiveUps, trackLinearSearches, freeOneUser,
                usedPagesHigh, modifiedPagesHigh);
    }

    @Override
    public void dumpPages(Appendable out) throws IOException {
        PoolDump.pages(this, out);
    }

    @Override
    public void dumpRoots(Appendable out) throws IOException {
        PoolDump.roots(this, out);
    }

    @Override
    public List<String> check() {
        return new PoolChecker(this).check();
    }
}
