package org.shadowbench.devices.vga;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.shadowbench.cpu.IoPortHandler;
import org.shadowbench.handlers.AccessOutcome;
import org.shadowbench.handlers.AccessType;
import org.shadowbench.handlers.HandlerKind;
import org.shadowbench.handlers.HandlerType;
import org.shadowbench.handlers.PhysicalAccess;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.MachineClock;
import org.shadowbench.machine.MachineDevice;
import org.shadowbench.machine.PcMemoryLayout;

/**
 * A VGA adapter in 80x25 colour text mode, with memory handling as VirtualBox's VGA device does it.
 *
 * <p>The video memory is an MMIO2 region, mapped as the linear frame buffer at
 * {@link PcMemoryLayout#VGA_LFB}. The legacy window 0xa0000-0xbffff is an MMIO range with this
 * device's handler. The first access to a page of the text buffer (0xb8000-0xbffff) goes through
 * the handler, which marks the page dirty and aliases it to the matching video memory page
 * ({@code pageAliasMmio2}), so that every later access is direct. The frame buffer carries a WRITE
 * handler: the first write to a page marks it dirty and turns the handler off for that page
 * ({@code pageTempOff}). Sixty times a second of virtual time the display refresh takes the dirty
 * pages and resets both handlers ({@code reset}), which unaliases the window and re-arms the
 * frame buffer, so the next writes are seen again.
 *
 * <p>The CRT controller (0x3d4/0x3d5) holds the start address and the cursor; the input status
 * register 0x3da shows retrace periods of virtual time; the miscellaneous output register
 * (0x3c2/0x3cc) selects the colour address range.
 */
@Component(service = MachineDevice.class, scope = ServiceScope.PROTOTYPE, property = "shadowbench.device=vga")
public final class VgaText implements MachineDevice, IoPortHandler {
    /** The legacy window. */
    public static final long WINDOW = 0xa0000L;
    /** The colour text buffer in the window. */
    public static final long TEXT = 0xb8000L;
    public static final int TEXT_PAGES = 8;
    public static final int COLUMNS = 80;
    public static final int ROWS = 25;
    /** Video memory size. */
    public static final long VRAM_SIZE = 8L << 20;
    /** Frame buffer pages covered by dirty tracking (the first 256 KiB, what text and 640x480x4 modes use). */
    public static final int TRACKED_LFB_PAGES = 64;
    private static final long REFRESH_NANOS = 1_000_000_000L / 60;
    private static final long FRAME_NANOS = 1_000_000_000L / 70;
    private static final long RETRACE_NANOS = FRAME_NANOS / 20;

    private final Object owner = this;
    private DeviceContext context;
    private int vram = -1;
    private HandlerType windowType;
    private HandlerType lfbType;
    private MachineClock.Timer refreshTimer;
    private final int[] crtc = new int[25];
    private int crtcIndex;
    private int misc = 0x67;
    private final BitSet dirtyText = new BitSet(TEXT_PAGES);
    private final BitSet dirtyLfb = new BitSet(TRACKED_LFB_PAGES);
    private long windowTraps;
    private long lfbTraps;
    private long refreshes;
    private final List<Integer> lastRefreshedText = new ArrayList<>();

    @Override
    public String name() {
        return "vga";
    }

    @Override
    public void attach(DeviceContext deviceContext) {
        var memory = deviceContext.memory();
        var registry = deviceContext.registry();
        memory.registerMmio(WINDOW, WINDOW + 0x1ffff, "VGA legacy window");
        vram = memory.registerMmio2(owner, VRAM_SIZE, "VGA VRAM");
        memory.mapRegion(owner, vram, PcMemoryLayout.VGA_LFB);
        windowType = registry.registerType(HandlerKind.MMIO, "VGA legacy window", (access, user) -> windowAccess(access));
        registry.register(WINDOW, WINDOW + 0x1ffff, windowType, null, "VGA legacy window");
        lfbType = registry.registerType(HandlerKind.WRITE, "VGA frame buffer dirty tracking", (access, user) -> lfbWrite(access));
        registry.register(PcMemoryLayout.VGA_LFB, PcMemoryLayout.VGA_LFB + TRACKED_LFB_PAGES * 4096L - 1, lfbType, null,
                "VGA frame buffer");
        deviceContext.io().register(0x3c0, 0x20, this);
        context = deviceContext;
        refreshTimer = deviceContext.clock().timer(this::refresh);
        refreshTimer.at(deviceContext.clock().nanos() + REFRESH_NANOS);
    }

    @Override
    public void detach() {
        if (context == null) {
            return;
        }
        refreshTimer.cancel();
        context.io().unregister(this);
        context.registry().deregister(PcMemoryLayout.VGA_LFB);
        context.registry().deregister(WINDOW);
        context.memory().deregisterRange(WINDOW);
        context.memory().unmapRegion(owner, vram);
        context.memory().deregisterRegion(owner, vram);
        context = null;
        vram = -1;
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(crtc, 0);
        crtc[0x0a] = 0x0d;
        crtc[0x0b] = 0x0e;
        crtcIndex = 0;
        misc = 0x67;
        dirtyText.clear();
        dirtyLfb.clear();
    }

    public VgaText() {
        reset();
    }

    // ================================================================== memory

    private long vramAddress(long windowOffset) {
        return PcMemoryLayout.VGA_LFB + windowOffset;
    }

