package org.shadowbench.machine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

import org.shadowbench.cpu.Cpu;
import org.shadowbench.cpu.IoPortBus;
import org.shadowbench.cpu.Register;
import org.shadowbench.handlers.PhysicalHandlerRegistry;
import org.shadowbench.machine.internal.EmulationLoop;
import org.shadowbench.machine.internal.Engine;
import org.shadowbench.machine.internal.GuestLoader;
import org.shadowbench.memory.PhysicalMemory;
import org.shadowbench.pool.ShadowPagePool;

/**
 * A virtual PC: the page model with the PC memory layout, the handler registry, the shadow page
 * pool, the CPU, the I/O port bus and the attached devices, driven by one emulation thread.
 *
 * <p>Threading: until {@link #start()} the creating thread may configure the machine directly
 * (attach devices, load a guest). After it, the engine belongs to the emulation thread: other
 * threads {@link #submit} requests, which run between slices of guest instructions, and control
 * runs with {@link #run}, {@link #step}, {@link #pause}, {@link #reset} and {@link #close}, all
 * thread-safe. The engine accessors ({@link #cpu()} and the others) are for code already on the
 * emulation thread: requests and devices.
 */
public final class Machine implements AutoCloseable {
    /** EAX at a multiboot kernel's entry. */
    public static final int MULTIBOOT_MAGIC = GuestLoader.BOOT_MAGIC;
    /** Where ESP points at a loaded guest's entry (multiboot leaves it undefined; guests set their own). */
    public static final int INITIAL_STACK = 0x7c00;

    private final MachineConfiguration configuration;
    private final EngineFactories factories;
    private final List<MachineDevice> devices = new ArrayList<>();
    private final Snapshots snapshots = new Snapshots();
    private final EventStream events = new EventStream(1 << 16);
    private volatile org.shadowbench.cpu.CpuTracer tracer;
    private final EmulationLoop loop;
    private volatile Engine engine;
    /** Re-creates the loaded guest after a reset. */
    private Boot boot;

    /** A guest load, kept to repeat it on reset. */
    private interface Boot {
        LoadedGuest apply(Engine target) throws GuestLoadException;
    }

    /**
     * A machine built from the engine bundles' own factories ({@link EngineFactories#standard()}).
     *
     * @throws IllegalStateException when an engine bundle's factory cannot be found
     */
    public Machine(MachineConfiguration configuration) {
        this(configuration, EngineFactories.standard());
    }

    /**
     * A machine built from the given factories, for example the engine bundles' OSGi services; every
     * reset builds the new engine from them too.
     *
     * @since 0.2
     */
    public Machine(MachineConfiguration configuration, EngineFactories factories) {
        this.configuration = Objects.requireNonNull(configuration);
        this.factories = Objects.requireNonNull(factories);
        this.engine = newEngine();
        this.loop = new EmulationLoop(() -> engine, this::rebuild);
    }

    public MachineConfiguration configuration() {
        return configuration;
    }

    // ================================================================== the engine (emulation thread)

    public PhysicalMemory memory() {
        return engine.memory();
    }

    public PhysicalHandlerRegistry registry() {
        return engine.registry();
    }

    public ShadowPagePool pool() {
        return engine.pool();
    }

    public Cpu cpu() {
        return engine.cpu();
    }

    public IoPortBus io() {
        return engine.io();
    }

    /**
     * Runs the consistency checkers of the page model, the handler registry, the pool and the CPU's
     * caches, in that order; the problems they found, none when all four are clean.
     */
    public List<String> check() {
        List<String> problems = new ArrayList<>(memory().check());
        problems.addAll(registry().check());
        problems.addAll(pool().check());
        problems.addAll(cpu().check());
        return problems;
    }

    /** The ISA interrupt lines and the CPU's interrupt input. */
    public InterruptBus interrupts() {
        return engine.interrupts();
    }

    /** Virtual time and timers. */
    public MachineClock clock() {
        return engine.deviceContext().clock();
    }

    /** The machine's event stream (it lives as long as the machine, across resets). */
    public EventStream events() {
        return events;
    }

    /**
     * Sets a tracer of the CPU's slow paths (traces, checked runs), or {@code null}; the machine's own
     * event stream is fed either way. Emulation thread, or before {@link #start()}.
     */
    public void setTracer(org.shadowbench.cpu.CpuTracer newTracer) {
        tracer = newTracer;
    }

    org.shadowbench.cpu.CpuTracer tracer() {
        return tracer;
    }

    /** The devices attached, in attach order. */
    public List<MachineDevice> devices() {
        return List.copyOf(devices);
    }

    /** Attaches a device (emulation thread, or before {@link #start()}). */
    public void attach(MachineDevice device) {
        Objects.requireNonNull(device);
        if (devices.contains(device)) {
            throw new IllegalArgumentException(device.name() + " is already attached");
        }
        device.attach(engine.deviceContext());
        devices.add(device);
        events.record(EventStream.Kind.DEVICE_ARRIVED, engine.deviceContext().clock().nanos(), devices.size(), 0, device.name());
    }

    /** Detaches a device (emulation thread, or before {@link #start()}); unknown devices are ignored. */
    public void detach(MachineDevice device) {
        if (devices.remove(device)) {
            device.detach();
            events.record(EventStream.Kind.DEVICE_DEPARTED, engine.deviceContext().clock().nanos(), devices.size(), 0,
                    device.name());
        }
    }

    // ================================================================== loading

