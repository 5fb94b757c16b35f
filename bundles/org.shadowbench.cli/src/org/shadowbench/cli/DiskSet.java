package org.shadowbench.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.shadowbench.devices.ide.DiskImage;
import org.shadowbench.devices.ide.DiskImageException;
import org.shadowbench.devices.ide.IdeController;

/**
 * The {@code --disk} images of a run on the IDE controller: all opened and checked before the
 * machine is built (a bad one is a {@link UsageException}, exit code 2), closed after the run.
 */
final class DiskSet implements AutoCloseable {
    private final IdeController controller = new IdeController();
    private final List<DiskImage> images = new ArrayList<>();

    static DiskSet open(RunOptions options) throws UsageException {
        DiskSet set = new DiskSet();
        try {
            for (RunOptions.Disk disk : options.disks) {
                DiskImage image = DiskImage.open(disk.file(), options.snapshot);
                set.images.add(image);
                set.controller.insert(disk.index(), image);
            }
        } catch (DiskImageException e) {
            set.close();
            throw new UsageException(e.getMessage() + (e.reason() == DiskImageException.Reason.READ_ONLY
                    ? " (add --snapshot to keep the guest's writes in memory)" : ""));
        }
        return set;
    }

    /** The controller with the disks in their positions. */
    IdeController controller() {
        return controller;
    }

    void describe(PrintStream err) {
        for (int index = 0; index < IdeController.DRIVES; index++) {
            DiskImage disk = controller.disk(index);
            if (disk != null) {
                err.printf(Locale.ROOT, "shadowbench: IDE %s %s: %s%n", index < 2 ? "primary" : "secondary",
                        index % 2 == 0 ? "master" : "slave", disk);
            }
        }
    }

    @Override
    public void close() {
        for (DiskImage image : images) {
            try {
                image.close();
            } catch (IOException e) {
                // written sectors are already in the file (write-through)
            }
        }
    }
}
