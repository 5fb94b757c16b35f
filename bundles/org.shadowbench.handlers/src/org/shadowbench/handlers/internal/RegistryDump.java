package org.shadowbench.handlers.internal;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import org.shadowbench.handlers.PhysicalHandler;
import org.shadowbench.handlers.RegistryStatistics;

/** The text table behind {@code info handlers}. */
final class RegistryDump {
    private RegistryDump() {
    }

    static void write(PhysicalHandlerRegistryImpl registry, Appendable out) throws IOException {
        List<PhysicalHandler> handlers = registry.handlers();
        RegistryStatistics stats = registry.statistics();
        out.append(String.format(Locale.ROOT,
                "Physical handlers: %d registered, %d types; %d look-ups (%d cache hits), %d callbacks%n",
                handlers.size(), registry.types.size(), stats.lookups(), stats.cacheHits(), stats.callbacks()));
        out.append(String.format(Locale.ROOT, "%-16s - %-16s %-5s %6s %7s %7s %10s %10s  %s%n", "From", "To (incl.)",
                "Kind", "Pages", "Aliased", "TempOff", "Reads", "Writes", "Type / Description"));
        for (PhysicalHandler h : handlers) {
            PhysicalHandlerImpl handler = (PhysicalHandlerImpl) h;
            out.append(String.format(Locale.ROOT, "%016x - %016x %-5s %6d %7d %7d %10d %10d  %s / %s%n", handler.first,
                    handler.last, handler.type.kind(), handler.pageCount, handler.aliasedPages, handler.tempOffPages,
                    handler.readHits, handler.writeHits, handler.type.description(), handler.description + (handler.type.overlay ? " (overlay)" : "")));
        }
    }
}
