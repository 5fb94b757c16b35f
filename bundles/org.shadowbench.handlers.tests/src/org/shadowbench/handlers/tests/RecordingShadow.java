package org.shadowbench.handlers.tests;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.shadowbench.handlers.ShadowPageTables;
import org.shadowbench.memory.RamRange;

/** A shadow paging double that records what the registry asks and answers as configured per page. */
public final class RecordingShadow implements ShadowPageTables {
    /** Calls in order, e.g. {@code update 0x3000 WRITE} or {@code flush-tlbs}. */
    public final List<String> calls = new ArrayList<>();
    /** Result flags per page address; pages not listed answer {@link #defaultResult}. */
    public final Map<Long, Integer> results = new HashMap<>();
    /** Answer for pages not in {@link #results}. */
    public int defaultResult = FLUSH_TLBS;

    @Override
    public int updatePageEntries(long gcPhysPage, RamRange range, int index, boolean flushEntries) {
        calls.add(String.format("%s %#x %s", flushEntries ? "flush" : "update", gcPhysPage, range.handlerState(index)));
        return results.getOrDefault(gcPhysPage, defaultResult);
    }

    @Override
    public void flushAllTlbs() {
        calls.add("flush-tlbs");
    }

    /** The calls so far, then forgets them. */
    public List<String> take() {
        List<String> taken = List.copyOf(calls);
        calls.clear();
        return taken;
    }
}
