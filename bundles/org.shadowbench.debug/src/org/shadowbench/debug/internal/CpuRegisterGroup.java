package org.shadowbench.debug.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.eclipse.debug.core.DebugException;
import org.eclipse.debug.core.model.DebugElement;
import org.eclipse.debug.core.model.IRegister;
import org.eclipse.debug.core.model.IRegisterGroup;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.SegmentRegister;

/** A named group of the suspended CPU's registers; the values are those captured at the suspension. */
final class CpuRegisterGroup extends DebugElement implements IRegisterGroup {
    /** The EFLAGS bits shown one by one, with their bit numbers. */
    private static final String[] FLAG_NAMES = { "CF", "PF", "AF", "ZF", "SF", "TF", "IF", "DF", "OF", "NT", "RF", "VM", "AC" };
    private static final int[] FLAG_BITS = { 0, 2, 4, 6, 7, 8, 9, 10, 11, 14, 16, 17, 18 };

    private final String name;
    private final List<IRegister> registers = new ArrayList<>();

    private CpuRegisterGroup(GuestDebugTarget target, String name) {
        super(target);
        this.name = name;
    }

    /** The groups of a state: General, Segment, Control, EFLAGS. */
    static IRegisterGroup[] of(GuestDebugTarget target, CpuState state) {
        CpuRegisterGroup general = new CpuRegisterGroup(target, "General");
        for (Register register : Register.values()) {
            general.add(register.name(), state.register(register), 32);
        }
        general.add("EIP", state.eip(), 32);
        CpuRegisterGroup segment = new CpuRegisterGroup(target, "Segment");
        for (SegmentRegister register : SegmentRegister.values()) {
            segment.add(register.name(), state.selectors()[register.ordinal()], 16);
        }
        for (SegmentRegister register : SegmentRegister.values()) {
            segment.add(register.name() + ".base", state.bases()[register.ordinal()], 32);
            segment.add(register.name() + ".limit", state.limits()[register.ordinal()], 32);
        }
        CpuRegisterGroup control = new CpuRegisterGroup(target, "Control");
        control.add("CR0", state.control()[0], 32);
        control.add("CR2", state.control()[1], 32);
        control.add("CR3", state.control()[2], 32);
        control.add("CR4", state.control()[3], 32);
        control.add("EFER", state.efer(), 64);
        control.add("CPL", state.cpl(), 2);
        CpuRegisterGroup flags = new CpuRegisterGroup(target, "EFLAGS");
        flags.add("EFLAGS", state.eflags(), 32);
        for (int i = 0; i < FLAG_NAMES.length; i++) {
            flags.add(FLAG_NAMES[i], state.eflags() >>> FLAG_BITS[i] & 1, 1);
        }
        flags.add("IOPL", state.eflags() >>> 12 & 3, 2);
        return new IRegisterGroup[] { general, segment, control, flags };
    }

    private void add(String registerName, long value, int bits) {
        registers.add(new CpuRegister(this, registerName, value, bits));
    }

    @Override
    public String getModelIdentifier() {
        return getDebugTarget().getModelIdentifier();
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public IRegister[] getRegisters() {
        return registers.toArray(IRegister[]::new);
    }

    @Override
    public boolean hasRegisters() {
        return !registers.isEmpty();
    }

    /** A register of a group; see {@link RegisterWrite} for which ones can be changed. */
    static final class CpuRegister extends DebugElement implements org.eclipse.debug.core.model.IRegister {
        private final CpuRegisterGroup group;
        private final String name;
        private final RegisterValue value;

        CpuRegister(CpuRegisterGroup group, String name, long value, int bits) {
            super(group.getDebugTarget());
            this.group = group;
            this.name = name;
            this.value = new RegisterValue(group.getDebugTarget(), value, bits);
        }

        @Override
        public String getModelIdentifier() {
            return getDebugTarget().getModelIdentifier();
        }

        @Override
        public IRegisterGroup getRegisterGroup() {
            return group;
        }

        @Override
        public RegisterValue getValue() {
            return value;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getReferenceTypeName() {
            return value.getReferenceTypeName();
        }

        @Override
        public boolean hasValueChanged() {
            return false;
        }

        private GuestDebugTarget target() {
            return (GuestDebugTarget) getDebugTarget();
        }

        /**
         * Asks the emulation thread to write the register; the new value shows once the CPU has been read
         * again (a {@code CHANGE} event on the thread follows).
         */
        @Override
        public void setValue(String expression) throws DebugException {
            if (!RegisterWrite.writable(name)) {
                throw new DebugException(GuestDebugTarget.status(RegisterWrite.whyReadOnly(name), null));
            }
            long parsed;
            try {
                parsed = RegisterWrite.parse(expression, value.bits());
            } catch (IllegalArgumentException e) {
                throw new DebugException(GuestDebugTarget.status(name + ": " + e.getMessage(), e));
            }
            target().writeRegister(name, parsed);
        }

        @Override
        public void setValue(org.eclipse.debug.core.model.IValue newValue) throws DebugException {
            setValue(newValue.getValueString());
        }

        /** Writable registers, while the guest is suspended (not running, not ended). */
        @Override
        public boolean supportsValueModification() {
            return RegisterWrite.writable(name) && target().canResume();
        }

        @Override
        public boolean verifyValue(String expression) {
            try {
                RegisterWrite.parse(expression, value.bits());
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        @Override
        public boolean verifyValue(org.eclipse.debug.core.model.IValue newValue) {
            try {
                return verifyValue(newValue.getValueString());
            } catch (DebugException e) {
                return false;
            }
        }
    }

    /** A register's value: the number in hexadecimal, sized to the register. */
    static final class RegisterValue extends DebugElement implements org.eclipse.debug.core.model.IValue {
        private final long value;
        private final int bits;

        RegisterValue(org.eclipse.debug.core.model.IDebugTarget target, long value, int bits) {
            super(target);
            this.value = bits >= 64 ? value : value & ((1L << bits) - 1);
            this.bits = bits;
        }

        /** The value, zero-extended. */
        long longValue() {
            return value;
        }

        int bits() {
            return bits;
        }

        @Override
        public String getModelIdentifier() {
            return getDebugTarget().getModelIdentifier();
        }

        @Override
        public String getReferenceTypeName() {
            return bits == 1 ? "bit" : "uint" + bits;
        }

        @Override
        public String getValueString() {
            if (bits <= 2) {
                return Long.toString(value);
            }
            return String.format(Locale.ROOT, "%#0" + (2 + (bits + 3) / 4) + "x", value);
        }

        @Override
        public boolean isAllocated() {
            return true;
        }

        @Override
        public org.eclipse.debug.core.model.IVariable[] getVariables() {
            return new org.eclipse.debug.core.model.IVariable[0];
        }

        @Override
        public boolean hasVariables() {
            return false;
        }
    }
}
