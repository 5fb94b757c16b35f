package org.shadowbench.memory;

import java.util.Objects;

/**
 * A rejected operation, carrying the VirtualBox status the reference implementation returns in
 * the same situation. Operations that throw it leave every structure as it was.
 */
public class PgmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final PgmStatus status;

    /**
     * @param status  the failure status (never a success status)
     * @param message what was wrong, naming the address, range or handler involved
     */
    public PgmException(PgmStatus status, String message) {
        super(status.name() + ": " + message);
        if (!status.isFailure()) {
            throw new IllegalArgumentException("not a failure status: " + status);
        }
        this.status = Objects.requireNonNull(status);
    }

    /** The VirtualBox status of the failure. */
    public PgmStatus status() {
        return status;
    }
}
