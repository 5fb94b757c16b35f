package org.shadowbench.machine;

import java.util.Arrays;

import org.shadowbench.memory.PhysicalMemory;

/**
 * The guest-physical memory map of a PC, as VirtualBox lays it out: 640 KiB of conventional RAM,
 * the legacy VGA window, the VGA and system BIOS ROMs, extended RAM up to the PCI hole at
 * 3.5 GiB, the rest of RAM above 4 GiB, the APICs, the BIOS alias below 4 GiB and the VGA linear
 * frame buffer (an MMIO2 region) inside the hole.
 */
public final class PcMemoryLayout {
    /** End of conventional memory. */
    public static final long CONVENTIONAL_END = 0xa0000L;
    /** The extended BIOS data area: the last KiB of conventional memory, reserved in the memory map. */
    public static final long EBDA = 0x9fc00L;
    /** The legacy VGA window. */
    public static final long VGA_WINDOW = 0xa0000L;
    /** The VGA BIOS. */
    public static final long VGA_BIOS = 0xc0000L;
    /** The system BIOS below 1 MiB. */
    public static final long SYSTEM_BIOS = 0xe0000L;
    /** Start of extended memory. */
    public static final long EXTENDED_START = 0x100000L;
    /** Where RAM stops below 4 GiB to leave room for PCI devices. */
    public static final long PCI_HOLE = 0xe0000000L;
    /** Where the VGA linear frame buffer is mapped. */
    public static final long VGA_LFB = 0xe0000000L;
    /** The I/O APIC's registers. */
    public static final long IO_APIC = 0xfec00000L;
    /** The local APIC's registers. */
    public static final long LOCAL_APIC = 0xfee00000L;
    /** The system BIOS's alias at the top of the 32-bit space. */
    public static final long BIOS_ALIAS = 0xfffe0000L;
    /** Start of RAM that did not fit below the hole. */
    public static final long HIGH_RAM = 1L << 32;

    private static final int VGA_BIOS_SIZE = 0x8000;
    private static final int SYSTEM_BIOS_SIZE = 0x20000;

    /** The owner of the VGA's MMIO2 region until real devices arrive. */
    private static final Object VGA_OWNER = new Object() {
        @Override
        public String toString() {
            return "vga";
        }
    };

    private PcMemoryLayout() {
    }

    /**
     * Registers the PC memory map for the configuration into an empty page model with every device's
     * ranges in place (as {@code shadowbench layout} shows it): the platform, then the VGA's legacy
     * window and video memory and the APICs' register pages.
     *
     * @return the handle of the VGA's MMIO2 region
     */
    public static int build(PhysicalMemory memory, MachineConfiguration configuration) {
        buildPlatform(memory, configuration);
        memory.registerMmio(VGA_WINDOW, VGA_BIOS - 1, "VGA legacy window");
        memory.registerMmio(IO_APIC, IO_APIC + 0xfff, "I/O APIC");
        memory.registerMmio(LOCAL_APIC, LOCAL_APIC + 0xfff, "Local APIC");
        int vram = memory.registerMmio2(VGA_OWNER, configuration.vramSize(), "VGA VRAM");
        memory.mapRegion(VGA_OWNER, vram, VGA_LFB);
        return vram;
    }

    /**
     * Registers what the board itself has: RAM, the VGA BIOS and system BIOS ROMs and the BIOS alias.
     * Devices register their own ranges when attached (the VGA its window and video memory, the APICs
     * their register pages) and remove them when detached, so that a departed device leaves
     * unassigned space behind (reads all ones, writes dropped). The machine builds this.
     */
    public static void buildPlatform(PhysicalMemory memory, MachineConfiguration configuration) {
        long ram = configuration.ramSize();
        memory.registerRam(0, CONVENTIONAL_END - 1, "Conventional RAM");
        memory.registerRom(VGA_BIOS, VGA_BIOS + VGA_BIOS_SIZE - 1, optionRomImage(VGA_BIOS_SIZE), true,
                "VGA BIOS (shadowed)");
        byte[] bios = systemBiosImage();
        memory.registerRom(SYSTEM_BIOS, EXTENDED_START - 1, bios, false, "System BIOS");
        long belowHole = Math.min(ram, PCI_HOLE);
        memory.registerRam(EXTENDED_START, belowHole - 1, "Extended RAM");
        if (ram > PCI_HOLE) {
            memory.registerRam(HIGH_RAM, HIGH_RAM + (ram - PCI_HOLE) - 1, "RAM above 4 GiB");
        }
        memory.registerRom(BIOS_ALIAS, BIOS_ALIAS + SYSTEM_BIOS_SIZE - 1, bios, false, "System BIOS (alias)");
    }

    /** An option ROM header (0x55 0xAA, size in 512-byte blocks) followed by a far return. */
    private static byte[] optionRomImage(int size) {
        byte[] image = new byte[size];
        image[0] = 0x55;
        image[1] = (byte) 0xaa;
        image[2] = (byte) (size / 512);
        image[3] = (byte) 0xcb;
        return image;
    }

    /** Unprogrammed flash (0xFF) with a reset vector that halts: guests are loaded, not booted. */
    private static byte[] systemBiosImage() {
        byte[] image = new byte[SYSTEM_BIOS_SIZE];
        Arrays.fill(image, (byte) 0xff);
        int resetVector = SYSTEM_BIOS_SIZE - 16;
        image[resetVector] = (byte) 0xf4; // hlt
        image[resetVector + 1] = (byte) 0xeb; // jmp $-1 (back to hlt)
        image[resetVector + 2] = (byte) 0xfd;
        return image;
    }
}
