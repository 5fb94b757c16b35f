package org.shadowbench.cpu.internal;

import java.lang.invoke.MethodHandles;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.IntStream;

import org.shadowbench.cpu.internal.ClassFileWriter.Code;
import org.shadowbench.cpu.internal.ClassFileWriter.Label;
import org.shadowbench.cpu.internal.ClassFileWriter.Member;
import org.shadowbench.cpu.internal.ClassFileWriter.Symbol;

/**
 * Translates a run of cached fast-path instructions into a {@link CompiledBlock}: a hidden class whose
 * {@code run} calls each instruction's {@link FastPath.Op} in turn. Each call names its operation as a
 * constant, so the JIT binds it directly and inlines it; what the run loop does between instructions
 * (set EIP, count, look at {@link CpuCore#attention}) is written out between the calls with the EIPs
 * as constants. The operations and their helpers are the interpreter's own, so a block does exactly
 * what the run loop does with the same instructions; {@code BlockEquivalenceTest} compares the two.
 *
 * <p>Hidden classes are unloaded once unreachable, so blocks go with the cached instructions they
 * hang on.
 */
final class BlockCompiler {
    /** At most this many instructions in a block, keeping the method well within what the JIT inlines into. */
    static final int MAX_INSTRUCTIONS = 24;

    private static final String PACKAGE = "org/shadowbench/cpu/internal/";
    private static final String CPU = PACKAGE + "CpuCore";
    private static final String FAST_PATH = PACKAGE + "FastPath";
    private static final String OP = PACKAGE + "FastPath$Op";
    private static final String INSN = PACKAGE + "Insn";
    private static final String FLAGS = PACKAGE + "Flags";
    private static final String BASE = PACKAGE + "CompiledBlock";
    private static final String INSN_TYPE = "L" + INSN + ";";
    private static final String RUN_TYPE = "(L" + CPU + ";L" + FAST_PATH + ";JJ)I";
    /** The local holding {@code run}'s limit (after this, the CPU, the fast path and the two slots of the count). */
    private static final int LIMIT = 5;

    private static final String BLOCK = PACKAGE + "Block";
    private static final String INSN_ARRAY = "[" + INSN_TYPE;
    private static final String OBJECT_ARRAY = "[Ljava/lang/Object;";
    private static final String LOOKUP_TYPE = "Ljava/lang/invoke/MethodHandles$Lookup;";

    private static final Symbol BLOCK_CLASS = Symbol.of(BLOCK);
    private static final Symbol BASE_CLASS = Symbol.of(BASE);
    private static final Symbol RUN_NAME = Symbol.of("run");
    private static final Symbol RUN_DESCRIPTOR = Symbol.of(RUN_TYPE);
    private static final Symbol INIT_NAME = Symbol.of("<init>");
    private static final Symbol INIT_DESCRIPTOR = Symbol.of("(" + INSN_ARRAY + ")V");
    private static final Symbol CLINIT_NAME = Symbol.of("<clinit>");
    private static final Symbol CLINIT_DESCRIPTOR = Symbol.of("()V");
    private static final Symbol INSN_ARRAY_CLASS = Symbol.of(INSN_ARRAY);
    private static final Symbol OBJECT_ARRAY_CLASS = Symbol.of(OBJECT_ARRAY);
    /** The name {@code MethodHandles.classData} asks for; any name serves for a class's one datum. */
    private static final Symbol CLASS_DATA_NAME = Symbol.of("_");

