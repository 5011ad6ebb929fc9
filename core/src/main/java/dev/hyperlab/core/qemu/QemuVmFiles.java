package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.LabException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A QEMU VM's files in the lab, in {@code vms/NAME/} (mode 0700: the monitor socket lets whoever opens it do anything
 * to the VM):
 * <pre>
 * qmp.sock        QEMU's monitor (QMP) socket
 * qemu.pid        the process id, written by QEMU (-pidfile)
 * qemu.log        QEMU's own stdout and stderr (its last words when it dies)
 * console.log     the serial console, every boot appended (vm console shows it)
 * timeline.jsonl  the boot events hyperlab saw, one JSON object a line (timeline shows them)
 * timeline-backups.jsonl  the VM's backups' wall start and end, one JSON object a line (timeline's backup rows)
 * memory.state    the saved memory of a suspended VM
 * </pre>
 */
record QemuVmFiles(Path dir) {
    /** The longest Unix socket path Linux takes (sun_path is 108 bytes with its terminating zero). */
    static final int MAX_SOCKET_PATH = 107;

    static QemuVmFiles of(Path labDir, String name) {
        return new QemuVmFiles(labDir.resolve("vms").resolve(name));
    }

    Path socket() {
        return dir.resolve("qmp.sock");
    }

    Path pidFile() {
        return dir.resolve("qemu.pid");
    }

    Path qemuLog() {
        return dir.resolve("qemu.log");
    }

    Path console() {
        return dir.resolve("console.log");
    }

    Path timeline() {
        return dir.resolve("timeline.jsonl");
    }

    Path backups() {
        return dir.resolve("timeline-backups.jsonl");
    }

    Path memoryState() {
        return dir.resolve("memory.state");
    }

    /** Creates the directory with mode 0700 (and makes an existing one 0700). */
    void create() {
        try {
            Files.createDirectories(dir.getParent());
            if (!Files.isDirectory(dir)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot create " + dir + ": " + e.getMessage(),
                    "check the lab directory's permissions", e);
        }
        if (socket().toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw LabException.invalid("the VM's monitor socket path " + socket().toAbsolutePath() + " is longer than"
                    + " the " + MAX_SOCKET_PATH + " bytes a Unix socket takes", "use a lab directory with a shorter path");
        }
    }

    /** The process id QEMU wrote, if it wrote one that reads as a number. */
    Optional<Long> pid() {
        try {
            if (!Files.isRegularFile(pidFile()) || Files.size(pidFile()) > 32) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(Files.readString(pidFile()).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The live process of this VM: the pid QEMU wrote, alive, and running with this VM's monitor socket on its
     * command line (a pid the kernel gave to another program since is not ours).
     */
    Optional<ProcessHandle> process() {
        return pid().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).filter(this::isOurs);
    }

    private boolean isOurs(ProcessHandle p) {
        try {
            byte[] cmd = Files.readAllBytes(Path.of("/proc/" + p.pid() + "/cmdline"));
            return new String(cmd, StandardCharsets.UTF_8).contains(socket().toAbsolutePath().toString());
        } catch (IOException e) {
            return false;
        }
    }

    /** The last {@code n} lines of {@code file} (at most 64 KiB of its end is read), empty if it does not exist. */
    static List<String> lastLines(Path file, int n) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            int take = (int) Math.min(len, 64 * 1024);
            byte[] buf = new byte[take];
            f.seek(len - take);
            f.readFully(buf);
            String[] lines = ConsoleLines.clean(new String(buf, StandardCharsets.UTF_8)).split("\n");
            List<String> out = new ArrayList<>();
            for (int i = Math.max(0, lines.length - n); i < lines.length; i++) {
                if (!lines[i].isBlank()) {
                    out.add(lines[i].strip());
                }
            }
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }
}
