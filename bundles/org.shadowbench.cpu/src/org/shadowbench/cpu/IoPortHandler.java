package org.shadowbench.cpu;

/** A device's I/O ports. Called on the emulation thread for IN/OUT/INS/OUTS. */
public interface IoPortHandler {
    /**
     * Reads {@code size} bytes (1, 2 or 4) from a port.
     *
     * @return the value, in the low {@code size} bytes
     */
    int read(int port, int size);

    /** Writes {@code size} bytes (1, 2 or 4) to a port. */
    void write(int port, int size, int value);
}
