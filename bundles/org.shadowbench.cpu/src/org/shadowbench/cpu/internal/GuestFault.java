package org.shadowbench.cpu.internal;

/**
 * An exception the guest must see, thrown from deep inside an instruction and caught by the main
 * loop, which rolls the instruction back and delivers it through the IDT. One reusable instance per
 * CPU: faults are control flow here, so they carry no stack trace and allocate nothing.
 */
final class GuestFault extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The exception has no error code. */
    static final int NO_ERROR_CODE = -1;

    int vector;
    int errorCode;

    GuestFault() {
        super(null, null, false, false);
    }

    GuestFault set(int newVector, int newErrorCode) {
        vector = newVector;
        errorCode = newErrorCode;
        return this;
    }

    @Override
    public String getMessage() {
        return "vector " + vector + (errorCode == NO_ERROR_CODE ? "" : String.format(" error %#x", errorCode));
    }
}
