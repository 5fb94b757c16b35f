package org.shadowbench.devices.ide;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.shadowbench.cpu.IoPortHandler;
import org.shadowbench.machine.DeviceContext;
import org.shadowbench.machine.MachineDevice;

/**
 * The PC's two ATA/IDE channels with PIO transfers, as a careful reading of the ATA/ATAPI-6 standard
 * has them: the primary channel at ports {@value #PRIMARY_BASE}-0x1f7 with device control and alternate
 * status at {@value #PRIMARY_CONTROL} and IRQ {@value #PRIMARY_IRQ}; the secondary at
 * {@value #SECONDARY_BASE}-0x177, {@value #SECONDARY_CONTROL} and IRQ {@value #SECONDARY_IRQ}. Each
 * channel has a master and a slave drive; drive {@code index} 0 to 3 is, as in QEMU, primary master,
 * primary slave, secondary master, secondary slave. A drive is present when a {@link DiskImage} is
 * {@linkplain #insert inserted}; the DS component comes without disks.
 *
 * <p>Commands: IDENTIFY DEVICE, READ/WRITE SECTORS (0x20/0x21, 0x30/0x31), READ/WRITE MULTIPLE
 * (0xc4/0xc5), SET MULTIPLE MODE, READ VERIFY SECTORS, INITIALIZE DEVICE PARAMETERS, RECALIBRATE, SEEK,
 * EXECUTE DEVICE DIAGNOSTIC, FLUSH CACHE, SET FEATURES (transfer mode, write cache and look-ahead
 * switches), READ NATIVE MAX ADDRESS and the power-mode commands, with 28-bit LBA or CHS addresses.
 * Everything else (48-bit and DMA commands, ATAPI) is aborted. The device control register's nIEN
 * gates the interrupt line and SRST resets both drives. Transfers complete at once: a drive is never
 * seen busy. Whatever the guest does wrong (a sector beyond the disk, a command to an absent drive, an
 * unknown command) ends in an error status; the disk file fails only with an error status too.
 */
@Component(service = MachineDevice.class, scope = ServiceScope.PROTOTYPE, property = "shadowbench.device=ide")
public final class IdeController implements MachineDevice {
    /** Command block of the primary channel. */
    public static final int PRIMARY_BASE = 0x1f0;
    /** Device control and alternate status of the primary channel. */
    public static final int PRIMARY_CONTROL = 0x3f6;
    /** Interrupt line of the primary channel. */
    public static final int PRIMARY_IRQ = 14;
    /** Command block of the secondary channel. */
    public static final int SECONDARY_BASE = 0x170;
    /** Device control and alternate status of the secondary channel. */
    public static final int SECONDARY_CONTROL = 0x376;
    /** Interrupt line of the secondary channel. */
    public static final int SECONDARY_IRQ = 15;
    /** Number of drive positions (two channels of two). */
    public static final int DRIVES = 4;
    /** The largest multiple count (sectors per block of READ/WRITE MULTIPLE). */
    public static final int MAX_MULTIPLE = 16;

    /** Status: busy. */
    public static final int BSY = 0x80;
    /** Status: device ready. */
    public static final int DRDY = 0x40;
    /** Status: device fault. */
    public static final int DF = 0x20;
    /** Status: seek complete. */
    public static final int DSC = 0x10;
    /** Status: data request. */
    public static final int DRQ = 0x08;
    /** Status: error (details in the error register). */
    public static final int ERR = 0x01;
    /** Error: uncorrectable data (a failing read of the image). */
    public static final int UNC = 0x40;
    /** Error: sector address not found (beyond the disk or an impossible CHS address). */
    public static final int IDNF = 0x10;
    /** Error: command aborted. */
    public static final int ABRT = 0x04;

    private static final int NIEN = 0x02;
    private static final int SRST = 0x04;

    private final Channel[] channels = { new Channel(0, PRIMARY_BASE, PRIMARY_CONTROL, PRIMARY_IRQ),
            new Channel(1, SECONDARY_BASE, SECONDARY_CONTROL, SECONDARY_IRQ) };
    private DeviceContext context;

