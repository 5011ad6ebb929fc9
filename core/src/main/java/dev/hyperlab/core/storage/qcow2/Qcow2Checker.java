package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.CheckReport;
import java.io.IOException;

/**
 * Consistency check of a qcow2 image, as {@code qemu-img check} does it: every reference to a host cluster counted
 * and compared with the stored refcounts and the COPIED flags ({@link ClusterReferences} does the counting).
 */
public final class Qcow2Checker {
    private Qcow2Checker() {}

    /** Checks {@code img} (open read-only or not); nothing is changed. */
    public static CheckReport check(Qcow2Image img) throws IOException {
        return ClusterReferences.check(img.tables(), img.snapshots());
    }
}
