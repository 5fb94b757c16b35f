package org.shadowbench.pool.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.memory.FrameUse;
import org.shadowbench.memory.PageDescriptor;
import org.shadowbench.memory.PageTracking;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.memory.RamRange;
import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.ShadowPagePool;

/**
 * The pool's consistency checker, more than VirtualBox's {@code .pgmpoolcheck}: free and used pages
 * add up; hash chains hold exactly the cached pages; the age list is doubly linked and holds every page
 * in use; each monitor chain is doubly linked and owns exactly one WRITE handler at its guest page whose
 * argument is the chain head; the modified list and its count; every user record points at a present
 * entry referencing the page, and every present directory entry pointing at a pool page is recorded as
 * one of its users; present counts; zeroed tables are zero; and every guest page's tracking word
 * equals the references found by scanning the shadow page tables.
 */
final class PoolChecker {
    private static final int MAX_PROBLEMS = 100;
    /** The longest extent list of a tracked page (a longer one overflows instead, see physExtInsert). */
    private static final int MAX_EXTENTS = 16;
    private final ShadowPagePoolImpl pool;
    private final List<String> problems = new ArrayList<>();

    PoolChecker(ShadowPagePoolImpl pool) {
        this.pool = pool;
    }

    private void problem(String text) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(text);
        }
    }

    List<String> check() {
        checkPages();
        checkFreeList();
        checkHash();
        checkAgeList();
        checkMonitoring();
        checkModifiedList();
        checkUsers();
        checkTracking();
        return problems;
    }

    private boolean inUse(int page) {
        return page >= ShadowPagePool.FIRST_INDEX && page < pool.currentPages && pool.kindOf(page) != PoolKind.FREE;
    }

    private void checkPages() {
        int used = 0;
        int totalPresent = 0;
        for (int page = ShadowPagePool.ROOT_32BIT_PD; page < pool.currentPages; page++) {
            PoolKind kind = pool.kindOf(page);
            if (page < ShadowPagePool.FIRST_INDEX != kind.isRoot()) {
                problem("page " + page + " has kind " + kind);
            }
            if (pool.frameIndex.get(pool.frame[page]) != page || pool.frames.use(pool.frame[page]) != FrameUse.POOL) {
                problem("page " + page + " frame " + pool.frame[page] + " is not indexed or not a pool frame");
            }
            if (kind == PoolKind.FREE) {
                if (pool.gcPhys[page] != ShadowPagePoolImpl.NIL_GCPHYS || pool.flags[page] != 0
                        && pool.flags[page] != ShadowPagePoolImpl.F_ZEROED || pool.userHead[page] != UserRecords.NIL) {
                    problem("free page " + page + " still has an address, flags or users");
                }
                continue;
            }
            if (!kind.isRoot()) {
                used++;
            }
            int count = 0;
            int first = -1;
            boolean zero = true;
            for (int i = 0; i < pool.entries(page); i++) {
                long entry = pool.readEntry(page, i);
                zero &= entry == 0;
                if ((entry & ShadowPagePool.PRESENT) != 0) {
                    count++;
                    if (first < 0) {
                        first = i;
                    }
                }
            }
            if (pool.has(page, ShadowPagePoolImpl.F_ZEROED) && !zero) {
                problem("page " + page + " is flagged zeroed but has entries");
            }
            if (kind.isPageTable()) {
                if (count != pool.present[page]) {
                    problem("page " + page + " counts " + pool.present[page] + " present entries, has " + count);
                }
                if (first >= 0 && pool.firstPresent[page] > first) {
                    problem("page " + page + " first present " + pool.firstPresent[page] + " is above entry " + first);
                }
                totalPresent += count;
            }
        }
        if (used != pool.usedPages) {
            problem("the pool counts " + pool.usedPages + " used pages, " + used + " are");
        }
        if (totalPresent != pool.totalPresent) {
            problem("the pool counts " + pool.totalPresent + " present entries, " + totalPresent + " are");
        }
    }

    private void checkFreeList() {
        int free = 0;
        for (int page = pool.freeHead; page != ShadowPagePool.NIL_INDEX; page = pool.next[page]) {
            if (page < ShadowPagePool.FIRST_INDEX || page >= pool.currentPages || pool.kindOf(page) != PoolKind.FREE
                    || ++free > pool.currentPages) {
                problem("the free list holds page " + page + " which is not a free general page (or loops)");
                return;
            }
        }
        int general = pool.currentPages - ShadowPagePool.FIRST_INDEX;
        if (free + pool.usedPages != general) {
            problem(free + " free and " + pool.usedPages + " used pages do not add up to " + general);
        }
    }

    private void checkHash() {
        int hashed = 0;
        for (int bucket = 0; bucket < ShadowPagePoolImpl.HASH_SIZE; bucket++) {
            int steps = 0;
            for (int page = pool.hash[bucket]; page != ShadowPagePool.NIL_INDEX; page = pool.next[page]) {
                boolean member = inUse(page) ? pool.has(page, ShadowPagePoolImpl.F_CACHED)
                        : page < ShadowPagePool.FIRST_INDEX && pool.has(page, ShadowPagePoolImpl.F_MONITORED);
                if (!member || ShadowPagePoolImpl.hashOf(pool.gcPhys[page]) != bucket || ++steps > pool.currentPages) {
                    problem("hash bucket " + bucket + " holds page " + page + " wrongly (or loops)");
                    break;
                }
                hashed++;
            }
        }
        int expected = 0;
        for (int page = ShadowPagePool.ROOT_32BIT_PD; page < pool.currentPages; page++) {
            if (inUse(page) ? pool.has(page, ShadowPagePoolImpl.F_CACHED)
                    : page < ShadowPagePool.FIRST_INDEX && pool.has(page, ShadowPagePoolImpl.F_MONITORED)) {
                expected++;
            }
        }
        if (hashed != expected) {
            problem("the hash holds " + hashed + " pages, " + expected + " are cached or monitored roots");
        }
    }

    private void checkAgeList() {
        int count = 0;
        int previous = ShadowPagePool.NIL_INDEX;
        for (int page = pool.ageHead; page != ShadowPagePool.NIL_INDEX; page = pool.ageNext[page]) {
            if (!inUse(page) || pool.agePrev[page] != previous || ++count > pool.currentPages) {
                problem("the age list is broken at page " + page);
                return;
            }
            previous = page;
        }
        if (pool.ageTail != previous) {
            problem("the age list tail is " + pool.ageTail + ", the last page is " + previous);
        }
        if (count != pool.usedPages) {
            problem("the age list holds " + count + " pages, " + pool.usedPages + " are in use");
        }
    }

    private void checkMonitoring() {
        for (int page = ShadowPagePool.ROOT_32BIT_PD; page < pool.currentPages; page++) {
            if (!pool.has(page, ShadowPagePoolImpl.F_MONITORED)) {
                if (pool.monitoredNext[page] != ShadowPagePool.NIL_INDEX || pool.monitoredPrev[page] != ShadowPagePool.NIL_INDEX) {
                    problem("unmonitored page " + page + " is in a monitor chain");
                }
                continue;
            }
            if (!pool.kindOf(page).isMonitored()) {
                problem("page " + page + " of kind " + pool.kindOf(page) + " is monitored");
            }
            long base = pool.gcPhys[page] & ~0xfffL;
            int nextPage = pool.monitoredNext[page];
            if (nextPage != ShadowPagePool.NIL_INDEX
                    && (pool.monitoredPrev[nextPage] != page || (pool.gcPhys[nextPage] & ~0xfffL) != base
                            || !pool.has(nextPage, ShadowPagePoolImpl.F_MONITORED))) {
                problem("the monitor chain link " + page + " -> " + nextPage + " is broken");
            }
            if (pool.monitoredPrev[page] != ShadowPagePool.NIL_INDEX) {
                continue;
            }
            PhysicalHandler handler = pool.registry.handlerAt(base);
            if (handler == null || handler.last() != base + 4095 || handler.type() != pool.monitorType
                    || handler.type().kind() != HandlerKind.WRITE || !Integer.valueOf(page).equals(handler.userArgument())) {
                problem("monitor chain head " + page + " at " + String.format("%#x", base)
                        + " does not own the WRITE handler there: " + handler);
            }
            boolean mix = pool.has(page, ShadowPagePoolImpl.F_CR3_MIX);
            int length = 0;
            for (int i = page; i != ShadowPagePool.NIL_INDEX && length <= pool.currentPages; i = pool.monitoredNext[i]) {
                length++;
                if (pool.has(i, ShadowPagePoolImpl.F_CR3_MIX) != mix) {
                    problem("monitor chain of " + page + " disagrees on CR3-mix at page " + i);
                }
            }
        }
        for (PhysicalHandler handler : pool.registry.handlers()) {
            if (handler.type() == pool.monitorType) {
                Object head = handler.userArgument();
                if (!(head instanceof Integer index) || index <= 0 || index >= pool.currentPages
                        || !pool.has(index, ShadowPagePoolImpl.F_MONITORED)
                        || pool.monitoredPrev[index] != ShadowPagePool.NIL_INDEX) {
                    problem("pool handler " + handler + " points at " + head + ", not a monitor chain head");
                }
            }
        }
    }

    private void checkModifiedList() {
        int count = 0;
        int previous = ShadowPagePool.NIL_INDEX;
        boolean[] listed = new boolean[pool.currentPages];
        for (int page = pool.modifiedHead; page != ShadowPagePool.NIL_INDEX; page = pool.modifiedNext[page]) {
            if (pool.modifiedPrev[page] != previous || pool.modifications[page] == 0 || ++count > pool.currentPages) {
                problem("the modified list is broken at page " + page);
                return;
            }
            listed[page] = true;
            previous = page;
        }
        if (count != pool.modifiedCount) {
            problem("the modified list holds " + count + " pages, the count says " + pool.modifiedCount);
        }
        for (int page = ShadowPagePool.ROOT_32BIT_PD; page < pool.currentPages; page++) {
            if (!listed[page] && pool.modifications[page] != 0) {
                problem("page " + page + " counts modifications but is not in the modified list");
            }
        }
    }

    private void checkUsers() {
        int used = 0;
        for (int page = ShadowPagePool.FIRST_INDEX; page < pool.currentPages; page++) {
            for (int r = pool.userHead[page]; r != UserRecords.NIL; r = pool.users.next[r]) {
                if (++used > pool.users.capacity()) {
                    problem("user lists loop");
                    return;
                }
                int user = pool.users.user[r];
                int table = pool.users.table[r];
                if (user <= 0 || user >= pool.currentPages || !pool.kindOf(user).isDirectory()
                        || (user >= ShadowPagePool.FIRST_INDEX && !inUse(user)) || table < 0 || table >= pool.entries(user)) {
                    problem("page " + page + " has a bad user record (" + user + ", " + table + ")");
                    continue;
                }
                long entry = pool.readEntry(user, table);
                if ((entry & ShadowPagePool.PRESENT) != 0
                        && pool.entryFrameAddress(user, entry) != (long) pool.frame[page] << 12) {
                    problem("user (" + user + ", " + table + ") of page " + page + " points elsewhere: "
                            + Long.toHexString(entry));
                }
            }
        }
        checkEntriesHaveUsers();
        int free = 0;
        for (int r = pool.users.freeHead; r != UserRecords.NIL; r = pool.users.next[r]) {
            if (++free > pool.users.capacity() || pool.users.user[r] != ShadowPagePool.NIL_INDEX) {
                problem("the free user list is broken at record " + r);
                return;
            }
        }
        if (free + used != pool.users.capacity()) {
            problem(free + " free and " + used + " used user records do not add up to " + pool.users.capacity());
        }
    }

    /**
     * The reverse of the user records: every present directory entry pointing at a pool page must be
     * recorded as a user of that page, or freeing the entry later (a CR3 sync releasing its root) finds
     * no record to drop, and flushing the page would leave the entry pointing at a reused table.
     */
    private void checkEntriesHaveUsers() {
        for (int directory = ShadowPagePool.ROOT_32BIT_PD; directory < pool.currentPages; directory++) {
            if (!pool.kindOf(directory).isDirectory() || (directory >= ShadowPagePool.FIRST_INDEX && !inUse(directory))) {
                continue;
            }
            for (int i = 0; i < pool.entries(directory); i++) {
                long entry = pool.readEntry(directory, i);
                if ((entry & ShadowPagePool.PRESENT) == 0) {
                    continue;
                }
                int child = pool.frameIndex.get((int) (pool.entryFrameAddress(directory, entry) >>> 12));
                if (child < ShadowPagePool.FIRST_INDEX) {
                    continue; // not a general pool page: a hypervisor mapping
                }
                if (!inUse(child)) {
                    problem("entry " + i + " of page " + directory + " points at free page " + child);
                    continue;
                }
                boolean recorded = false;
                for (int r = pool.userHead[child]; r != UserRecords.NIL && !recorded; r = pool.users.next[r]) {
                    recorded = pool.users.user[r] == directory && pool.users.table[r] == i;
                }
                if (!recorded) {
                    problem("entry " + i + " of page " + directory + " points at page " + child
                            + ", which has no user record for it");
                }
            }
        }
    }

    /** Counts, for every guest page, the shadow entries mapping it, and compares with its tracking word. */
    private void checkTracking() {
        // One primitive key per present entry, (guest page number << 16) | table, sorted: the references to
        // each guest page are then one run of keys. The randomized pool test runs this after every step with
        // thousands of present entries, where a map per guest page of boxed counts dominated its time.
        long[] keys = new long[Math.max(16, pool.totalPresent)];
        int count = 0;
        for (int page = ShadowPagePool.FIRST_INDEX; page < pool.currentPages; page++) {
            if (!inUse(page) || !pool.kindOf(page).isPageTable() || pool.present[page] == 0) {
                continue;
            }
            for (int i = 0; i < pool.entries(page); i++) {
                long entry = pool.readEntry(page, i);
                if ((entry & ShadowPagePool.PRESENT) == 0) {
                    continue;
                }
                long guest = pool.guestAddressOf(page, i);
                RamRange range = pool.memory.rangeAt(guest);
                if (range == null) {
                    problem(String.format("page %d entry %d maps %#x, which is in no RAM range", page, i, guest));
                    continue;
                }
                int index = range.pageIndex(guest);
                if (pool.entryFrameAddress(page, entry) != (long) range.hostFrame(index) << 12) {
                    problem(String.format("page %d entry %d maps frame %#x but guest page %#x is on frame %#x", page, i,
                            pool.entryFrameAddress(page, entry) >>> 12, guest, range.hostFrame(index)));
                }
                if (count == keys.length) {
                    keys = Arrays.copyOf(keys, count * 2);
                }
                keys[count++] = (range.pageAddress(index) >>> 12) << 16 | page;
            }
        }
        Arrays.sort(keys, 0, count);
        boolean[] extentUsed = new boolean[pool.extents.capacity()];
        // Visited: the pages some entry maps (a run of keys) and the pages whose tracking word is set; the
        // rest of RAM, untracked and unmapped, is skipped by the range itself without a call per page.
        int next = 0;
        for (RamRange range : pool.memory.ranges()) {
            long firstPage = range.first() >>> 12;
            int pages = range.pageCount();
            int tracked = -1;
            int index = 0;
            while (index < pages) {
                while (next < count && keys[next] >>> 16 < firstPage + index) {
                    next++; // references to pages of earlier ranges were checked there (ranges are in order)
                }
                long mappedPage = next < count ? keys[next] >>> 16 : Long.MAX_VALUE;
                if (tracked < index) {
                    tracked = range.nextPageUnlike(index, PageDescriptor.TRACKING_MASK, 0);
                }
                // The next page to visit: the next one mapped or the next one tracked, whichever comes first.
                index = (int) Math.min(tracked, Math.min(pages, mappedPage - firstPage));
                if (index == pages) {
                    break;
                }
                int from = next;
                while (next < count && keys[next] >>> 16 == firstPage + index) {
                    next++;
                }
                checkTrackingWord(range, index, tablesOf(keys, from, next), extentUsed);
                index++;
            }
        }
        int free = 0;
        for (int e = pool.extents.freeHead; e != PhysExtents.NIL; e = pool.extents.next[e]) {
            if (extentUsed[e] || ++free > pool.extents.capacity()) {
                problem("extent " + e + " is both free and in use (or the free list loops)");
                return;
            }
            extentUsed[e] = true;
        }
        for (int e = 0; e < extentUsed.length; e++) {
            if (!extentUsed[e]) {
                problem("extent " + e + " is neither free nor in any page's list");
                return;
            }
        }
    }

    /** Names a tracked guest page in a violation; built only when there is one. */
    private static String trackedPage(RamRange range, int index, int tracking) {
        return String.format("guest page %#x (%s)", range.pageAddress(index), PageTracking.describe(tracking));
    }

    /** The shadow tables of a run of keys (see {@link #checkTracking}), in ascending order, one per reference. */
    private static int[] tablesOf(long[] keys, int from, int to) {
        int[] tables = new int[to - from];
        for (int k = from; k < to; k++) {
            tables[k - from] = (int) (keys[k] & 0xffff);
        }
        return tables;
    }

    /** Compares a guest page's tracking word with {@code tables}, the shadow tables mapping it, ascending. */
    private void checkTrackingWord(RamRange range, int index, int[] tables, boolean[] extentUsed) {
        int tracking = range.tracking(index);
        if (tracking == 0) {
            if (tables.length != 0) {
                problem(trackedPage(range, index, tracking) + " is untracked but mapped by tables " + Arrays.toString(tables));
            }
            return;
        }
        if (!PageTracking.isPhysExt(tracking)) {
            if (PageTracking.refs(tracking) != 1 || tables.length != 1 || tables[0] != PageTracking.index(tracking)) {
                problem(trackedPage(range, index, tracking) + " is mapped by tables " + Arrays.toString(tables));
            }
            return;
        }
        if (PageTracking.isOverflowed(tracking)) {
            return;
        }
        int[] listed = new int[MAX_EXTENTS * PhysExtents.SLOTS];
        int count = 0;
        int steps = 0;
        for (int e = PageTracking.index(tracking); e != PhysExtents.NIL; e = pool.extents.next[e]) {
            if (e >= extentUsed.length || extentUsed[e] || ++steps > MAX_EXTENTS) {
                problem(trackedPage(range, index, tracking) + " has a broken or shared extent list at " + e);
                return;
            }
            extentUsed[e] = true;
            for (int s = 0; s < PhysExtents.SLOTS; s++) {
                int table = pool.extents.slot(e, s);
                if (table != ShadowPagePool.NIL_INDEX) {
                    listed[count++] = table;
                }
            }
        }
        listed = Arrays.copyOf(listed, count);
        Arrays.sort(listed);
        if (!Arrays.equals(listed, tables)) {
            problem(trackedPage(range, index, tracking) + " lists tables " + Arrays.toString(listed) + " but is mapped by "
                    + Arrays.toString(tables));
        }
        if (range.first() == PhysicalMemory.NIL_ADDRESS) {
            problem(trackedPage(range, index, tracking) + " is tracked but not mapped");
        }
    }
}
