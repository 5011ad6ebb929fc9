package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.SnapshotInfo;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.lab.Labs;
import dev.hyperlab.core.lab.LocalLab;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The child process of {@link SnapshotFaultTest}.
 * <ul>
 *   <li>{@code op DIR create|revert|delete}: one snapshot operation on the lab in DIR (the parent kills it with
 *       SIGKILL at a chosen write, through strace);
 *   <li>{@code diskfull DIR}: in a tiny tmpfs the parent mounted at DIR, tries to snapshot a running VM with less and
 *       less free space taken away, and checks each failure left every image without the snapshot and clean. Prints
 *       {@code fail N: MESSAGE} per refused attempt and {@code ok N} when one succeeds; exits 1 on a broken promise.
 * </ul>
 */
public final class SnapshotFaultChild {
    private SnapshotFaultChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "op" -> op(dir, args[2]);
            case "diskfull" -> diskFull(dir);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void op(Path dir, String op) {
        try (LocalLab lab = Labs.open(dir, 3)) {
            Vm vm = lab.vm("web");
            switch (op) {
                case "create" -> vm.createSnapshot("new");
                case "revert" -> vm.revertTo("s1");
                case "delete" -> vm.deleteSnapshot("s1", true);
                default -> throw new IllegalArgumentException(op);
            }
            System.out.println("done");
        }
    }

    /**
     * DIR/lab (the lab, with the VM's OS disk) and DIR/store (two data disks attached from there) are two small
     * tmpfs. A full lab file system fails the save that comes before any image changes; a full store fails the
     * snapshot of disk1 or disk2 after disk0's was taken, which must be taken back.
     */
    private static void diskFull(Path dir) throws Exception {
        Path labDir = dir.resolve("lab");
        Path store = dir.resolve("store");
        List<Path> images = List.of(labDir.resolve("vms/web/disk0.qcow2"), store.resolve("d1.qcow2"),
                store.resolve("d2.qcow2"));
        int failures = 0;
        try (LocalLab lab = Labs.open(labDir, 3)) {
            for (Path p : images.subList(1, 3)) {
                dev.hyperlab.core.storage.DiskImages.create(p, dev.hyperlab.core.storage.ImageFormat.QCOW2,
                        64L << 20).close();
            }
            lab.createHost(dev.hyperlab.api.lab.HostSpec.of("h", 8, dev.hyperlab.api.lab.Sizes.parse("64GiB")));
            lab.host("h").install(dev.hyperlab.api.lab.HypervisorType.TYPE1);
            lab.host("h").powerOn();
            lab.host("h").waitFor(dev.hyperlab.api.lab.HostState.RUNNING, Duration.ofMinutes(10));
            Vm vm = lab.createVm(dev.hyperlab.api.lab.VmSpec.of("web", "h", 2, dev.hyperlab.api.lab.Sizes.parse("2GiB"))
                    .withOs("linux-server").withDisks(List.of(images.get(1).toString(), images.get(2).toString())));
            vm.start();
            vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));

            // the lab's own file system full: the save before the first image write fails, nothing changes
            Path labFiller = labDir.resolve("filler");
            fill(labFiller, labDir, 0);
            failures += attempt(vm, "full", images) ? 0 : 1;
            Files.deleteIfExists(labFiller);

            // data scattered over the data disks until each file grows: new clusters take up the free ones the images
            // had inside (each store of the dirty bitmap frees its old clusters, and the failed save above reopened
            // them), so that a full store leaves a snapshot no room at all
            for (Path p : images.subList(1, 3)) {
                dev.hyperlab.core.storage.DiskImage img = lab.model().images().open(p.toString());
                long size = Files.size(p);
                for (int i = 0; Files.size(p) == size; i++) {
                    require(i < 64, "writes to " + p + " never grew it");
                    img.write(i * (1L << 20), java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
                }
                img.flush();
            }

            // the store full, then a page more at a time: every failure point on the way to a snapshot that fits
            Path filler = store.resolve("filler");
            for (int n = 0; n < 400; n++) {
                fill(filler, store, n * 4096L);
                if (attempt(vm, "s" + n, images)) {
                    System.out.println("ok " + n);
                    break;
                }
                failures++;
            }
            Files.deleteIfExists(filler);
            lab.advance("1m");
            vm.revertTo(vm.snapshots().getLast().name()); // the snapshot that made it is whole
            vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));
            vm.createSnapshot("after");
        }
        require(failures > 1, "the sweep began with too much free space: no attempt failed");
        for (Path img : images) {
            QemuCheck.clean(img);
        }
        System.out.println("end " + failures);
    }

    /** One snapshot attempt; on failure, checks it left nothing behind. True when it was taken. */
    private static boolean attempt(Vm vm, String name, List<Path> images) throws Exception {
        try {
            SnapshotInfo s = vm.createSnapshot(name);
            require(s.disks().equals(List.of("disk0", "disk1", "disk2")), "a snapshot taken is on every disk: " + s);
            return true;
        } catch (LabException e) {
            System.out.println("fail " + name + ": " + e.getMessage());
            require(vm.snapshots().stream().noneMatch(x -> x.name().equals(name)),
                    "a failed snapshot is on no disk: " + vm.snapshots());
            require(vm.state() == VmState.RUNNING, "a failed snapshot leaves the VM running: " + vm.state());
            for (Path img : images) {
                QemuCheck.clean(img);
            }
            return false;
        }
    }

    /** Leaves {@code free} bytes free on the file system of {@code dir}, with a file of written (not sparse) bytes. */
    private static void fill(Path filler, Path dir, long free) throws Exception {
        Files.deleteIfExists(filler);
        long usable = Files.getFileStore(dir).getUsableSpace();
        long size = Math.max(0, usable - free);
        byte[] chunk = new byte[1 << 16];
        java.util.Arrays.fill(chunk, (byte) 1);
        try (RandomAccessFile f = new RandomAccessFile(filler.toFile(), "rw")) {
            long done = 0;
            while (done < size) {
                int n = (int) Math.min(chunk.length, size - done);
                try {
                    f.write(chunk, 0, n);
                } catch (java.io.IOException full) {
                    break;
                }
                done += n;
            }
        }
    }

    static void require(boolean ok, String promise) {
        if (!ok) {
            throw new AssertionError("broken promise: " + promise);
        }
    }

    /** {@code qemu-img check -U} (the lab has the image open): exit 0 or the reason. */
    static final class QemuCheck {
        static void clean(Path img) throws Exception {
            Process p = new ProcessBuilder("qemu-img", "check", "-U", img.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            require(p.waitFor() == 0, "qemu-img check " + img + " is clean:\n" + out);
        }
    }
}
