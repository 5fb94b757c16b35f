package org.shadowbench.cpu.internal;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Just enough of the JVM class file format (JVMS chapter 4) to write the {@link BlockCompiler}'s
 * classes: a constant pool, fields, and methods whose code is appended one instruction at a time,
 * with forward branches patched in place once their label is placed (backward ones are written at once).
 *
 * <p>The classes are version 49 (Java 5), the last one the JVM verifies by inferring types rather
 * than from stack map frames, so that the writer needs no frame computation. Java 21 defines and
 * verifies them like any other; nothing in them needs a newer format.
 *
 * <p>The writer runs on the emulation thread while a guest warms up, mostly before the JIT has
 * compiled it, so it keeps the work per class small: names and descriptors are {@link Symbol}s whose
 * modified UTF-8 is encoded once, pool entries are found through small arrays indexed by symbol and
 * member ids instead of maps of string keys, bytes go straight into growable arrays, and numbers that
 * fit an instruction's own operand take no pool entry at all.
 */
final class ClassFileWriter {
    static final int ACC_PUBLIC = 0x0001;
    static final int ACC_STATIC = 0x0008;
    static final int ACC_FINAL = 0x0010;
    static final int ACC_SUPER = 0x0020;

    private static final int VERSION_49 = 49;

    // Opcodes used by the block compiler.
    static final int ICONST_M1 = 0x02;
    static final int ICONST_0 = 0x03;
    static final int ICONST_1 = 0x04;
    static final int LCONST_0 = 0x09;
    static final int BIPUSH = 0x10;
    static final int SIPUSH = 0x11;
    static final int LLOAD = 0x16;
    static final int LLOAD_3 = 0x21;
    static final int ALOAD_0 = 0x2a;
    static final int ALOAD_1 = 0x2b;
    static final int ALOAD_2 = 0x2c;
    static final int IALOAD = 0x2e;
    static final int AALOAD = 0x32;
    static final int ASTORE_0 = 0x4b;
    static final int LSTORE_3 = 0x42;
    static final int AASTORE = 0x53;
    static final int DUP = 0x59;
    static final int IADD = 0x60;
    static final int LADD = 0x61;
    static final int ISHL = 0x78;
    static final int I2L = 0x85;
    static final int LCMP = 0x94;
    static final int IFEQ = 0x99;
    static final int IFNE = 0x9a;
    static final int IFGT = 0x9d;
    static final int IF_ICMPEQ = 0x9f;
    static final int IF_ICMPNE = 0xa0;
    static final int GOTO = 0xa7;
    static final int IRETURN = 0xac;
    static final int RETURN = 0xb1;
    static final int GETSTATIC = 0xb2;
    static final int GETFIELD = 0xb4;
    static final int PUTFIELD = 0xb5;
    static final int INVOKEVIRTUAL = 0xb6;
    static final int INVOKESPECIAL = 0xb7;
    static final int INVOKESTATIC = 0xb8;
    static final int NEW = 0xbb;
    static final int CHECKCAST = 0xc0;

    private static final int LDC_W = 0x13;
    private static final int LDC2_W = 0x14;

    private static final int TAG_UTF8 = 1;
    private static final int TAG_INTEGER = 3;
    private static final int TAG_LONG = 5;
    private static final int TAG_CLASS = 7;
    private static final int TAG_STRING = 8;
    private static final int TAG_FIELDREF = 9;
    private static final int TAG_METHODREF = 10;
    private static final int TAG_NAME_AND_TYPE = 12;

    private static final Symbol CODE = Symbol.of("Code");

    private final Bytes pool = new Bytes(1024);
    private int poolCount = 1;
    /** The pool index of each symbol's UTF-8 entry and of the class entry naming it, by symbol id; 0 if none yet. */
    private int[] utf8Entries;
    private int[] classEntries;
    /** The pool index of each member's reference, by member id; 0 if none yet. */
    private int[] memberEntries;
    /** The int constants in the pool: see {@link #constant}. */
    private int[] intValues = new int[64];
    private int[] intIndexes = new int[64];
    private int intCount;
    private final int thisClass;
    private final int superClass;
    private int fieldCount;
    private final Bytes fields = new Bytes(256);
    private int methodCount;
    private final Bytes methods = new Bytes(2048);