    @Override
    public String name() {
        return "ide";
    }

    /**
     * Puts a disk into a drive position (0 primary master, 1 primary slave, 2 secondary master, 3
     * secondary slave). The controller does not close it.
     *
     * @throws IllegalArgumentException when the index is not 0 to 3 or the position is taken
     */
    public void insert(int index, DiskImage disk) {
        java.util.Objects.requireNonNull(disk);
        Drive drive = drive(index);
        if (drive.disk != null) {
            throw new IllegalArgumentException("IDE drive " + index + " already has a disk: " + drive.disk.name());
        }
        drive.disk = disk;
        drive.powerOn();
    }

    /** The disk in a drive position, or null. */
    public DiskImage disk(int index) {
        return drive(index).disk;
    }

    private Drive drive(int index) {
        if (index < 0 || index >= DRIVES) {
            throw new IllegalArgumentException("IDE drive index " + index + " does not exist (0 to 3: primary master,"
                    + " primary slave, secondary master, secondary slave)");
        }
        return channels[index / 2].drives[index % 2];
    }

    @Override
    public void attach(DeviceContext deviceContext) {
        for (Channel channel : channels) {
            deviceContext.io().register(channel.base, 8, channel.commandBlock);
            deviceContext.io().register(channel.control, 1, channel.controlBlock);
        }
        context = deviceContext;
        for (Channel channel : channels) {
            channel.updateLine();
        }
    }

    @Override
    public void detach() {
        if (context != null) {
            for (Channel channel : channels) {
                context.io().unregister(channel.commandBlock);
                context.io().unregister(channel.controlBlock);
                if (channel.lineHigh) {
                    context.interrupts().setLevel(channel.irq, false);
                    channel.lineHigh = false;
                }
            }
            context = null;
        }
    }

    @Override
    public void reset() {
        for (Channel channel : channels) {
            channel.hardwareReset();
        }
    }

