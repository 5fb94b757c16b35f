package org.shadowbench.debug.internal;

import java.util.ArrayList;
import java.util.List;

import org.shadowbench.cpu.ReadOnlyCpu;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.SegmentRegister;
import org.shadowbench.machine.Machine;

/**
 * The virtual CPU as the debugger shows it while suspended, read in one request on the emulation
 * thread so that the model's getters never wait for the guest.
 *
 * @param eip       the instruction pointer
 * @param general   EAX..EDI in encoding order
 * @param eflags    EFLAGS
 * @param selectors ES..GS selectors in encoding order
 * @param bases     their hidden bases
 * @param limits    their hidden limits
 * @param control   CR0, CR2, CR3, CR4
 * @param efer      the EFER MSR
 * @param cpl       the current privilege level
 * @param frames    the call chain, innermost first: frame 0 is EIP; the others come from the EBP chain
 */
public record CpuState(int eip, int[] general, int eflags, int[] selectors, int[] bases, int[] limits, int[] control,
        long efer, int cpl, List<Frame> frames) {
    /** At most this many frames are followed up the EBP chain. */
    static final int MAX_FRAMES = 64;
    private static final int EFER = 0xc000_0080;

    /**
     * One frame.
     *
     * @param pc  the instruction pointer of the frame (the return address for callers)
     * @param ebp the frame pointer that led to it, the register's value for frame 0
     */
    public record Frame(int pc, int ebp) {
    }

    public CpuState {
        frames = List.copyOf(frames);
    }

    /** The linear address of the next instruction: CS base + EIP. */
    public int linearPc() {
        return bases[SegmentRegister.CS.ordinal()] + eip;
    }

    public int register(Register register) {
        return general[register.ordinal()];
    }

    /** Reads the CPU (emulation thread). */
    public static CpuState capture(Machine machine) {
        ReadOnlyCpu cpu = machine.cpu();
        int[] general = new int[Register.values().length];
        for (Register register : Register.values()) {
            general[register.ordinal()] = cpu.register(register);
        }
        int segments = SegmentRegister.values().length;
        int[] selectors = new int[segments];
        int[] bases = new int[segments];
        int[] limits = new int[segments];
        for (SegmentRegister segment : SegmentRegister.values()) {
            selectors[segment.ordinal()] = cpu.segmentSelector(segment);
            bases[segment.ordinal()] = cpu.segmentBase(segment);
            limits[segment.ordinal()] = cpu.segmentLimit(segment);
        }
        int[] control = { cpu.controlRegister(0), cpu.controlRegister(2), cpu.controlRegister(3), cpu.controlRegister(4) };
        return new CpuState(cpu.eip(), general, cpu.eflags(), selectors, bases, limits, control, cpu.msr(EFER), cpu.cpl(),
                frames(machine, cpu.eip(), general[Register.EBP.ordinal()], bases[SegmentRegister.SS.ordinal()]));
    }

    /**
     * Frame 0, then the callers the EBP chain names: the saved EBP at [EBP], the return address at
     * [EBP + 4]. Best effort: the walk stops at a zero, unreadable or non-increasing frame pointer, and a
     * function that does not keep EBP (or has not set it up yet) hides its caller.
     */
    static List<Frame> frames(Machine machine, int eip, int ebp, int stackBase) {
        List<Frame> frames = new ArrayList<>();
        frames.add(new Frame(eip, ebp));
        int frame = ebp;
        while (frame != 0 && frames.size() < MAX_FRAMES) {
            Integer saved = GuestMemory.readLinearInt(machine, stackBase + frame);
            Integer returnAddress = GuestMemory.readLinearInt(machine, stackBase + frame + 4);
            if (saved == null || returnAddress == null) {
                break;
            }
            frames.add(new Frame(returnAddress, frame));
            if (Integer.compareUnsigned(saved, frame) <= 0) {
                break;
            }
            frame = saved;
        }
        return frames;
    }
}
