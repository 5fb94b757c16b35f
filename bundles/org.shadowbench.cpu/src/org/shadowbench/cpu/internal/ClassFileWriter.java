package org.shadowbench.cpu.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough of the JVM class file format (JVMS chapter 4) to write the {@link BlockCompiler}'s
 * classes: a constant pool, fields, and methods whose code is appended one instruction at a time,
 * with forward branches patched once their label is placed (backward ones are written at once).
 *
 * <p>The classes are version 49 (Java 5), the last one the JVM verifies by inferring types rather
 * than from stack map frames, so that the writer needs no frame computation. Java 21 defines and
 * verifies them like any other; nothing in them needs a newer format.
 */
final class ClassFileWriter {
    static final int ACC_PUBLIC = 0x0001;
    static final int ACC_FINAL = 0x0010;
    static final int ACC_SUPER = 0x0020;

    private static final int VERSION_49 = 49;

    // Opcodes used by the block compiler.
    static final int ICONST_M1 = 0x02;
    static final int LLOAD = 0x16;
    static final int LLOAD_3 = 0x21;
    static final int LSTORE_3 = 0x42;
    static final int ALOAD_0 = 0x2a;
    static final int ALOAD_1 = 0x2b;
    static final int ALOAD_2 = 0x2c;
    static final int IALOAD = 0x2e;
    static final int AALOAD = 0x32;
    static final int IADD = 0x60;
    static final int LADD = 0x61;
    static final int ISHL = 0x78;
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

    private static final int LDC_W = 0x13;
    private static final int LDC2_W = 0x14;

    private static final int TAG_UTF8 = 1;
    private static final int TAG_INTEGER = 3;
    private static final int TAG_LONG = 5;
    private static final int TAG_CLASS = 7;
    private static final int TAG_NAME_AND_TYPE = 12;
    private static final int TAG_FIELDREF = 9;
    private static final int TAG_METHODREF = 10;

    private final ByteArrayOutputStream pool = new ByteArrayOutputStream();
    private final DataOutputStream poolOut = new DataOutputStream(pool);
    /** Entries already in the pool, by a key naming their tag and contents. */
    private final Map<String, Integer> poolIndex = new HashMap<>();
    /** Integer and long constants already in the pool, by value. */
    private final Map<Integer, Integer> intIndex = new HashMap<>();
    private final Map<Long, Integer> longIndex = new HashMap<>();
    private int poolCount = 1;
    private final int thisClass;
    private final int superClass;
    private final List<byte[]> fields = new ArrayList<>();
    private final List<byte[]> methods = new ArrayList<>();

    /** A class named {@code internalName} (slashes) extending {@code superName}. */
    ClassFileWriter(String internalName, String superName) {
        thisClass = classEntry(internalName);
        superClass = classEntry(superName);
    }

