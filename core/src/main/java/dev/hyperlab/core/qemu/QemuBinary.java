package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.LabException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The QEMU this machine has: where it is, its version, and the accelerator VMs get (KVM when {@code /dev/kvm} can be
 * opened, the kernel being the hypervisor: type 1; else TCG, QEMU translating the guest's code as an ordinary user
 * program: type 2). {@code HYPERLAB_QEMU} names another binary (a wrapper, a build of one's own).
 */
public record QemuBinary(String command, int major, int minor, int micro, String accelerator) {
    /** The oldest QEMU the backend is tested against the features of (QMP, -machine graphics=off, chardev files). */
    static final int MIN_MAJOR = 6;
    static final int MIN_MINOR = 2;

    private static final Pattern VERSION = Pattern.compile("QEMU emulator version (\\d{1,4})\\.(\\d{1,4})\\.(\\d{1,4})");

    /** The version as QEMU prints it. */
    public String version() {
        return major + "." + minor + "." + micro;
    }

    /** {@code type1} with KVM, {@code type2} with TCG: the arrangement the issue names them by. */
    public String hypervisorType() {
        return accelerator.equals("kvm") ? "type1" : "type2";
    }

    /**
     * Finds and checks the QEMU binary.
     *
     * @throws LabException naming what is wrong (missing, not QEMU, too old) with a hint
     */
    public static QemuBinary find() {
        return find(defaultCommand(), null);
    }

    /** The binary to run: {@code HYPERLAB_QEMU}, else {@code qemu-system-x86_64} from the PATH. */
    static String defaultCommand() {
        String env = System.getenv("HYPERLAB_QEMU");
        return env == null || env.isBlank() ? "qemu-system-x86_64" : env.trim();
    }

    /**
     * As {@link #find()}, remembering the answer in {@code cache} (a lab's file): asking QEMU its version starts a
     * process that loads QEMU's libraries (50-70 ms of CPU at every command on a QEMU lab), and the answer holds while
     * the binary the command resolves to keeps its path, size, modification time and inode. A cache that does not
     * match, or does not parse, is asked again; a cache is never a reason to refuse. Null: no cache.
     */
    static QemuBinary find(String command, Path cache) {
        String identity = identity(command);
        if (cache != null && identity != null) {
            QemuBinary known = cached(command, identity, cache);
            if (known != null) {
                return known;
            }
        }
        QemuBinary q = find(command);
        if (cache != null && identity != null && Files.isDirectory(cache.getParent())) {
            try {
                Path tmp = Files.createTempFile(cache.getParent(), cache.getFileName() + ".", ".tmp");
                Files.writeString(tmp, identity + "\n" + q.version() + "\n");
                Files.move(tmp, cache, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // a cache that cannot be written only means asking again next time
            }
        }
        return q;
    }

    /** The file {@code command} runs (through the PATH when it names no directory), as the cache keys it; null if none. */
    private static String identity(String command) {
        Path exe = null;
        if (command.indexOf('/') >= 0) {
            exe = Path.of(command);
        } else {
            String path = System.getenv("PATH");
            for (String d : (path == null ? "" : path).split(":")) {
                Path p = Path.of(d.isEmpty() ? "." : d, command);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    exe = p;
                    break;
                }
            }
        }
        if (exe == null) {
            return null;
        }
        try {
            Path real = exe.toRealPath();
            java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(real,
                    java.nio.file.attribute.BasicFileAttributes.class);
            return command + "\t" + real + "\t" + a.size() + "\t" + a.lastModifiedTime().toInstant() + "\t"
                    + a.fileKey();
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    private static QemuBinary cached(String command, String identity, Path cache) {
        try {
            if (!Files.isRegularFile(cache) || Files.size(cache) > 4096) {
                return null;
            }
            List<String> lines = Files.readAllLines(cache, StandardCharsets.UTF_8);
            if (lines.size() != 2 || !lines.get(0).equals(identity)) {
                return null;
            }
            Matcher m = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})\\.(\\d{1,4})").matcher(lines.get(1));
            if (!m.matches()) {
                return null;
            }
            int major = Integer.parseInt(m.group(1));
            int minor = Integer.parseInt(m.group(2));
            if (major < MIN_MAJOR || major == MIN_MAJOR && minor < MIN_MINOR) {
                return null; // asked again: the refusal comes from QEMU's own answer
            }
            return new QemuBinary(command, major, minor, Integer.parseInt(m.group(3)), kvmUsable() ? "kvm" : "tcg");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** As {@link #find()}, for the binary {@code command}. */
    static QemuBinary find(String command) {
        String out;
        try {
            Process p = new ProcessBuilder(command, "--version").redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            byte[] head;
            try (InputStream in = p.getInputStream()) {
                head = in.readNBytes(4096); // a version line, not a file: what follows is not read
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw LabException.invalid(command + " --version did not finish within 10 s", "is it QEMU?");
            }
            out = new String(head, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LabException(LabException.Kind.NOT_FOUND, "no QEMU: cannot run " + command,
                    "install qemu-system-x86 (apt-get install qemu-system-x86), or set HYPERLAB_QEMU", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException(LabException.Kind.CANCELLED, "interrupted while asking " + command + " its version",
                    "try again");
        }
        Matcher m = VERSION.matcher(out);
        if (!m.find()) {
            throw LabException.invalid(command + " is not QEMU: its --version does not say 'QEMU emulator version'",
                    "set HYPERLAB_QEMU to qemu-system-x86_64");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        int micro = Integer.parseInt(m.group(3));
        if (major < MIN_MAJOR || major == MIN_MAJOR && minor < MIN_MINOR) {
            throw LabException.invalid(command + " is QEMU " + major + "." + minor + "." + micro + ", older than "
                    + MIN_MAJOR + "." + MIN_MINOR, "install a newer qemu-system-x86");
        }
        return new QemuBinary(command, major, minor, micro, kvmUsable() ? "kvm" : "tcg");
    }

    /** Whether this user can open {@code /dev/kvm} for reading and writing (what QEMU's -accel kvm needs). */
    static boolean kvmUsable() {
        Path kvm = Path.of("/dev/kvm");
        return Files.exists(kvm) && Files.isReadable(kvm) && Files.isWritable(kvm);
    }
}
