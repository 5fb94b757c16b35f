package org.shadowbench.handlers;

/** Direction of an intercepted access. */
public enum AccessType {
    /** The guest (or a device, or the debugger) reads. */
    READ,
    /** The guest (or a device, or the debugger) writes. */
    WRITE
}