    /** A class named {@code thisName} (an internal name, with slashes) extending {@code superName}. */
    ClassFileWriter(Symbol thisName, Symbol superName) {
        utf8Entries = new int[Symbol.count()];
        classEntries = new int[Symbol.count()];
        memberEntries = new int[Member.count()];
        thisClass = classEntry(thisName);
        superClass = classEntry(superName);
    }

    /** Declares {@code field}, a field of this class. */
    void field(int access, Member field) {
        fields.u2(access).u2(utf8(field.name)).u2(utf8(field.type)).u2(0);
        fieldCount++;
    }

    /** Starts a method; its code is complete when {@link Code#finish} is called. */
    Code method(int access, Symbol name, Symbol descriptor, int maxStack, int maxLocals) {
        return new Code(access, utf8(name), utf8(descriptor), maxStack, maxLocals);
    }

    byte[] toByteArray() {
        if (poolCount > 65535) {
            throw new IllegalStateException("constant pool over 65535 entries: " + poolCount);
        }
        Bytes out = new Bytes(24 + pool.size + fields.size + methods.size);
        out.u4(0xcafebabe).u2(0).u2(VERSION_49).u2(poolCount).bytes(pool);
        out.u2(ACC_FINAL | ACC_SUPER).u2(thisClass).u2(superClass).u2(0);
        out.u2(fieldCount).bytes(fields);
        out.u2(methodCount).bytes(methods);
        out.u2(0);
        return out.size == out.data.length ? out.data : Arrays.copyOf(out.data, out.size);
    }

    /** The code of one method, written instruction by instruction. */
    final class Code {
        private final int access;
        private final int name;
        private final int descriptor;
        private final int maxStack;
        private final int maxLocals;
        private final Bytes code = new Bytes(1024);
        /** Branches written to labels not placed yet. */
        private int unresolved;

        private Code(int access, int name, int descriptor, int maxStack, int maxLocals) {
            this.access = access;
            this.name = name;
            this.descriptor = descriptor;
            this.maxStack = maxStack;
            this.maxLocals = maxLocals;
        }

        /** An instruction without operands. */
        Code op(int opcode) {
            code.u1(opcode);
            return this;
        }

        /** An instruction with a local variable's index as its one operand byte. */
        Code local(int opcode, int index) {
            code.u1(opcode).u1(index);
            return this;
        }

        /** Pushes {@code value}: from the instruction itself where it fits, else from the pool. */
        Code pushInt(int value) {
            if (value >= -1 && value <= 5) {
                return op(ICONST_0 + value);
            }
            if (value == (byte) value) {
                code.u1(BIPUSH).u1(value);
            } else if (value == (short) value) {
                code.u1(SIPUSH).u2(value);
            } else {
                withIndex(LDC_W, constant(value));
            }
            return this;
        }

        /** Pushes {@code value}: as a widened int where it fits one (no pool entry), else from the pool. */
        Code pushLong(long value) {
            if (value == 0) {
                return op(LCONST_0);
            }
            if (value == (short) value) {
                return pushInt((int) value).op(I2L);
            }
            return withIndex(LDC2_W, longConstant(value));
        }

        /** Pushes the string {@code value}. */
        Code pushString(Symbol value) {
            return withIndex(LDC_W, stringEntry(value));
        }

        /** Pushes the class named {@code name} (internal name, or an array descriptor). */
        Code pushClass(Symbol name) {
            return withIndex(LDC_W, classEntry(name));
        }

        /** An instruction naming a class ({@code NEW}, {@code CHECKCAST}). */
        Code type(int opcode, Symbol name) {
            return withIndex(opcode, classEntry(name));
        }

        /** A field instruction ({@code GETFIELD}, {@code PUTFIELD}, {@code GETSTATIC}) on {@code field}. */
        Code field(int opcode, Member field) {
            return withIndex(opcode, member(field));
        }

        /** An invocation of {@code method}. */
        Code invoke(int opcode, Member method) {
            return withIndex(opcode, member(method));
        }

        /** A branch to {@code target}, placed now or later. */
        Code branch(int opcode, Label target) {
            int at = code.size;
            code.u1(opcode);
            if (target.position >= 0) {
                code.u2(offset(at, target.position));
            } else {
                target.waitAt(at);
                unresolved++;
                code.u2(0);
            }
            return this;
        }

        /** Places {@code label} at the next instruction, patching the branches written to it so far. */
        Code place(Label label) {
            label.position = code.size;
            for (int k = 0; k < label.waiting; k++) {
                int at = label.branches[k];
                code.patch2(at + 1, offset(at, label.position));
            }
            unresolved -= label.waiting;
            label.waiting = 0;
            return this;
        }

