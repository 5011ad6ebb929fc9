package dev.hyperlab.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.SnapshotInfo;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.SyscallKill;
import dev.hyperlab.core.lab.Labs;
import dev.hyperlab.core.lab.LocalLab;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.QemuImg;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults in the middle of a snapshot operation: a disk that fills up, and a process killed with SIGKILL at a chosen
 * write. Either the operation is whole or it is not there at all (a create), or it is finished when the lab is loaded
 * again (a delete, a revert); every image stays {@code qemu-img check} clean and the lab goes on.
 */
class SnapshotFaultTest {
    @TempDir
    Path tmp;

    private static List<String> child(String... args) {
        return SyscallKill.java(SnapshotFaultChild.class, args);
    }

    // ---------------------------------------------------------------------------------------------- a full disk

    @Test
    void aDiskThatFillsUpFailsTheSnapshotCleanlyAtEveryPointUntilThereIsRoom() throws Exception {
        QemuImg.require();
        Assumptions.assumeTrue(SyscallKill.works("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"),
                "needs a private mount namespace (unshare -m) to mount a small tmpfs");
        Path dir = tmp.resolve("small");
        Files.createDirectories(dir);
        String java = String.join(" ", child("diskfull", dir.toString()).stream().map(a -> "'" + a + "'").toList());
        Files.createDirectories(dir.resolve("lab"));
        Files.createDirectories(dir.resolve("store"));
        SyscallKill.Run r = SyscallKill.run(List.of("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=96m tmpfs '"
                + dir.resolve("lab") + "' && mount -t tmpfs -o size=4m tmpfs '" + dir.resolve("store") + "' && exec " + java), 600);
        assertThat(r.exit()).as(r.out()).isZero();
        List<String> failures = r.out().lines().filter(l -> l.startsWith("fail ")).toList();
        assertThat(r.out()).contains("\nok ");
        // the sweep met the full disk in the lab's save and in the images, and each time said so plainly
        assertThat(failures).anyMatch(l -> l.contains("cannot save lab"));
        assertThat(failures).anyMatch(l -> l.contains("cannot snapshot VM web: disk1"));
        assertThat(failures).anyMatch(l -> l.contains("cannot snapshot VM web: disk2"));
        assertThat(failures).allMatch(l -> l.contains("No space left on device") || l.contains("disk full"));
        assertThat(failures).noneMatch(l -> l.contains("partial snapshot stays"));
    }

    // ---------------------------------------------------------------------------------------------- SIGKILL

