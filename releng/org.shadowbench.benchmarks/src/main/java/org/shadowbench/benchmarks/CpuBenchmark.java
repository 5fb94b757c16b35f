package org.shadowbench.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.shadowbench.cpu.Register;
import org.shadowbench.cpu.StopReason;

/**
 * Instruction throughput of the interpreter through shadow paging: nanoseconds per guest
 * instruction (MIPS = 1000 / result) for a register loop and for a copy loop that reads and writes
 * guest memory on every other instruction.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CpuBenchmark {
    private static final int BATCH = 100_000;

    /** inc eax ; dec ecx ; jnz -4 ; (ECX wraps, so the loop never ends). */
    private static final String REGISTER_LOOP = "40 49 75 fc";
    /**
     * L0: mov ecx, 1024 | L1: mov eax, [esi+ecx*4] ; mov [edi+ecx*4], eax ; dec ecx ; jnz L1 | jmp L0:
     * copies 4 KiB over and over.
     */
    private static final String COPY_LOOP = "b9 00 04 00 00 8b 04 8e 89 04 8f 49 75 f7 eb f0";

    @Param({ "true", "false" })
    public boolean paging;

    private GuestMachine registerLoop;
    private GuestMachine copyLoop;

    @Setup
    public void setUp() {
        registerLoop = new GuestMachine(paging);
        registerLoop.load(REGISTER_LOOP);
        copyLoop = new GuestMachine(paging);
        copyLoop.load(COPY_LOOP);
        copyLoop.cpu.setRegister(Register.ESI, GuestMachine.DATA);
        copyLoop.cpu.setRegister(Register.EDI, GuestMachine.DATA + 0x2000);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public StopReason registerLoop() {
        return registerLoop.cpu.run(BATCH);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public StopReason copyLoop() {
        return copyLoop.cpu.run(BATCH);
    }
}