    /**
     * Loads a multiboot kernel with its command line and modules and sets the CPU up at its entry as
     * the multiboot specification says (32-bit flat protected mode, paging off, EAX = magic, EBX =
     * information). Emulation thread, or before {@link #start()}.
     */
    public LoadedGuest loadMultiboot(byte[] image, String commandLine, List<MultibootModule> modules)
            throws GuestLoadException {
        byte[] kernel = image.clone();
        List<MultibootModule> moduleList = List.copyOf(modules);
        Boot load = target -> {
            LoadedGuest guest = new GuestLoader(target.memory()).loadMultiboot(kernel, commandLine, moduleList);
            target.bootFirmware(guest);
            Cpu cpu = target.cpu();
            cpu.setRegister(Register.EAX, MULTIBOOT_MAGIC);
            cpu.setRegister(Register.EBX, (int) guest.infoAddress());
            cpu.setRegister(Register.ESP, INITIAL_STACK);
            cpu.setEip((int) guest.entry());
            return guest;
        };
        LoadedGuest guest = load.apply(engine);
        boot = load;
        return guest;
    }

    /** Loads a flat binary at an address and starts the CPU there in flat protected mode. */
    public LoadedGuest loadFlat(byte[] image, long address) throws GuestLoadException {
        byte[] bytes = image.clone();
        Boot load = target -> {
            LoadedGuest guest = new GuestLoader(target.memory()).loadFlat(bytes, address);
            target.bootFirmware(guest);
            Cpu cpu = target.cpu();
            cpu.setRegister(Register.ESP, INITIAL_STACK);
            cpu.setEip((int) address);
            return guest;
        };
        LoadedGuest guest = load.apply(engine);
        boot = load;
        return guest;
    }

    // ================================================================== run control (any thread)

    /** Starts the emulation thread; the machine is then paused. */
    public void start() {
        loop.start();
    }

    public RunState state() {
        return loop.state();
    }

    /** Runs a request on the emulation thread between instructions and completes with its result. */
    public <T> CompletableFuture<T> submit(Function<Machine, T> request) {
        return loop.submit(() -> request.apply(this));
    }

    /** Runs an action on the emulation thread between instructions. */
    public CompletableFuture<Void> execute(Consumer<Machine> action) {
        return loop.submit(() -> {
            action.accept(this);
            return null;
        });
    }

    /**
     * Runs the guest until it stops by itself, a breakpoint, {@code maxInstructions} (0 for no limit)
     * or {@code timeout} (null for none).
     */
    public CompletableFuture<RunResult> run(long maxInstructions, Duration timeout) {
        return loop.run(maxInstructions, timeout);
    }

    /** Executes exactly {@code instructions} instructions (fewer if the guest stops), then pauses. */
    public CompletableFuture<RunResult> step(long instructions) {
        if (instructions <= 0) {
            throw new IllegalArgumentException("step count must be positive: " + instructions);
        }
        return loop.run(instructions, null);
    }

    /** Pauses a running guest; the run's future completes with {@link StopCause#PAUSED}. */
    public CompletableFuture<Void> pause() {
        return loop.pause();
    }

    /**
     * Resets the machine to the moment after the last load: new memory, registry, pool and CPU, devices
     * reset and re-attached, the guest loaded again. A running guest's run ends with {@link StopCause#ABORTED}.
     */
    public CompletableFuture<Void> reset() {
        return loop.reset();
    }

    /**
     * Takes a snapshot between two instructions (a running guest pauses for the time it takes);
     * consecutive snapshots share what did not change.
     */
    public CompletableFuture<MachineSnapshot> snapshot() {
        return submit(Machine::takeSnapshot);
    }

    /** Takes a snapshot now (emulation thread, or before {@link #start()}). */
    public MachineSnapshot takeSnapshot() {
        return snapshots.take(this, devices);
    }

    /** Stops at the instruction at a linear address. */
    public CompletableFuture<Void> addBreakpoint(int linearAddress) {
        return execute(machine -> machine.cpu().addBreakpoint(linearAddress));
    }

    public CompletableFuture<Void> removeBreakpoint(int linearAddress) {
        return execute(machine -> machine.cpu().removeBreakpoint(linearAddress));
    }

    /** Ends the emulation thread (a running guest's run ends with {@link StopCause#ABORTED}) and detaches devices. */
    @Override
    public void close() {
        loop.close();
        for (MachineDevice device : List.copyOf(devices)) {
            detach(device);
        }
    }

    // ================================================================== for the loop

    /** The engine's side of a device exit request; the loop ends the run after the instruction. */
    private void deviceExit(int exitCode, String reason) {
        loop.exitRequested(exitCode, reason);
    }

    /** A new engine whose CPU and pool report to the event stream. */
    private Engine newEngine() {
        Engine built = new Engine(configuration, factories, this::deviceExit);
        EngineEvents observer = new EngineEvents(events, built.deviceContext().clock(), this);
        built.cpu().setTracer(observer);
        built.pool().setObserver(observer);
        return built;
    }

    /** Rebuilds the engine, keeps the devices and repeats the last load (emulation thread). */
    private void rebuild() {
        for (MachineDevice device : devices) {
            device.detach();
        }
        engine = newEngine();
        for (MachineDevice device : devices) {
            device.reset();
            device.attach(engine.deviceContext());
        }
        if (boot != null) {
            try {
                boot.apply(engine);
            } catch (GuestLoadException e) {
                throw new IllegalStateException("a guest that loaded once failed to load again: " + e.getMessage(), e);
            }
        }
    }
}