    /** The lab every kill starts from: a running VM with snapshot s1, then s2 below it, then other data written. */
    private static String prepare(Path dir) throws Exception {
        try (LocalLab lab = Labs.open(dir, 3)) {
            Vm vm = SnapshotTest.setUp(lab, List.of());
            vm.start();
            vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));
            vm.createSnapshot("s1");
            lab.advance("1m");
            writeData(lab, (byte) 7);
            vm.createSnapshot("s2");
            lab.advance("1m");
            writeData(lab, (byte) 9);
            return vm.stateDigest();
        }
    }

    private static void writeData(LocalLab lab, byte value) throws Exception {
        byte[] b = new byte[1 << 20];
        Arrays.fill(b, value);
        DiskImage d = lab.model().images().open(lab.model().vmMachine("web").disks.get(1).path());
        d.write(0, ByteBuffer.wrap(b));
    }

    private static byte data(LocalLab lab) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(1);
        lab.model().images().open(lab.model().vmMachine("web").disks.get(1).path()).read(4096, b);
        return b.get(0);
    }

    /** How many times {@code syscall} runs in an uninterrupted {@code op} (strace counts it). */
    private int count(Path template, String op, String syscall) throws Exception {
        Path dir = SyscallKill.copy(template, tmp.resolve("count-" + op + "-" + syscall));
        return SyscallKill.count(child("op", dir.toString(), op), List.of(syscall),
                tmp.resolve("strace-" + op + "-" + syscall)).get(syscall);
    }

    /** Runs {@code op} and kills it with SIGKILL as it makes its {@code n}th {@code syscall}. */
    private Path killAt(Path template, String op, String syscall, int n) throws Exception {
        Path dir = SyscallKill.copy(template, tmp.resolve(op + "-" + syscall + "-" + n));
        if (!SyscallKill.killAt(child("op", dir.toString(), op), syscall, n).finished()) {
            kills++;
        }
        return dir;
    }

    /** How many children the kills stopped (a count past the last call of the thread it lands in finishes). */
    private int kills;

    @Test
    void aKill9AtAnyWriteOfASnapshotOperationLeavesItWholeOrUndone() throws Exception {
        QemuImg.require();
        SyscallKill.requireStrace();
        Path template = tmp.resolve("template");
        String before = prepare(template);
        SplittableRandom random = new SplittableRandom(20261122);
        for (String op : List.of("create", "delete", "revert")) {
            // every image write of a create; a seeded sample of the others'; and the lab's own saves and renames
            int pwrites = count(template, op, "pwrite64");
            assertThat(pwrites).as(op + " writes its images").isGreaterThan(3);
            TreeSet<Integer> points = new TreeSet<>();
            if (op.equals("create")) {
                for (int i = 1; i <= pwrites; i++) {
                    points.add(i);
                }
            } else {
                while (points.size() < Math.min(pwrites, 8)) {
                    points.add(1 + random.nextInt(pwrites));
                }
            }
            kills = 0;
            for (int n : points) {
                check(killAt(template, op, "pwrite64", n), op, before, "pwrite64 #" + n);
            }
            assertThat(kills).as(op + ": the kills landed inside the operation").isGreaterThanOrEqualTo(points.size() / 2);
            int renames = count(template, op, "rename");
            for (int n = 1; n <= renames; n++) {
                check(killAt(template, op, "rename", n), op, before, "rename #" + n);
            }
        }
    }

    /** What a load after the kill must find, and that the lab goes on. */
    private void check(Path dir, String op, String before, String where) throws Exception {
        String as = op + " killed at " + where;
        try (LocalLab lab = Labs.open(dir, 3)) {
            Vm vm = lab.vm("web");
            List<SnapshotInfo> all = vm.snapshots();
            assertThat(all).as(as + ": nothing half-made is left outside the tree").noneMatch(SnapshotInfo::external);
            assertThat(all).as(as).allMatch(s -> s.disks().equals(List.of("disk0", "disk1")));
            List<String> names = all.stream().map(SnapshotInfo::name).toList();
            switch (op) {
                case "create" -> assertThat(names).as(as).isIn(List.of("s1", "s2"), List.of("s1", "s2", "new"));
                case "delete" -> assertThat(names).as(as).isIn(List.of("s1", "s2"), List.of());
                case "revert" -> {
                    assertThat(names).as(as).containsExactly("s1", "s2");
                    if (vm.snapshot("s1").current()) {
                        vm.waitFor(VmState.RUNNING, Duration.ofMinutes(5));
                        assertThat(vm.stateDigest()).as(as + ": reverted").isEqualTo(vm.snapshot("s1").stateDigest());
                        assertThat(data(lab)).as(as + ": disk1 as at s1").isEqualTo((byte) 0);
                    } else {
                        assertThat(vm.stateDigest()).as(as + ": not begun").isEqualTo(before);
                        assertThat(data(lab)).isEqualTo((byte) 9);
                    }
                }
                default -> throw new IllegalArgumentException(op);
            }
            lab.advance("1m");
            vm.createSnapshot("later"); // and it goes on
        }
        QemuImg.assertClean(dir.resolve("vms/web/disk0.qcow2"));
        QemuImg.assertClean(dir.resolve("vms/web/disk1.qcow2"));
    }
}