    /** Declares {@code field}, a field of this class. */
    void field(int access, Member field) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        write(() -> {
            out.writeShort(access);
            out.writeShort(utf8(field.nameKey, field.name));
            out.writeShort(utf8(field.typeKey, field.type));
            out.writeShort(0);
        });
        fields.add(bytes.toByteArray());
    }

    /** Starts a method; its code is complete when {@link Code#finish} is called. */
    Code method(int access, String name, String descriptor, int maxStack, int maxLocals) {
        return new Code(access, utf8(name), utf8(descriptor), maxStack, maxLocals);
    }

    byte[] toByteArray() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        write(() -> {
            out.writeInt(0xcafebabe);
            out.writeShort(0);
            out.writeShort(VERSION_49);
            out.writeShort(poolCount);
            pool.writeTo(out);
            out.writeShort(ACC_FINAL | ACC_SUPER);
            out.writeShort(thisClass);
            out.writeShort(superClass);
            out.writeShort(0);
            out.writeShort(fields.size());
            for (byte[] field : fields) {
                out.write(field);
            }
            out.writeShort(methods.size());
            for (byte[] method : methods) {
                out.write(method);
            }
            out.writeShort(0);
        });
        return bytes.toByteArray();
    }

    /** The code of one method, written instruction by instruction. */
    final class Code {
        private final int access;
        private final int name;
        private final int descriptor;
        private final int maxStack;
        private final int maxLocals;
        private final ByteArrayOutputStream code = new ByteArrayOutputStream();
        /** Branches whose label was not placed yet: the branch's opcode position, by label. */
        private final Map<Label, List<Integer>> pending = new HashMap<>();

        private Code(int access, int name, int descriptor, int maxStack, int maxLocals) {
            this.access = access;
            this.name = name;
            this.descriptor = descriptor;
            this.maxStack = maxStack;
            this.maxLocals = maxLocals;
        }

        /** An instruction without operands. */
        Code op(int opcode) {
            code.write(opcode);
            return this;
        }

        /** An instruction with a local variable's index as its one operand byte. */
        Code local(int opcode, int index) {
            code.write(opcode);
            code.write(index);
            return this;
        }

        Code pushInt(int value) {
            return withIndex(LDC_W, constant(TAG_INTEGER, value));
        }

        Code pushLong(long value) {
            return withIndex(LDC2_W, longConstant(value));
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
            int at = code.size();
            code.write(opcode);
            if (target.position >= 0) {
                writeShort(target.position - at);
            } else {
                pending.computeIfAbsent(target, l -> new ArrayList<>()).add(at);
                writeShort(0);
            }
            return this;
        }

        /** Places {@code label} at the next instruction. */
        Code place(Label label) {
            label.position = code.size();
            List<Integer> branches = pending.remove(label);
            if (branches != null) {
                byte[] patched = code.toByteArray();
                for (int at : branches) {
                    int offset = label.position - at;
                    patched[at + 1] = (byte) (offset >>> 8);
                    patched[at + 2] = (byte) offset;
                }
                code.reset();
                code.write(patched, 0, patched.length);
            }
            return this;
        }

        void finish() {
            if (!pending.isEmpty()) {
                throw new IllegalStateException("branches to labels never placed");
            }
            if (code.size() >= 65536) {
                throw new IllegalStateException("method code over 64 KiB: " + code.size());
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            int codeAttribute = utf8("Code");
            write(() -> {
                out.writeShort(access);
                out.writeShort(name);
                out.writeShort(descriptor);
                out.writeShort(1);
                out.writeShort(codeAttribute);
                out.writeInt(12 + code.size());
                out.writeShort(maxStack);
                out.writeShort(maxLocals);
                out.writeInt(code.size());
                code.writeTo(out);
                out.writeShort(0);
                out.writeShort(0);
            });
            methods.add(bytes.toByteArray());
        }

        private Code withIndex(int opcode, int index) {
            code.write(opcode);
            writeShort(index);
            return this;
        }

        private void writeShort(int value) {
            code.write(value >>> 8);
            code.write(value);
        }
    }

    /**
     * A field or method that code refers to, with the keys of its constant pool entries made once: the
     * block compiler names the same few members hundreds of times a block, in code that runs too rarely
     * for the JIT to compile it well.
     */
    static final class Member {
        private final int tag;
        private final String owner;
        private final String name;
        private final String type;
        private final String ownerKey;
        private final String classKey;
        private final String nameKey;
        private final String typeKey;
        private final String nameAndTypeKey;
        private final String key;

        private Member(int tag, String owner, String name, String type) {
            this.tag = tag;
            this.owner = owner;
            this.name = name;
            this.type = type;
            ownerKey = utf8Key(owner);
            classKey = "C" + owner;
            nameKey = utf8Key(name);
            typeKey = utf8Key(type);
            nameAndTypeKey = "N" + name + " " + type;
            key = tag + owner + "." + name + " " + type;
        }

        /** The field {@code name} of type {@code type} (a descriptor) in the class {@code owner} (slashes). */
        static Member field(String owner, String name, String type) {
            return new Member(TAG_FIELDREF, owner, name, type);
        }

        /** The method {@code name} with descriptor {@code type} in the class {@code owner} (slashes). */
        static Member method(String owner, String name, String type) {
            return new Member(TAG_METHODREF, owner, name, type);
        }
    }

    /** A position in a method's code that branches go to. */
    static final class Label {
        private int position = -1;
    }

    private static String utf8Key(String value) {
        return "U" + value;
    }

    private int utf8(String value) {
        return utf8(utf8Key(value), value);
    }

    private int utf8(String key, String value) {
        return entry(key, 1, out -> {
            out.writeByte(TAG_UTF8);
            out.writeUTF(value);
        });
    }

    private int classEntry(String internalName) {
        return classEntry("C" + internalName, utf8Key(internalName), internalName);
    }

    private int classEntry(String key, String nameKey, String internalName) {
        Integer known = poolIndex.get(key);
        if (known != null) {
            return known;
        }
        int nameIndex = utf8(nameKey, internalName);
        return add(poolIndex, key, 1, out -> {
            out.writeByte(TAG_CLASS);
            out.writeShort(nameIndex);
        });
    }

    private int constant(int tag, int value) {
        return entry(intIndex, value, 1, out -> {
            out.writeByte(tag);
            out.writeInt(value);
        });
    }

    private int longConstant(long value) {
        // A long takes two constant pool slots (JVMS 4.4.5).
        return entry(longIndex, value, 2, out -> {
            out.writeByte(TAG_LONG);
            out.writeLong(value);
        });
    }

    private int member(Member m) {
        Integer known = poolIndex.get(m.key);
        if (known != null) {
            return known;
        }
        int ownerIndex = classEntry(m.classKey, m.ownerKey, m.owner);
        int nameIndex = utf8(m.nameKey, m.name);
        int typeIndex = utf8(m.typeKey, m.type);
        int nameAndType = entry(m.nameAndTypeKey, 1, out -> {
            out.writeByte(TAG_NAME_AND_TYPE);
            out.writeShort(nameIndex);
            out.writeShort(typeIndex);
        });
        return add(poolIndex, m.key, 1, out -> {
            out.writeByte(m.tag);
            out.writeShort(ownerIndex);
            out.writeShort(nameAndType);
        });
    }

    private interface PoolWrite {
        void to(DataOutputStream out) throws IOException;
    }

    /** The index of the entry {@code key} names, written now if new. */
    private int entry(String key, int slots, PoolWrite write) {
        return entry(poolIndex, key, slots, write);
    }

    /** The index {@code index} holds for {@code key}, or a new entry's, written now and recorded there. */
    private <K> int entry(Map<K, Integer> index, K key, int slots, PoolWrite write) {
        Integer known = index.get(key);
        return known != null ? known : add(index, key, slots, write);
    }

    /** Writes a new entry taking {@code slots}, records its index under {@code key} and returns it. */
    private <K> int add(Map<K, Integer> index, K key, int slots, PoolWrite write) {
        int at = poolCount;
        write(() -> write.to(poolOut));
        poolCount += slots;
        index.put(key, at);
        return at;
    }

    private interface IoAction {
        void run() throws IOException;
    }

    /** Runs a write to an in-memory stream, which cannot fail. */
    private static void write(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
