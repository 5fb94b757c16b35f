package org.shadowbench.cli;

/** Bad command-line input: reported as one line, exit code 2. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message the one line shown to the user */
    public UsageException(String message) {
        super(message);
    }
}
