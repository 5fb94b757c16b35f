package org.shadowbench.cpu.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import org.shadowbench.cpu.internal.ClassFileWriter.Code;
import org.shadowbench.cpu.internal.ClassFileWriter.Label;

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
    private static final String RUN_TYPE = "(L" + CPU + ";L" + FAST_PATH + ";J)I";

    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();

    /** Blocks compiled. */
    long compiled;

    /**
     * Compiles the instructions {@code insns}, which start at EIP {@code headEip} and follow each other
     * without a gap; all but the last neither branch nor carry a fused Jcc.
     */
    CompiledBlock compile(Insn[] insns, int headEip, byte[] backing, int[] at, long generation) {
        int n = insns.length;
        int[] starts = new int[n];
        FastPath.Op[] ops = new FastPath.Op[n];
        int[] shapes = new int[n];
        int eip = headEip;
        for (int k = 0; k < n; k++) {
            starts[k] = eip;
            ops[k] = insns[k].fast;
            shapes[k] = CompiledBlock.shape(insns[k]);
            eip += insns[k].length + insns[k].fusedLength;
        }
        Insn last = insns[n - 1];
        CompiledBlock block = define(bytecode(insns, starts), insns);
        block.headEip = headEip;
        block.insns = insns;
        block.starts = starts;
        block.ops = ops;
        block.shapes = shapes;
        block.fusedCondition = last.fusedCondition;
        block.fusedDisplacement = last.fusedDisplacement;
        block.instructionCount = n + (last.fusedLength != 0 ? 1 : 0);
        block.lastByte = eip - 1;
        block.backing = backing;
        block.at = at;
        block.generation = generation;
        compiled++;
        return block;
    }

    private static CompiledBlock define(byte[] bytes, Insn[] insns) {
        try {
            MethodHandles.Lookup hidden = LOOKUP.defineHiddenClass(bytes, true);
            return (CompiledBlock) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class, Insn[].class))
                    .invoke(insns);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("compiled block could not be defined", e);
        }
    }

    private static byte[] bytecode(Insn[] insns, int[] starts) {
        ClassFileWriter file = new ClassFileWriter(PACKAGE + "Block", BASE);
        int n = insns.length;
        for (int k = 0; k < n; k++) {
            file.field(ClassFileWriter.ACC_FINAL, field(k), INSN_TYPE);
        }
        constructor(file, n);
        // Locals: this, the CPU, the fast path, the count on entry (two slots).
        Code code = file.method(0, "run", RUN_TYPE, 8, 5);
        for (int k = 0; k < n; k++) {
            Insn i = insns[k];
            int next = starts[k] + i.length;
            code.op(ClassFileWriter.ALOAD_1).pushInt(next).field(ClassFileWriter.PUTFIELD, CPU, "eip", "I");
            code.op(ClassFileWriter.ALOAD_1).pushInt(starts[k]).field(ClassFileWriter.PUTFIELD, CPU, "startEip", "I");
            code.field(ClassFileWriter.GETSTATIC, OP, i.fast.name(), "L" + OP + ";");
            code.op(ClassFileWriter.ALOAD_2).op(ClassFileWriter.ALOAD_0).field(ClassFileWriter.GETFIELD, file.thisName(), field(k), INSN_TYPE);
            code.invoke(ClassFileWriter.INVOKEVIRTUAL, OP, "run", "(L" + FAST_PATH + ";" + INSN_TYPE + ")V");
            storeCount(code, k + 1);
            int fellThrough = k << 1 | 1;
            if (k < n - 1) {
                Label go = new Label();
                code.op(ClassFileWriter.ALOAD_1).field(ClassFileWriter.GETFIELD, CPU, "attention", "Z").branch(ClassFileWriter.IFEQ, go);
                code.pushInt(fellThrough).op(ClassFileWriter.IRETURN);
                code.place(go);
            } else if (i.fusedLength != 0) {
                fusedJcc(code, i, next, k);
            } else if (i.fast.branches) {
                // Fell through if EIP is where the instruction ends, as the run loop tells it.
                Label taken = new Label();
                code.op(ClassFileWriter.ALOAD_1).field(ClassFileWriter.GETFIELD, CPU, "eip", "I").pushInt(next)
                        .branch(ClassFileWriter.IF_ICMPNE, taken);
                code.pushInt(fellThrough).op(ClassFileWriter.IRETURN);
                code.place(taken).pushInt(k << 1).op(ClassFileWriter.IRETURN);
            } else {
                code.pushInt(fellThrough).op(ClassFileWriter.IRETURN);
            }
        }
        code.finish();
        return file.toByteArray();
    }

    /**
     * The Jcc fused to the last instruction, as the run loop runs it: not when the instruction raised
     * attention or the target lies beyond CS's limit (then it runs on its own, unlinked, and faults there).
     */
    private static void fusedJcc(Code code, Insn i, int next, int k) {
        int after = next + i.fusedLength;
        int target = after + i.fusedDisplacement;
        Label putOff = new Label();
        Label notTaken = new Label();
        code.op(ClassFileWriter.ALOAD_1).field(ClassFileWriter.GETFIELD, CPU, "attention", "Z").branch(ClassFileWriter.IFNE, putOff);
        code.op(ClassFileWriter.ALOAD_1).field(ClassFileWriter.GETFIELD, CPU, "flags", "L" + FLAGS + ";").pushInt(i.fusedCondition)
                .invoke(ClassFileWriter.INVOKEVIRTUAL, FLAGS, "condition", "(I)Z").branch(ClassFileWriter.IFEQ, notTaken);
        jumpTo(code, target, putOff, k, target == after);
        code.place(notTaken);
        jumpTo(code, after, putOff, k, true);
        code.place(putOff).op(ClassFileWriter.ICONST_M1).op(ClassFileWriter.IRETURN);
    }

    private static void jumpTo(Code code, int target, Label putOff, int k, boolean fellThrough) {
        code.pushInt(target).op(ClassFileWriter.ALOAD_1).field(ClassFileWriter.GETFIELD, CPU, "codeLimit", "I")
                .invoke(ClassFileWriter.INVOKESTATIC, "java/lang/Integer", "compareUnsigned", "(II)I")
                .branch(ClassFileWriter.IFGT, putOff);
        code.op(ClassFileWriter.ALOAD_1).pushInt(target).field(ClassFileWriter.PUTFIELD, CPU, "eip", "I");
        storeCount(code, k + 2);
        code.pushInt(k << 1 | (fellThrough ? 1 : 0)).op(ClassFileWriter.IRETURN);
    }

    /** {@code cpu.instructions = count + retired}. */
    private static void storeCount(Code code, int retired) {
        code.op(ClassFileWriter.ALOAD_1).op(ClassFileWriter.LLOAD_3).pushLong(retired).op(ClassFileWriter.LADD)
                .field(ClassFileWriter.PUTFIELD, CPU, "instructions", "J");
    }

    /** Stores each instruction of the array argument in a field of its own. */
    private static void constructor(ClassFileWriter file, int n) {
        Code init = file.method(ClassFileWriter.ACC_PUBLIC, "<init>", "([" + INSN_TYPE + ")V", 3, 2);
        init.op(ClassFileWriter.ALOAD_0).invoke(ClassFileWriter.INVOKESPECIAL, BASE, "<init>", "()V");
        for (int k = 0; k < n; k++) {
            init.op(ClassFileWriter.ALOAD_0).op(ClassFileWriter.ALOAD_1).pushInt(k).op(ClassFileWriter.AALOAD)
                    .field(ClassFileWriter.PUTFIELD, file.thisName(), field(k), INSN_TYPE);
        }
        init.op(ClassFileWriter.RETURN).finish();
    }

    private static String field(int k) {
        return "i" + k;
    }
}