    @Override
    public String summary() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < DRIVES; i++) {
            Drive drive = drive(i);
            if (drive.disk != null) {
                text.append(text.isEmpty() ? "" : "; ").append(i).append(": ").append(drive.disk)
                        .append(String.format(", status %#04x, %,d sectors read, %,d written", drive.status, drive.sectorsRead,
                                drive.sectorsWritten));
            }
        }
        return text.isEmpty() ? "no disks" : text.toString();
    }

    /** The status register of a drive position as the guest would read it now (without clearing the interrupt). */
    public int status(int index) {
        Drive drive = drive(index);
        return drive.statusRegister();
    }

    /** Whether a channel (0 primary, 1 secondary) asserts its interrupt request (nIEN aside). */
    public boolean interruptPending(int channel) {
        return channels[channel].intrq;
    }

    // ------------------------------------------------------------------ channels

    /** One channel: its registers' ports, the device control register, the interrupt line, two drives. */
    private final class Channel {
        final int number;
        final int base;
        final int control;
        final int irq;
        final Drive[] drives = { new Drive(this, 0), new Drive(this, 1) };
        int deviceControl;
        /** Which drive the device register's DEV bit selects. */
        int selected;
        boolean intrq;
        boolean lineHigh;

        final IoPortHandler commandBlock = new IoPortHandler() {
            @Override
            public int read(int port, int size) {
                return readRegister(port - base, size);
            }

            @Override
            public void write(int port, int size, int value) {
                writeRegister(port - base, size, value);
            }
        };

        final IoPortHandler controlBlock = new IoPortHandler() {
            @Override
            public int read(int port, int size) {
                return current().statusRegister();
            }

            @Override
            public void write(int port, int size, int value) {
                writeDeviceControl(value & 0xff);
            }
        };

        Channel(int number, int base, int control, int irq) {
            this.number = number;
            this.base = base;
            this.control = control;
            this.irq = irq;
        }

        Drive current() {
            return drives[selected];
        }

        boolean hasDrives() {
            return drives[0].disk != null || drives[1].disk != null;
        }

        void raise() {
            intrq = true;
            updateLine();
        }

        void clearInterrupt() {
            intrq = false;
            updateLine();
        }

        void updateLine() {
            boolean high = intrq && (deviceControl & NIEN) == 0;
            if (context != null && high != lineHigh) {
                lineHigh = high;
                context.interrupts().setLevel(irq, high);
            }
        }

        void hardwareReset() {
            deviceControl = 0;
            intrq = false;
            updateLine();
            selected = 0;
            for (Drive drive : drives) {
                drive.powerOn();
            }
        }

        int readRegister(int register, int size) {
            Drive drive = current();
            if (register == 0) {
                return drive.readData(size);
            }
            if (register == 6) {
                return drive.device;
            }
            if (drive.disk == null) {
                return register == 7 || register == 1 ? drive.absentRegister(register) : 0;
            }
            return switch (register) {
                case 1 -> drive.error;
                case 2 -> drive.sectorCount;
                case 3 -> drive.lbaLow;
                case 4 -> drive.lbaMid;
                case 5 -> drive.lbaHigh;
                default -> {
                    clearInterrupt();
                    yield drive.statusRegister();
                }
            };
        }

        void writeRegister(int register, int size, int value) {
            if (register == 0) {
                current().writeData(size, value);
                return;
            }
            int b = value & 0xff;
            if ((deviceControl & SRST) != 0) {
                return;
            }
            switch (register) {
                case 1 -> forBoth(d -> d.feature = b);
                case 2 -> forBoth(d -> d.sectorCount = b);
                case 3 -> forBoth(d -> d.lbaLow = b);
                case 4 -> forBoth(d -> d.lbaMid = b);
                case 5 -> forBoth(d -> d.lbaHigh = b);
                case 6 -> {
                    forBoth(d -> {
                        d.device = b | 0xa0;
                        d.absentStatus = 0;
                        d.absentError = 0;
                    });
                    selected = (b >> 4) & 1;
                }
                default -> {
                    clearInterrupt();
                    current().execute(b);
                }
            }
        }

        private void forBoth(java.util.function.Consumer<Drive> write) {
            write.accept(drives[0]);
            write.accept(drives[1]);
        }

        void writeDeviceControl(int value) {
            boolean wasReset = (deviceControl & SRST) != 0;
            deviceControl = value;
            if ((value & SRST) != 0 && !wasReset) {
                intrq = false;
                for (Drive drive : drives) {
                    drive.enterReset();
                }
            } else if ((value & SRST) == 0 && wasReset) {
                selected = 0;
                for (Drive drive : drives) {
                    drive.leaveReset();
                }
            }
            updateLine();
        }
    }

    // ------------------------------------------------------------------ drives

    private enum Transfer {
        NONE, IDENTIFY, READ, WRITE
    }

    /** One drive position: its registers, its transfer state and, when present, its disk. */
    private static final class Drive {
        final Channel channel;
        final int position;
        DiskImage disk;
        int feature;
        int sectorCount;
        int lbaLow;
        int lbaMid;
        int lbaHigh;
        int device = 0xa0;
        int status;
        int error;
        /** What an absent drive's status and error registers read: 0, or an abort after a command to it. */
        int absentStatus;
        int absentError;
        int multiple;
        int heads;
        int sectorsPerTrack;
        int defaultCylinders;
        int defaultHeads;
        int defaultSectorsPerTrack;
        final byte[] buffer = new byte[MAX_MULTIPLE * DiskImage.SECTOR_SIZE];
        int position0;
        int end;
        Transfer transfer = Transfer.NONE;
        boolean lbaAddressing;
        long sector;
        long remaining;
        int blockSectors;
        int inBuffer;
        long sectorsRead;
        long sectorsWritten;

        Drive(Channel channel, int position) {
            this.channel = channel;
            this.position = position;
        }

        /** Power-on or hardware reset: the signature, the default geometry, multiple mode as QEMU leaves it. */
        void powerOn() {
            multiple = MAX_MULTIPLE;
            if (disk != null) {
                long total = disk.sectors();
                defaultHeads = 16;
                defaultSectorsPerTrack = 63;
                defaultCylinders = (int) Math.max(1, Math.min(16383, total / (16 * 63)));
            }
            heads = defaultHeads;
            sectorsPerTrack = defaultSectorsPerTrack;
            device = 0xa0;
            feature = 0;
            leaveReset();
        }

        void enterReset() {
            transfer = Transfer.NONE;
            status = disk == null ? 0 : BSY;
            absentStatus = 0;
        }

        /** The end of a reset: the ATA signature in the registers and the diagnostic code in the error register. */
        void leaveReset() {
            transfer = Transfer.NONE;
            sectorCount = 1;
            lbaLow = 1;
            lbaMid = 0;
            lbaHigh = 0;
            device = 0xa0;
            error = 0x01;
            status = disk == null ? 0 : DRDY | DSC;
            absentStatus = 0;
            absentError = 0;
        }

        /**
         * The status register. An absent drive reads 0, except an absent device 0 beside a present device
         * 1: that one reads as an idle drive (DRDY and DSC, with ERR after a command it refused), as
         * QEMU's controller answers and as xv6, which waits for DRDY on device 0 before it probes device 1,
         * needs. ATA leaves configurations with only device 1 unspecified.
         */
        int statusRegister() {
            if (disk != null) {
                return status;
            }
            boolean answered = position == 0 && channel.drives[1].disk != null;
            if (!answered) {
                return absentStatus;
            }
            return absentStatus == 0 ? DRDY | DSC : DRDY | absentStatus;
        }

        int absentRegister(int register) {
            return register == 7 ? statusRegister() : absentError;
        }

        // ---------------------------------------------------------------- commands

        void execute(int command) {
            if (disk == null) {
                // Nobody answers; the guest sees the command refused until it selects a drive again.
                absentStatus = ERR;
                absentError = ABRT;
                return;
            }
            transfer = Transfer.NONE;
            error = 0;
            switch (command) {
                case 0xec -> identify();
                case 0x20, 0x21 -> startRead(1);
                case 0xc4 -> {
                    if (multiple == 0) {
                        abort();
                    } else {
                        startRead(multiple);
                    }
                }
                case 0x30, 0x31 -> startWrite(1);
                case 0xc5 -> {
                    if (multiple == 0) {
                        abort();
                    } else {
                        startWrite(multiple);
                    }
                }
                case 0x40, 0x41 -> verify();
                case 0xc6 -> setMultiple();
                case 0x91 -> initializeParameters();
                case 0x70, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
                        0xe0, 0xe1, 0xe2, 0xe3, 0xe6 -> complete();
                case 0xe5 -> {
                    sectorCount = 0xff;
                    complete();
                }
                case 0x90 -> diagnostic();
                case 0xe7 -> flush();
                case 0xef -> setFeatures();
                case 0xf8 -> readNativeMax();
                default -> abort();
            }
        }

        void complete() {
            status = DRDY | DSC;
            channel.raise();
        }

        void abort() {
            fail(ABRT);
        }

        void fail(int errorBits) {
            transfer = Transfer.NONE;
            error = errorBits;
            status = DRDY | DSC | ERR;
            channel.raise();
        }

        int count() {
            return sectorCount == 0 ? 256 : sectorCount;
        }

        /** The address in the registers: 28-bit LBA, or CHS translated; -1 for an impossible CHS address. */
        long address() {
            lbaAddressing = (device & 0x40) != 0;
            if (lbaAddressing) {
                return ((long) (device & 0x0f) << 24) | (lbaHigh << 16) | (lbaMid << 8) | lbaLow;
            }
            int cylinder = (lbaHigh << 8) | lbaMid;
            int head = device & 0x0f;
            if (lbaLow == 0 || lbaLow > sectorsPerTrack || head >= heads) {
                return -1;
            }
            return ((long) cylinder * heads + head) * sectorsPerTrack + lbaLow - 1;
        }

        /** Puts an address back into the registers in the addressing mode of the command. */
        void setAddress(long lba) {
            if (lbaAddressing) {
                lbaLow = (int) (lba & 0xff);
                lbaMid = (int) ((lba >> 8) & 0xff);
                lbaHigh = (int) ((lba >> 16) & 0xff);
                device = (device & 0xf0) | (int) ((lba >> 24) & 0x0f);
            } else {
                long track = lba / sectorsPerTrack;
                int cylinder = (int) Math.min(0xffff, track / heads);
                lbaLow = (int) (lba % sectorsPerTrack) + 1;
                lbaMid = cylinder & 0xff;
                lbaHigh = cylinder >> 8;
                device = (device & 0xf0) | (int) (track % heads);
            }
        }

        /** Whether sectors [first, first + n) are on the disk; if not, the error with the first bad address. */
        boolean inRange(long first, long n) {
            if (first >= 0 && first + n <= disk.sectors()) {
                return true;
            }
            if (first >= 0) {
                setAddress(Math.max(first, disk.sectors()));
            }
            fail(IDNF);
            return false;
        }

        void identify() {
            java.util.Arrays.fill(buffer, 0, DiskImage.SECTOR_SIZE, (byte) 0);
            long total = disk.sectors();
            word(0, 0x0040);
            word(1, defaultCylinders);
            word(3, defaultHeads);
            word(6, defaultSectorsPerTrack);
            text(10, 20, String.format("SB%04X%04d", disk.name().hashCode() & 0xffff, channel.number * 2 + position));
            text(23, 8, "0.1.0");
            text(27, 40, "SHADOWBENCH HARDDISK");
            word(47, 0x8000 | MAX_MULTIPLE);
            word(49, 0x0200);
            word(50, 0x4000);
            word(51, 0x0200);
            word(53, 0x0003);
            int currentCylinders = (int) Math.min(0xffff, total / Math.max(1, heads * sectorsPerTrack));
            long currentCapacity = (long) currentCylinders * heads * sectorsPerTrack;
            word(54, currentCylinders);
            word(55, heads);
            word(56, sectorsPerTrack);
            word(57, (int) (currentCapacity & 0xffff));
            word(58, (int) (currentCapacity >>> 16));
            word(59, multiple == 0 ? 0 : 0x0100 | multiple);
            word(60, (int) (total & 0xffff));
            word(61, (int) (total >>> 16));
            word(64, 0x0003);
            for (int w = 65; w <= 68; w++) {
                word(w, 120);
            }
            word(80, 0x00f0);
            word(82, 0x4000);
            word(83, 0x5000);
            word(84, 0x4000);
            word(85, 0x0000);
            word(86, 0x1000);
            word(87, 0x4000);
            int sum = 0xa5;
            for (int i = 0; i < 510; i++) {
                sum += buffer[i];
            }
            word(255, 0xa5 | ((-sum & 0xff) << 8));
            transfer = Transfer.IDENTIFY;
            position0 = 0;
            end = DiskImage.SECTOR_SIZE;
            status = DRDY | DSC | DRQ;
            channel.raise();
        }

        void word(int index, int value) {
            buffer[2 * index] = (byte) value;
            buffer[2 * index + 1] = (byte) (value >>> 8);
        }

        /** An ATA string: space-padded, two characters per word, the first in the high byte. */
        void text(int firstWord, int length, String value) {
            for (int i = 0; i < length; i++) {
                char c = i < value.length() ? value.charAt(i) : ' ';
                buffer[2 * firstWord + (i ^ 1)] = (byte) c;
            }
        }

        void startRead(int perBlock) {
            if (start(Transfer.READ, perBlock)) {
                nextReadBlock();
            }
        }

        /** Sets up a transfer from the addressing registers; false (and IDNF) when they name no sector. */
        private boolean start(Transfer kind, int perBlock) {
            long first = address();
            if (first < 0) {
                fail(IDNF);
                return false;
            }
            sector = first;
            remaining = count();
            blockSectors = perBlock;
            transfer = kind;
            return true;
        }

        /** Reads the next block into the buffer and asks the host to take it. */
        void nextReadBlock() {
            int n = (int) Math.min(blockSectors, remaining);
            if (!inRange(sector, n)) {
                return;
            }
            try {
                disk.read(sector, n, buffer, 0);
            } catch (java.io.IOException | RuntimeException e) {
                setAddress(sector);
                fail(UNC | ABRT);
                return;
            }
            sectorsRead += n;
            inBuffer = n;
            position0 = 0;
            end = n * DiskImage.SECTOR_SIZE;
            status = DRDY | DSC | DRQ;
            channel.raise();
        }

        void startWrite(int perBlock) {
            if (start(Transfer.WRITE, perBlock)) {
                nextWriteBlock(false);
            }
        }

        /** Asks the host for the next block; no interrupt before the first one. */
        void nextWriteBlock(boolean interrupt) {
            int n = (int) Math.min(blockSectors, remaining);
            if (!inRange(sector, n)) {
                return;
            }
            inBuffer = n;
            position0 = 0;
            end = n * DiskImage.SECTOR_SIZE;
            status = DRDY | DSC | DRQ;
            if (interrupt) {
                channel.raise();
            }
        }

        int readData(int size) {
            if (transfer != Transfer.READ && transfer != Transfer.IDENTIFY || (status & DRQ) == 0) {
                return 0;
            }
            int value = 0;
            for (int i = 0; i < size && position0 < end; i++) {
                value |= (buffer[position0++] & 0xff) << (8 * i);
            }
            if (position0 >= end) {
                if (transfer == Transfer.IDENTIFY) {
                    transfer = Transfer.NONE;
                    status = DRDY | DSC;
                } else {
                    advance();
                    if (remaining > 0) {
                        nextReadBlock();
                    } else {
                        transfer = Transfer.NONE;
                        status = DRDY | DSC;
                    }
                }
            }
            return value;
        }

        /** The buffer's sectors are done: the registers move on to the next sector. */
        void advance() {
            sector += inBuffer;
            remaining -= inBuffer;
            sectorCount = (int) (remaining & 0xff);
            setAddress(sector);
        }

        void writeData(int size, int value) {
            if (transfer != Transfer.WRITE || (status & DRQ) == 0) {
                return;
            }
            for (int i = 0; i < size && position0 < end; i++) {
                buffer[position0++] = (byte) (value >>> (8 * i));
            }
            if (position0 < end) {
                return;
            }
            try {
                disk.write(sector, inBuffer, buffer, 0);
            } catch (java.io.IOException | RuntimeException e) {
                setAddress(sector);
                fail(ABRT);
                return;
            }
            sectorsWritten += inBuffer;
            advance();
            if (remaining > 0) {
                nextWriteBlock(true);
            } else {
                transfer = Transfer.NONE;
                complete();
            }
        }

        void verify() {
            long first = address();
            if (first < 0) {
                fail(IDNF);
                return;
            }
            if (inRange(first, count())) {
                setAddress(first + count() - 1);
                sectorCount = 0;
                complete();
            }
        }

        void setMultiple() {
            int n = sectorCount;
            if (n > MAX_MULTIPLE || (n & (n - 1)) != 0) {
                abort();
            } else {
                multiple = n;
                complete();
            }
        }

        void initializeParameters() {
            if (sectorCount == 0) {
                abort();
                return;
            }
            sectorsPerTrack = sectorCount;
            heads = (device & 0x0f) + 1;
            complete();
        }

        void diagnostic() {
            for (Drive drive : channel.drives) {
                drive.leaveReset();
            }
            channel.selected = 0;
            complete();
        }

        void flush() {
            try {
                disk.flush();
                complete();
            } catch (java.io.IOException e) {
                abort();
            }
        }

        void setFeatures() {
            switch (feature) {
                case 0x02, 0x82, 0x55, 0xaa, 0x66, 0xcc -> complete();
                case 0x03 -> {
                    // transfer mode: PIO default (0x00, 0x01) and PIO flow-control modes (0x08-0x0f) only
                    if (sectorCount <= 0x01 || (sectorCount >= 0x08 && sectorCount <= 0x0f)) {
                        complete();
                    } else {
                        abort();
                    }
                }
                default -> abort();
            }
        }

        void readNativeMax() {
            lbaAddressing = (device & 0x40) != 0;
            if (!lbaAddressing) {
                abort();
                return;
            }
            setAddress(disk.sectors() - 1);
            complete();
        }
    }
}
