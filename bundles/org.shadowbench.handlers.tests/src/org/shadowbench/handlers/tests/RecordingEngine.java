package org.shadowbench.handlers.tests;

import java.util.ArrayList;
import java.util.List;

import org.shadowbench.handlers.HandlerEngineListener;
import org.shadowbench.handlers.HandlerKind;

/** An execution engine double recording handler notifications. */
public final class RecordingEngine implements HandlerEngineListener {
    /** Notifications in order. */
    public final List<String> calls = new ArrayList<>();

    @Override
    public void handlerRegistered(HandlerKind kind, long first, long size) {
        calls.add(String.format("registered %s %#x+%#x", kind, first, size));
    }

    @Override
    public void handlerDeregistered(HandlerKind kind, long first, long size, int restoreAsRam, boolean restoreAsRam2) {
        calls.add(String.format("deregistered %s %#x+%#x %d %b", kind, first, size, restoreAsRam, restoreAsRam2));
    }

    @Override
    public void handlerModified(HandlerKind kind, long oldFirst, long newFirst, long size, boolean restoreAsRam) {
        calls.add(String.format("modified %s %#x->%#x+%#x %b", kind, oldFirst, newFirst, size, restoreAsRam));
    }

    /** The calls so far, then forgets them. */
    public List<String> take() {
        List<String> taken = List.copyOf(calls);
        calls.clear();
        return taken;
    }
}
