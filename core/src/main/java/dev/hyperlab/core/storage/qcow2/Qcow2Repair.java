package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.CheckReport;
import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.RepairReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code disk repair} of a qcow2 image, as {@code qemu-img check -r all} does it: checked, its refcounts and COPIED
 * flags set right from its mapping tables ({@link RefcountRepair}, which refuses an image whose mapping tables are
 * damaged), and checked again.
 */
public final class Qcow2Repair {
    private Qcow2Repair() {}

    /** Repairs the image at {@code path} (locked for writing meanwhile) and checks it again. */
    public static RepairReport repair(Path path) throws IOException {
        try (Qcow2Image img = Qcow2Image.openForRepair(path)) {
            ClusterTables t = img.tables();
            CheckReport before = checkOrDescribe(img);
            boolean rebuilt = false;
            if (!before.clean() || img.dirtyFlag() || img.markedCorrupt()) {
                rebuilt = RefcountRepair.repairRefcounts(t, img.snapshots(), "cannot repair");
                t.h.incompatibleFeatures &= ~(Qcow2Header.INCOMPAT_DIRTY | Qcow2Header.INCOMPAT_CORRUPT);
                t.writeHeader();
            }
            img.loadBitmapsForWriting(); // consistent now: the close stores them as any close does
            return new RepairReport(before, Qcow2Checker.check(img), rebuilt);
        }
    }

    /** The check of an image whose refcount structure may be too damaged to read: then that is its one finding. */
    private static CheckReport checkOrDescribe(Qcow2Image img) throws IOException {
        try {
            return Qcow2Checker.check(img);
        } catch (ImageException e) {
            return new CheckReport(img.path().toString(), ImageFormat.QCOW2, 0, 0, 1, List.of("ERROR " + e.getMessage()),
                    0, 0, img.tables().file.size());
        }
    }
}