        void finish() {
            if (unresolved != 0) {
                throw new IllegalStateException("branches to labels never placed");
            }
            if (code.size >= 65536) {
                throw new IllegalStateException("method code over 64 KiB: " + code.size);
            }
            int codeAttribute = utf8(CODE);
            methods.u2(access).u2(name).u2(descriptor).u2(1);
            methods.u2(codeAttribute).u4(12 + code.size).u2(maxStack).u2(maxLocals).u4(code.size).bytes(code);
            methods.u2(0).u2(0);
            methodCount++;
        }

        private Code withIndex(int opcode, int index) {
            code.u1(opcode).u2(index);
            return this;
        }
    }

    /** A branch's 16-bit offset from its opcode at {@code at} to {@code target}. */
    private static int offset(int at, int target) {
        int offset = target - at;
        if (offset != (short) offset) {
            throw new IllegalStateException("branch offset " + offset + " beyond 16 bits");
        }
        return offset;
    }

    /**
     * A name or descriptor: its modified UTF-8 (JVMS 4.4.7) encoded once, and a small id that indexes the
     * writers' tables. The same string always gives the same symbol.
     */
    static final class Symbol {
        private static final ConcurrentHashMap<String, Symbol> ALL = new ConcurrentHashMap<>();
        private static final AtomicInteger COUNT = new AtomicInteger();

        private final int id;
        private final byte[] utf8;

        private Symbol(String value) {
            id = COUNT.getAndIncrement();
            utf8 = modifiedUtf8(value);
        }

        /** The symbol for {@code value}. */
        static Symbol of(String value) {
            return ALL.computeIfAbsent(value, Symbol::new);
        }

        static int count() {
            return COUNT.get();
        }

        private static byte[] modifiedUtf8(String value) {
            Bytes out = new Bytes(value.length());
            for (int k = 0; k < value.length(); k++) {
                char c = value.charAt(k);
                if (c != 0 && c < 0x80) {
                    out.u1(c);
                } else if (c < 0x800) {
                    out.u1(0xc0 | c >> 6).u1(0x80 | c & 0x3f);
                } else {
                    out.u1(0xe0 | c >> 12).u1(0x80 | c >> 6 & 0x3f).u1(0x80 | c & 0x3f);
                }
            }
            if (out.size > 65535) {
                throw new IllegalArgumentException("a constant pool string is limited to 65535 bytes");
            }
            return Arrays.copyOf(out.data, out.size);
        }
    }

    /**
     * A field or method that code refers to, made once with its symbols: the block compiler names the
     * same few members hundreds of times a block, in code that runs too rarely for the JIT to compile it well.
     */
    static final class Member {
        private static final AtomicInteger COUNT = new AtomicInteger();

        private final int id;
        private final int tag;
        private final Symbol owner;
        private final Symbol name;
        private final Symbol type;

        private Member(int tag, String owner, String name, String type) {
            id = COUNT.getAndIncrement();
            this.tag = tag;
            this.owner = Symbol.of(owner);
            this.name = Symbol.of(name);
            this.type = Symbol.of(type);
        }

        /** The field {@code name} of type {@code type} (a descriptor) in the class {@code owner} (slashes). */
        static Member field(String owner, String name, String type) {
            return new Member(TAG_FIELDREF, owner, name, type);
        }

        /** The method {@code name} with descriptor {@code type} in the class {@code owner} (slashes). */
        static Member method(String owner, String name, String type) {
            return new Member(TAG_METHODREF, owner, name, type);
        }

        static int count() {
            return COUNT.get();
        }
    }

    /** A position in a method's code that branches go to. */
    static final class Label {
        private int position = -1;
        /** The opcode positions of branches written before the label was placed. */
        private int[] branches = new int[4];
        private int waiting;

        private void waitAt(int at) {
            if (waiting == branches.length) {
                branches = Arrays.copyOf(branches, 2 * waiting);
            }
            branches[waiting++] = at;
        }
    }

    /** A growable big-endian byte array. */
    private static final class Bytes {
        byte[] data;
        int size;

        Bytes(int capacity) {
            data = new byte[Math.max(16, capacity)];
        }