    // The members a block's code names, each made once (see ClassFileWriter.Member).
    private static final Member EIP = Member.field(CPU, "eip", "I");
    private static final Member START_EIP = Member.field(CPU, "startEip", "I");
    private static final Member INSTRUCTIONS = Member.field(CPU, "instructions", "J");
    private static final Member ATTENTION = Member.field(CPU, "attention", "Z");
    private static final Member CODE_LIMIT = Member.field(CPU, "codeLimit", "I");
    private static final Member CPU_FLAGS = Member.field(CPU, "flags", "L" + FLAGS + ";");
    private static final Member GPR = Member.field(FAST_PATH, "gpr", "[I");
    private static final Member RUN = Member.method(OP, "run", "(L" + FAST_PATH + ";" + INSN_TYPE + "IIII)V");
    private static final Member HOLDS = Member.method(FLAGS, "holds", "(I)Z");
    private static final Member COMPARE_UNSIGNED = Member.method("java/lang/Integer", "compareUnsigned", "(II)I");
    private static final Member BASE_CONSTRUCTOR = Member.method(BASE, "<init>", "()V");
    private static final Member BLOCK_CONSTRUCTOR = Member.method(BLOCK, "<init>", "(" + INSN_ARRAY + ")V");
    private static final Member LOOKUP_METHOD = Member.method("java/lang/invoke/MethodHandles", "lookup", "()" + LOOKUP_TYPE);
    private static final Member CLASS_DATA = Member.method("java/lang/invoke/MethodHandles", "classData",
            "(" + LOOKUP_TYPE + "Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;");
    /** Each operation's enum constant. */
    private static final Member[] OPS = Arrays.stream(FastPath.Op.values())
            .map(op -> Member.field(OP, op.name(), "L" + OP + ";")).toArray(Member[]::new);
    /** The fields holding the block's instructions. */
    private static final Member[] INSN_FIELDS = IntStream.range(0, MAX_INSTRUCTIONS)
            .mapToObj(k -> Member.field(BLOCK, "i" + k, INSN_TYPE)).toArray(Member[]::new);

    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();

    /**
     * Operations that touch neither memory nor the CPU's other state, so cannot raise attention: no look
     * at it after them. (A Jcc or JMP can only fault, which leaves the block anyway.)
     */
    private static final Set<FastPath.Op> REGISTER_ONLY = EnumSet.of(FastPath.Op.ADD_RR, FastPath.Op.OR_RR,
            FastPath.Op.AND_RR, FastPath.Op.SUB_RR, FastPath.Op.XOR_RR, FastPath.Op.CMP_RR, FastPath.Op.TEST_RR,
            FastPath.Op.ADD_RI, FastPath.Op.OR_RI, FastPath.Op.AND_RI, FastPath.Op.SUB_RI, FastPath.Op.XOR_RI,
            FastPath.Op.CMP_RI, FastPath.Op.MOV_RR, FastPath.Op.MOV_RI, FastPath.Op.LEA, FastPath.Op.MOVZX_RR8,
            FastPath.Op.MOVZX_RR16, FastPath.Op.MOVSX_RR8, FastPath.Op.MOVSX_RR16, FastPath.Op.INC_R, FastPath.Op.DEC_R,
            FastPath.Op.SHL_RI, FastPath.Op.SHR_RI, FastPath.Op.SAR_RI, FastPath.Op.IMUL_RR, FastPath.Op.IMUL_RRI,
            FastPath.Op.CMP8_RR, FastPath.Op.CMP8_RI, FastPath.Op.TEST8_RR, FastPath.Op.TEST8_RI, FastPath.Op.NOP,
            FastPath.Op.JCC, FastPath.Op.JMP);

    /** Blocks compiled. */
    long compiled;

    /**
     * Compiles the instructions {@code insns}, which start at the EIPs {@code starts} and follow each other
     * as execution does: by falling through (past a fused Jcc's bytes too, or a Jcc not taken) or through
     * a direct JMP or CALL. None but the last branches otherwise.
     */
    CompiledBlock compile(Insn[] insns, int[] starts, byte[] backing, int[] at, long generation) {
        int n = insns.length;
        FastPath.Op[] ops = new FastPath.Op[n];
        int[] shapes = new int[n];
        long[] bytes = new long[2 * n];
        int lastByte = 0;
        for (int k = 0; k < n; k++) {
            Insn i = insns[k];
            ops[k] = i.fast;
            shapes[k] = CompiledBlock.shape(i);
            bytes[2 * k] = i.bytesLow;
            bytes[2 * k + 1] = i.bytesHigh;
            int end = starts[k] + i.length + i.fusedLength - 1;
            if (k == 0 || Integer.compareUnsigned(end, lastByte) > 0) {
                lastByte = end;
            }
        }
        Pass pass = new Pass(insns, starts);
        CompiledBlock block = define(bytecode(insns, starts, pass), insns);
        block.headEip = starts[0];
        block.insns = insns;
        block.starts = starts;
        block.ops = ops;
        block.shapes = shapes;
        block.bytes = bytes;
        block.instructionCount = pass.full;
        block.lastByte = lastByte;
        block.backing = backing;
        block.at = at;
        block.generation = generation;
        compiled++;
        return block;
    }

