package org.shadowbench.machine;

/**
 * A guest image that cannot be loaded: not multiboot, not a 32-bit x86 ELF, segments outside RAM
 * or overlapping, flags the loader cannot honour. The message says which, in one line; the
 * machine's memory is left unchanged.
 */
public final class GuestLoadException extends Exception {
    private static final long serialVersionUID = 1L;

    public GuestLoadException(String message) {
        super(message);
    }
}