        private void room(int more) {
            if (size + more > data.length) {
                data = Arrays.copyOf(data, Math.max(2 * data.length, size + more));
            }
        }

        Bytes u1(int value) {
            room(1);
            data[size++] = (byte) value;
            return this;
        }

        Bytes u2(int value) {
            room(2);
            data[size++] = (byte) (value >>> 8);
            data[size++] = (byte) value;
            return this;
        }

        Bytes u4(int value) {
            room(4);
            data[size++] = (byte) (value >>> 24);
            data[size++] = (byte) (value >>> 16);
            data[size++] = (byte) (value >>> 8);
            data[size++] = (byte) value;
            return this;
        }

        Bytes bytes(byte[] more, int length) {
            room(length);
            System.arraycopy(more, 0, data, size, length);
            size += length;
            return this;
        }

        Bytes bytes(Bytes more) {
            return bytes(more.data, more.size);
        }

        void patch2(int at, int value) {
            data[at] = (byte) (value >>> 8);
            data[at + 1] = (byte) value;
        }
    }

    /** Grows a writer's table to hold {@code id} (symbols and members made after the writer). */
    private static int[] covering(int[] table, int id) {
        return id < table.length ? table : Arrays.copyOf(table, Math.max(2 * table.length, id + 1));
    }

    private int utf8(Symbol symbol) {
        utf8Entries = covering(utf8Entries, symbol.id);
        int known = utf8Entries[symbol.id];
        if (known != 0) {
            return known;
        }
        pool.u1(TAG_UTF8).u2(symbol.utf8.length).bytes(symbol.utf8, symbol.utf8.length);
        return utf8Entries[symbol.id] = poolCount++;
    }

    private int classEntry(Symbol name) {
        classEntries = covering(classEntries, name.id);
        int known = classEntries[name.id];
        if (known != 0) {
            return known;
        }
        int nameIndex = utf8(name);
        pool.u1(TAG_CLASS).u2(nameIndex);
        return classEntries[name.id] = poolCount++;
    }

    private int stringEntry(Symbol value) {
        int utf8 = utf8(value);
        pool.u1(TAG_STRING).u2(utf8);
        return poolCount++;
    }

    /**
     * An int's entry, each value written once: a block names most EIPs twice (where one instruction ends
     * and the next starts). An open-addressing table of values and their pool indexes, 0 marking a free slot.
     */
    private int constant(int value) {
        int mask = intValues.length - 1;
        int slot = home(value, intValues.length);
        while (intIndexes[slot] != 0) {
            if (intValues[slot] == value) {
                return intIndexes[slot];
            }
            slot = slot + 1 & mask;
        }
        pool.u1(TAG_INTEGER).u4(value);
        intValues[slot] = value;
        intIndexes[slot] = poolCount;
        if (++intCount * 2 > intValues.length) {
            growIntTable();
        }
        return poolCount++;
    }

    /** Where {@code value} is looked for first in a table of {@code length} slots, a power of two (Fibonacci hashing). */
    private static int home(int value, int length) {
        return (value * 0x9e3779b9) >>> Integer.numberOfLeadingZeros(length) + 1;
    }

    private void growIntTable() {
        int[] values = intValues;
        int[] indexes = intIndexes;
        intValues = new int[2 * values.length];
        intIndexes = new int[2 * values.length];
        int mask = intValues.length - 1;
        for (int k = 0; k < values.length; k++) {
            if (indexes[k] != 0) {
                int slot = home(values[k], intValues.length);
                while (intIndexes[slot] != 0) {
                    slot = slot + 1 & mask;
                }
                intValues[slot] = values[k];
                intIndexes[slot] = indexes[k];
            }
        }
    }

    private int longConstant(long value) {
        pool.u1(TAG_LONG).u4((int) (value >>> 32)).u4((int) value);
        int at = poolCount;
        poolCount += 2; // a long takes two constant pool slots (JVMS 4.4.5)
        return at;
    }

    private int member(Member m) {
        memberEntries = covering(memberEntries, m.id);
        int known = memberEntries[m.id];
        if (known != 0) {
            return known;
        }
        int owner = classEntry(m.owner);
        int name = utf8(m.name);
        int type = utf8(m.type);
        pool.u1(TAG_NAME_AND_TYPE).u2(name).u2(type);
        int nameAndType = poolCount++;
        pool.u1(m.tag).u2(owner).u2(nameAndType);
        return memberEntries[m.id] = poolCount++;
    }
}
