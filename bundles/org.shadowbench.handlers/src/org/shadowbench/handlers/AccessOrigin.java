package org.shadowbench.handlers;

/** Who made an intercepted access. */
public enum AccessOrigin {
    /** An instruction executed by the guest CPU. */
    CPU,
    /** A device, e.g. DMA. */
    DEVICE,
    /** The debugger or a view inspecting memory. */
    DEBUGGER
}
