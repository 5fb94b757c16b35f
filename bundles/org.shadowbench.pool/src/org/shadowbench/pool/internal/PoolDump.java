package org.shadowbench.pool.internal;

import java.io.IOException;
import java.util.Locale;

import org.shadowbench.pool.PoolKind;
import org.shadowbench.pool.ShadowPagePool;

/** The text tables behind {@code info pgmpoolpages} and {@code info pgmpoolroots}. */
final class PoolDump {
    private PoolDump() {
    }

    private static String flags(ShadowPagePoolImpl pool, int page) {
        return new StringBuilder()
                .append(pool.has(page, ShadowPagePoolImpl.F_MONITORED) ? 'M' : '-')
                .append(pool.has(page, ShadowPagePoolImpl.F_CACHED) ? 'C' : '-')
                .append(pool.has(page, ShadowPagePoolImpl.F_ZEROED) ? 'Z' : '-')
                .append(pool.has(page, ShadowPagePoolImpl.F_CR3_MIX) ? 'X' : '-')
                .append(pool.has(page, ShadowPagePoolImpl.F_REUSED_FLUSH_PENDING) ? 'R' : '-')
                .toString();
    }

    private static int userCount(ShadowPagePoolImpl pool, int page) {
        int count = 0;
        for (int r = pool.userHead[page]; r != UserRecords.NIL; r = pool.users.next[r]) {
            count++;
        }
        return count;
    }

    static void pages(ShadowPagePoolImpl pool, Appendable out) throws IOException {
        out.append(String.format(Locale.ROOT,
                "Shadow page pool: %d of %d pages exist, %d used, %d free; %d present entries; %d modified pages%n",
                pool.currentPages, pool.configuration.maxPages(), pool.usedPages, pool.freePages(), pool.totalPresent,
                pool.modifiedCount));
        out.append(String.format(Locale.ROOT, "%5s %-18s %-16s %-12s %-5s %7s %6s %5s %s%n", "Index", "Kind", "GCPhys",
                "HCPhys", "Flags", "Present", "Mods", "Users", "Age rank"));
        int rank = 0;
        int[] ranks = new int[pool.currentPages];
        for (int page = pool.ageHead; page != ShadowPagePool.NIL_INDEX; page = pool.ageNext[page]) {
            ranks[page] = ++rank;
        }
        for (int page = ShadowPagePool.FIRST_INDEX; page < pool.currentPages; page++) {
            if (pool.kindOf(page) == PoolKind.FREE) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "%5d %-18s %016x %012x %-5s %7d %6d %5d %d%n", page, pool.kindOf(page),
                    pool.gcPhys[page], (long) pool.frame[page] << 12, flags(pool, page), pool.present[page],
                    pool.modifications[page], userCount(pool, page), ranks[page]));
        }
    }

    static void roots(ShadowPagePoolImpl pool, Appendable out) throws IOException {
        out.append(String.format(Locale.ROOT, "%5s %-14s %-16s %-12s %-5s %7s %s%n", "Index", "Kind", "Monitored CR3",
                "HCPhys", "Flags", "Present", "Monitor chain"));
        for (int root = ShadowPagePool.ROOT_32BIT_PD; root < ShadowPagePool.FIRST_INDEX; root++) {
            int presentEntries = 0;
            for (int i = 0; i < pool.entries(root); i++) {
                if ((pool.readEntry(root, i) & ShadowPagePool.PRESENT) != 0) {
                    presentEntries++;
                }
            }
            String cr3 = pool.gcPhys[root] == ShadowPagePoolImpl.NIL_GCPHYS ? "-"
                    : String.format(Locale.ROOT, "%016x", pool.gcPhys[root]);
            out.append(String.format(Locale.ROOT, "%5d %-14s %-16s %012x %-5s %7d %s%n", root, pool.kindOf(root), cr3,
                    (long) pool.frame[root] << 12, flags(pool, root), presentEntries, pool.monitorChain(root)));
        }
    }
}