    /**
     * Defines the class and returns its one instance, which its static initializer makes from the
     * instructions handed over as class data and puts back there. Creating it through a constructor
     * handle instead cost a method handle, its member resolution and an invoker per block, all in code
     * still cold while a guest warms up.
     */
    private static CompiledBlock define(byte[] bytes, Insn[] insns) {
        Object[] handOver = {insns, null};
        try {
            LOOKUP.defineHiddenClassWithClassData(bytes, handOver, true);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("compiled block could not be defined", e);
        }
        CompiledBlock block = (CompiledBlock) handOver[1];
        // The class keeps its data: let it hold neither the instructions nor the block it made.
        handOver[0] = null;
        handOver[1] = null;
        return block;
    }

    private static byte[] bytecode(Insn[] insns, int[] starts, Pass pass) {
        ClassFileWriter file = new ClassFileWriter(BLOCK_CLASS, BASE_CLASS);
        int n = insns.length;
        for (int k = 0; k < n; k++) {
            file.field(ClassFileWriter.ACC_FINAL, INSN_FIELDS[k]);
        }
        constructor(file, n);
        staticInitializer(file);
        // Locals: this, the CPU, the fast path, the count on entry and the limit (two slots each). The
        // deepest stack is an operation's call: six arguments, the last one's offset taking three more.
        Code code = file.method(0, RUN_NAME, RUN_DESCRIPTOR, 10, 7);
        // Where a fused Jcc that must run on its own leaves (see fusedJcc).
        Label putOff = new Label();
        int retired = 0;
        for (int k = 0; k < n; k++) {
            Insn i = insns[k];
            boolean last = k == n - 1;
            int next = starts[k] + i.length;
            code.place(pass.labels[k]);
            code.op(ClassFileWriter.ALOAD_1).pushInt(next).field(ClassFileWriter.PUTFIELD, EIP);
            code.op(ClassFileWriter.ALOAD_1).pushInt(starts[k]).field(ClassFileWriter.PUTFIELD, START_EIP);
            code.field(ClassFileWriter.GETSTATIC, OPS[i.fast.ordinal()]);
            code.op(ClassFileWriter.ALOAD_2).op(ClassFileWriter.ALOAD_0).field(ClassFileWriter.GETFIELD, INSN_FIELDS[k]);
            code.pushInt(i.fastA).pushInt(i.fastB).pushInt(i.immediate);
            offset(code, i);
            code.invoke(ClassFileWriter.INVOKEVIRTUAL, RUN);
            storeCount(code, ++retired);
            boolean mayRaiseAttention = !REGISTER_ONLY.contains(i.fast);
            if (i.fusedLength != 0) {
                fusedJcc(code, pass, i, next, k, ++retired, mayRaiseAttention, last, putOff);
            } else if (!last && (i.fast == FastPath.Op.JMP || i.fast == FastPath.Op.CALL)) {
                // The block goes on at the target; a CALL's push may have raised attention (taken, so linked as such).
                if (mayRaiseAttention) {
                    leaveOnAttention(code, k << 1);
                }
            } else if (i.fast.branches) {
                // Fell through if EIP is where the instruction ends, as the run loop tells it; only a Jcc
                // that falls through goes on within the block.
                Label fellThrough = new Label();
                code.op(ClassFileWriter.ALOAD_1).field(ClassFileWriter.GETFIELD, EIP).pushInt(next)
                        .branch(ClassFileWriter.IF_ICMPEQ, fellThrough);
                if (i.fast == FastPath.Op.JCC || i.fast == FastPath.Op.JMP) {
                    // Branched, so to its one target: within the block it goes on there.
                    pass.goOn(code, next + i.immediate, retired, k << 1);
                }
                code.pushInt(k << 1).op(ClassFileWriter.IRETURN);
                code.place(fellThrough);
                if (last) {
                    code.pushInt(k << 1 | 1).op(ClassFileWriter.IRETURN);
                }
            } else if (last) {
                code.pushInt(k << 1 | 1).op(ClassFileWriter.IRETURN);
            } else if (mayRaiseAttention) {
                leaveOnAttention(code, k << 1 | 1);
            }
        }
        code.place(putOff).op(ClassFileWriter.ICONST_M1).op(ClassFileWriter.IRETURN);
        code.finish();
        return file.toByteArray();
    }

