package org.shadowbench.cpu.internal;

/** A triple fault or an unsupported state: the run ends with StopReason.SHUTDOWN. */
final class Shutdown extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Shutdown(String reason) {
        super(reason, null, false, false);
    }
}
