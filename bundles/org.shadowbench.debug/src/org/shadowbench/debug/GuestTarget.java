package org.shadowbench.debug;

import java.nio.file.Path;

import org.eclipse.debug.core.model.IDebugTarget;
import org.eclipse.debug.core.model.IMemoryBlockRetrievalExtension;
import org.shadowbench.machine.Machine;
import org.shadowbench.pc.StandardPc;

/**
 * The debug target of a launched "Shadowbench Guest", as seen by clients above the debug model (the
 * workbench integration shows its machine beside the machines it launched itself). Its memory blocks
 * take the expressions {@code linear:ADDRESS} and {@code phys:ADDRESS}.
 *
 * <p>The machine belongs to its emulation thread: clients only submit requests to it. Run control
 * goes through the platform interfaces ({@link #resume()}, {@link #suspend()}, the thread's steps,
 * {@link #terminate()}), which keep the target's state right.
 */
public interface GuestTarget extends IDebugTarget, IMemoryBlockRetrievalExtension {
    /** The machine (requests only: the engine belongs to its emulation thread). */
    Machine machine();

    /** The guest's standard PC devices (requests only, as for the machine). */
    StandardPc pc();

    /** The kernel file that was launched. */
    Path guestFile();

    /** Guest RAM in bytes. */
    long ramSize();

    /** The multiboot command line the kernel was given. */
    String commandLine();

    /**
     * Why the guest is suspended ("breakpoint at 0x...", a watchpoint's access, "step ended", ...), or
     * {@code null} while it runs.
     */
    String suspensionDetail();

    /** Everything the guest wrote to COM1 so far, unfiltered (one char per byte). */
    String serialOutput();
}