    /**
     * What a branch inside the block needs to go on at one of the block's own instructions instead of
     * leaving: where each instruction's code starts, and how many instructions a pass retires before it.
     * A loop whose body is the block (a copy loop, a scan over a table, the scheduler's search) then
     * runs as a loop of the JVM's, with no trip through the run loop per iteration.
     */
    private static final class Pass {
        final Label[] labels;
        final int[] starts;
        /** Instructions retired before each instruction, from the block's head. */
        final int[] before;
        /** Instructions one pass from the head to the end retires ({@link CompiledBlock#instructionCount}). */
        final int full;

        Pass(Insn[] insns, int[] starts) {
            int n = insns.length;
            this.starts = starts;
            labels = new Label[n];
            before = new int[n];
            int retired = 0;
            for (int k = 0; k < n; k++) {
                labels[k] = new Label();
                before[k] = retired;
                retired += insns[k].fusedLength != 0 ? 2 : 1;
            }
            full = retired;
        }

        /**
         * Code that, with EIP already at {@code target} and the count stored as {@code retired} after the
         * entry's, goes on at the block's instruction there, if one starts there and the run's limit leaves
         * room for a whole pass from it; else the block leaves with {@code exit}. The count local is moved
         * so that the stores written for that instruction onwards count on from here. Attention is clear
         * at every branch (each instruction that may raise it is followed by a look), but is looked at
         * again so that nothing raised goes unseen for a whole loop.
         */
        void goOn(Code code, int target, int retired, int exit) {
            int j = CompiledBlock.indexOf(starts, starts.length, target);
            if (j < 0) {
                return;
            }
            Label leave = new Label();
            long moved = retired - before[j];
            code.op(ClassFileWriter.ALOAD_1).field(ClassFileWriter.GETFIELD, ATTENTION).branch(ClassFileWriter.IFNE, leave);
            code.op(ClassFileWriter.LLOAD_3).pushLong(moved + full).op(ClassFileWriter.LADD).local(ClassFileWriter.LLOAD, LIMIT)
                    .op(ClassFileWriter.LCMP).branch(ClassFileWriter.IFGT, leave);
            code.op(ClassFileWriter.LLOAD_3).pushLong(moved).op(ClassFileWriter.LADD).op(ClassFileWriter.LSTORE_3);
            code.branch(ClassFileWriter.GOTO, labels[j]);
            code.place(leave).pushInt(exit).op(ClassFileWriter.IRETURN);
        }
    }

    /**
     * {@link FastPath#offset} with the instruction's displacement, registers and scale as constants: the
     * registers it names are read, the always-zero slot is not.
     */
    private static void offset(Code code, Insn i) {
        code.pushInt(i.displacement);
        if (i.eaBase != FastPath.ZERO_REGISTER) {
            register(code, i.eaBase);
            code.op(ClassFileWriter.IADD);
        }
        if (i.eaIndex != FastPath.ZERO_REGISTER) {
            register(code, i.eaIndex);
            if (i.scale != 0) {
                code.pushInt(i.scale).op(ClassFileWriter.ISHL);
            }
            code.op(ClassFileWriter.IADD);
        }
    }

    /** {@code fastPath.gpr[number]}. */
    private static void register(Code code, int number) {
        code.op(ClassFileWriter.ALOAD_2).field(ClassFileWriter.GETFIELD, GPR).pushInt(number)
                .op(ClassFileWriter.IALOAD);
    }

    /** Returns {@code exit} if the instruction just run raised attention. */
    private static void leaveOnAttention(Code code, int exit) {
        Label go = new Label();
        code.op(ClassFileWriter.ALOAD_1).field(ClassFileWriter.GETFIELD, ATTENTION).branch(ClassFileWriter.IFEQ, go);
        code.pushInt(exit).op(ClassFileWriter.IRETURN);
        code.place(go);
    }