    /** An access to the legacy window that is not aliased (yet): done on video memory, then the page aliased. */
    private AccessOutcome windowAccess(PhysicalAccess access) {
        windowTraps++;
        long offset = access.address() - TEXT;
        long target = access.address() >= TEXT ? vramAddress(offset) : vramAddress(access.address() - WINDOW + 0x20000);
        var memory = context.memory();
        if (access.type() == AccessType.READ) {
            access.complete(memory.read(target, access.size()));
        } else {
            memory.write(target, access.size(), access.value());
        }
        if (access.address() >= TEXT) {
            int page = (int) (offset >>> 12);
            dirtyText.set(page);
            context.registry().pageAliasMmio2(WINDOW, TEXT + page * 4096L, owner, vram, page * 4096L);
        }
        return AccessOutcome.HANDLED;
    }

    /** The first write to a frame buffer page since the last refresh: note it and stop watching the page. */
    private AccessOutcome lfbWrite(PhysicalAccess access) {
        lfbTraps++;
        long page = (access.address() - PcMemoryLayout.VGA_LFB) >>> 12;
        dirtyLfb.set((int) page);
        context.registry().pageTempOff(PcMemoryLayout.VGA_LFB, PcMemoryLayout.VGA_LFB + page * 4096L);
        return AccessOutcome.DEFAULT;
    }

    /**
     * The display refresh: takes the dirty pages and re-arms the handlers that let some go. A handler
     * none of whose pages was touched since the last refresh is armed on all of them still, so it is
     * left alone, as VirtualBox's VGA resets its frame buffer handler only after an update: a guest that
     * never draws costs nothing 60 times a second.
     */
    private void refresh() {
        refreshes++;
        lastRefreshedText.clear();
        for (int page = dirtyText.nextSetBit(0); page >= 0; page = dirtyText.nextSetBit(page + 1)) {
            lastRefreshedText.add(page);
        }
        if (!dirtyText.isEmpty()) {
            dirtyText.clear();
            context.registry().reset(WINDOW);
        }
        if (!dirtyLfb.isEmpty()) {
            dirtyLfb.clear();
            context.registry().reset(PcMemoryLayout.VGA_LFB);
        }
        refreshTimer.at(context.clock().nanos() + REFRESH_NANOS);
    }

    // ================================================================== what the views show

    /** The text screen: 25 rows of 80 characters from the start address on. */
    public List<String> screen() {
        List<String> rows = new ArrayList<>();
        for (int row = 0; row < ROWS; row++) {
            StringBuilder line = new StringBuilder(COLUMNS);
            for (int column = 0; column < COLUMNS; column++) {
                int c = (int) context.memory().read(cellAddress(row * COLUMNS + column), 1);
                line.append(c >= 0x20 && c < 0x7f ? (char) c : ' ');
            }
            rows.add(line.toString().stripTrailing());
        }
        return rows;
    }

    /**
     * The attribute byte of each of the screen's 80 x 25 cells, row by row: foreground colour in
     * bits 0-3, background in bits 4-6, blink (or bright background) in bit 7.
     */
    public byte[] attributes() {
        byte[] attributes = new byte[ROWS * COLUMNS];
        for (int cell = 0; cell < attributes.length; cell++) {
            attributes[cell] = (byte) context.memory().read(cellAddress(cell) + 1, 1);
        }
        return attributes;
    }

    /** Where a screen cell's character lies in video memory, from the CRTC's start address on. */
    private long cellAddress(int cell) {
        long start = 2L * ((crtc[0x0c] << 8) | crtc[0x0d]);
        return vramAddress(start + 2L * cell);
    }

    /** The cursor's character position (row * 80 + column). */
    public int cursor() {
        return (crtc[0x0e] << 8) | crtc[0x0f];
    }

    /** Accesses of the legacy window that reached the handler (the others went straight to video memory). */
    public long windowTraps() {
        return windowTraps;
    }

    /** Writes to the frame buffer that reached the dirty-tracking handler. */
    public long frameBufferTraps() {
        return lfbTraps;
    }

    public long refreshes() {
        return refreshes;
    }

    /** The text pages found dirty by the last refresh. */
    public List<Integer> lastRefreshedTextPages() {
        return List.copyOf(lastRefreshedText);
    }

    /** Text pages written since the last refresh. */
    public BitSet dirtyTextPages() {
        return (BitSet) dirtyText.clone();
    }

    // ================================================================== registers

    @Override
    public int read(int port, int size) {
        return switch (port) {
            case 0x3d4 -> crtcIndex;
            case 0x3d5 -> crtcIndex < crtc.length ? crtc[crtcIndex] : 0xff;
            case 0x3cc -> misc;
            case 0x3da -> inputStatus();
            default -> 0xff;
        };
    }

    /** Bit 3: vertical retrace, bit 0: display disabled (any retrace), from virtual time. */
    private int inputStatus() {
        long inFrame = context.clock().nanos() % FRAME_NANOS;
        boolean retrace = inFrame >= FRAME_NANOS - RETRACE_NANOS;
        return (retrace ? 0x09 : 0) | ((inFrame / 32_000) % 2 == 0 ? 0x01 : 0);
    }

    @Override
    public void write(int port, int size, int value) {
        switch (port) {
            case 0x3d4 -> {
                crtcIndex = value & 0xff;
                if (size == 2) {
                    writeCrtc((value >>> 8) & 0xff);
                }
            }
            case 0x3d5 -> writeCrtc(value & 0xff);
            case 0x3c2 -> misc = value & 0xff;
            default -> {
                // Sequencer, graphics controller, attribute controller and DAC are not modelled in text mode.
            }
        }
    }

    private void writeCrtc(int value) {
        if (crtcIndex < crtc.length) {
            crtc[crtcIndex] = value;
        }
    }
}
