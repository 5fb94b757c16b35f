package org.shadowbench.debug.internal;

import org.eclipse.debug.core.model.MemoryByte;
import org.shadowbench.cpu.ReadOnlyCpu;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.SegmentRegister;
import org.shadowbench.machine.Machine;

/**
 * What step over needs to know about the instruction at EIP, read on the emulation thread: whether it
 * is a near CALL (E8, or FF /2, after any prefixes), and the stack pointer before it. After the CALL
 * has been stepped, the return address is the value it pushed; the step ends when the CPU is back
 * there with the stack at or above where it was (so a recursive call to the same place runs on).
 *
 * @param call      whether the instruction is a near CALL
 * @param esp       ESP before it
 * @param csBase    CS's base
 * @param ssBase    SS's base
 */
record StepOver(boolean call, int esp, int csBase, int ssBase) {
    private static final int MAX_PREFIXES = 14;

    /** Looks at the instruction at CS:EIP (emulation thread). */
    static StepOver probe(Machine machine) {
        ReadOnlyCpu cpu = machine.cpu();
        int csBase = cpu.segmentBase(SegmentRegister.CS);
        int pc = csBase + cpu.eip();
        MemoryByte[] bytes = GuestMemory.readLinear(machine, pc & 0xffff_ffffL, MAX_PREFIXES + 2);
        boolean call = false;
        for (int i = 0; i < bytes.length - 1 && bytes[i].isReadable(); i++) {
            int opcode = bytes[i].getValue() & 0xff;
            if (isPrefix(opcode)) {
                continue;
            }
            call = opcode == 0xe8 || opcode == 0xff && bytes[i + 1].isReadable() && (bytes[i + 1].getValue() >> 3 & 7) == 2;
            break;
        }
        return new StepOver(call, cpu.register(Register.ESP), csBase, cpu.segmentBase(SegmentRegister.SS));
    }

    /**
     * After the CALL was stepped: the linear address it will return to, or {@code null} when it did not
     * push a return address where a near CALL would (it faulted instead, say).
     */
    Integer returnAddress(Machine machine) {
        ReadOnlyCpu cpu = machine.cpu();
        int pushed = esp - cpu.register(Register.ESP);
        if (pushed == 4) {
            Integer value = GuestMemory.readLinearInt(machine, ssBase + cpu.register(Register.ESP));
            return value == null ? null : csBase + value;
        }
        if (pushed == 2) {
            Integer value = GuestMemory.readLinearInt(machine, ssBase + cpu.register(Register.ESP));
            return value == null ? null : csBase + (value & 0xffff);
        }
        return null;
    }

    /** Whether the CPU, stopped at {@code returnTo}, is back from this call rather than in a deeper one. */
    boolean returned(Machine machine, int returnTo) {
        ReadOnlyCpu cpu = machine.cpu();
        return cpu.segmentBase(SegmentRegister.CS) + cpu.eip() == returnTo
                && Integer.compareUnsigned(cpu.register(Register.ESP), esp) >= 0;
    }

    private static boolean isPrefix(int b) {
        return switch (b) {
            case 0x66, 0x67, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0xf0, 0xf2, 0xf3 -> true;
            default -> false;
        };
    }
}
