package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.DiskImages;
import java.nio.file.Path;

/** The child process of {@link RepairKillTest}: repairs one image and prints "done", unless it is killed first. */
public final class RepairChild {
    private RepairChild() {}

    public static void main(String[] args) throws Exception {
        DiskImages.repair(Path.of(args[0]));
        System.out.println("done");
    }
}
