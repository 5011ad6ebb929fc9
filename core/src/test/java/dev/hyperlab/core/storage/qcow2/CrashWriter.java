package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.DiskImages;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The child process of {@link CrashSafetyTest}: opens an image and writes to it (or takes and deletes snapshots)
 * until it is killed. Prints "ready" once the image is open and "op N" as it goes.
 */
public final class CrashWriter {
    private CrashWriter() {}

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        SplittableRandom r = new SplittableRandom(Long.parseLong(args[1]));
        boolean snapshots = args[2].equals("snapshots");
        try (Qcow2Image img = DiskImages.openQcow2(image, false)) {
            System.out.println("ready");
            System.out.flush();
            long size = img.virtualSize();
            for (long op = 0; ; op++) {
                if (snapshots && op % 8 == 7) {
                    String name = "s" + op;
                    img.createSnapshot(name, Qcow2Snapshot.Times.ZERO, ByteBuffer.wrap(new byte[70_000]));
                    if (op % 16 == 15) img.deleteSnapshot(name);
                }
                int len = 1 + r.nextInt(r.nextBoolean() ? 5000 : 700_000);
                long off = r.nextLong(size - len);
                if (r.nextInt(8) == 0) {
                    img.discard(off, len);
                } else {
                    byte[] data = new byte[len];
                    r.nextBytes(data);
                    img.write(off, ByteBuffer.wrap(data));
                }
                System.out.println("op " + op);
            }
        }
    }
}
