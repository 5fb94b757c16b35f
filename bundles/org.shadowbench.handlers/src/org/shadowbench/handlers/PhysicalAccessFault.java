package org.shadowbench.handlers;

/**
 * An access callback answered {@link AccessOutcome#FAULT}. The CPU core turns it into a guest
 * fault; it never escapes to the user as a Java error. Carries no stack trace: it is control flow.
 */
public final class PhysicalAccessFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long address;
    private final AccessType type;

    /** @param address the faulting guest-physical address */
    public PhysicalAccessFault(long address, AccessType type, String handlerDescription) {
        super(String.format("%s access at %#x faulted in handler '%s'", type, address, handlerDescription), null, false,
                false);
        this.address = address;
        this.type = type;
    }

    /** The faulting guest-physical address. */
    public long address() {
        return address;
    }

    /** The faulting access's direction. */
    public AccessType type() {
        return type;
    }
}