    /**
     * The Jcc fused to instruction {@code k}, as the run loop runs it: not when the instruction raised
     * attention or the Jcc's destination lies beyond CS's limit (then it runs on its own, unlinked, and
     * faults there). Taken, the block goes on at the target if it is one of its own instructions and
     * leaves otherwise; not taken, it goes on with the next instruction, if any.
     */
    private static void fusedJcc(Code code, Pass pass, Insn i, int next, int k, int retired, boolean mayRaiseAttention,
            boolean last, Label putOff) {
        int after = next + i.fusedLength;
        int target = after + i.fusedDisplacement;
        Label notTaken = new Label();
        if (mayRaiseAttention) {
            code.op(ClassFileWriter.ALOAD_1).field(ClassFileWriter.GETFIELD, ATTENTION).branch(ClassFileWriter.IFNE, putOff);
        }
        code.op(ClassFileWriter.ALOAD_1).field(ClassFileWriter.GETFIELD, CPU_FLAGS).pushInt(i.fusedCondition)
                .invoke(ClassFileWriter.INVOKEVIRTUAL, HOLDS).branch(ClassFileWriter.IFEQ, notTaken);
        jumpTo(code, target, putOff, retired);
        int exit = k << 1 | (target == after ? 1 : 0);
        pass.goOn(code, target, retired, exit);
        code.pushInt(exit).op(ClassFileWriter.IRETURN);
        code.place(notTaken);
        jumpTo(code, after, putOff, retired);
        if (last) {
            code.pushInt(k << 1 | 1).op(ClassFileWriter.IRETURN);
        }
    }

    /** Sets EIP to {@code target} and counts the Jcc, unless the target lies beyond CS's limit. */
    private static void jumpTo(Code code, int target, Label putOff, int retired) {
        code.pushInt(target).op(ClassFileWriter.ALOAD_1).field(ClassFileWriter.GETFIELD, CODE_LIMIT)
                .invoke(ClassFileWriter.INVOKESTATIC, COMPARE_UNSIGNED)
                .branch(ClassFileWriter.IFGT, putOff);
        code.op(ClassFileWriter.ALOAD_1).pushInt(target).field(ClassFileWriter.PUTFIELD, EIP);
        storeCount(code, retired);
    }

    /** {@code cpu.instructions = count + retired}. */
    private static void storeCount(Code code, int retired) {
        code.op(ClassFileWriter.ALOAD_1).op(ClassFileWriter.LLOAD_3).pushLong(retired).op(ClassFileWriter.LADD)
                .field(ClassFileWriter.PUTFIELD, INSTRUCTIONS);
    }

    /** Stores each instruction of the array argument in a field of its own. */
    private static void constructor(ClassFileWriter file, int n) {
        Code init = file.method(ClassFileWriter.ACC_PUBLIC, INIT_NAME, INIT_DESCRIPTOR, 3, 2);
        init.op(ClassFileWriter.ALOAD_0).invoke(ClassFileWriter.INVOKESPECIAL, BASE_CONSTRUCTOR);
        for (int k = 0; k < n; k++) {
            init.op(ClassFileWriter.ALOAD_0).op(ClassFileWriter.ALOAD_1).pushInt(k).op(ClassFileWriter.AALOAD)
                    .field(ClassFileWriter.PUTFIELD, INSN_FIELDS[k]);
        }
        init.op(ClassFileWriter.RETURN).finish();
    }

    /**
     * {@code Object[] data = (Object[]) MethodHandles.classData(MethodHandles.lookup(), "_", Object[].class);
     * data[1] = new Block((Insn[]) data[0]);}: the class makes its instance as it is defined (see {@link #define}).
     */
    private static void staticInitializer(ClassFileWriter file) {
        Code clinit = file.method(ClassFileWriter.ACC_STATIC, CLINIT_NAME, CLINIT_DESCRIPTOR, 6, 1);
        clinit.invoke(ClassFileWriter.INVOKESTATIC, LOOKUP_METHOD).pushString(CLASS_DATA_NAME).pushClass(OBJECT_ARRAY_CLASS)
                .invoke(ClassFileWriter.INVOKESTATIC, CLASS_DATA).type(ClassFileWriter.CHECKCAST, OBJECT_ARRAY_CLASS)
                .op(ClassFileWriter.ASTORE_0);
        clinit.op(ClassFileWriter.ALOAD_0).op(ClassFileWriter.ICONST_1).type(ClassFileWriter.NEW, BLOCK_CLASS)
                .op(ClassFileWriter.DUP).op(ClassFileWriter.ALOAD_0).op(ClassFileWriter.ICONST_0).op(ClassFileWriter.AALOAD)
                .type(ClassFileWriter.CHECKCAST, INSN_ARRAY_CLASS).invoke(ClassFileWriter.INVOKESPECIAL, BLOCK_CONSTRUCTOR)
                .op(ClassFileWriter.AASTORE).op(ClassFileWriter.RETURN).finish();
    }
}
