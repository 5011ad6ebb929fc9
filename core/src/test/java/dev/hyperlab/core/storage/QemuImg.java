package dev.hyperlab.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs QEMU's own tools (qemu-img, qemu-io) as the reference the storage code is checked against. CI installs
 * qemu-utils, so a missing qemu-img fails the test loudly; a developer without it may set
 * {@code HYPERLAB_SKIP_QEMU_IMG=1} to skip these tests with a message instead.
 */
public final class QemuImg {
    private QemuImg() {}

    public record Result(int exit, String out, String err) {
        public Result ok() {
            assertThat(exit).as("exit status; stderr: %s; stdout: %s", err, out).isZero();
            return this;
        }
    }

    /** Call first in every test that needs qemu-img. */
    public static void require() {
        boolean present = Files.isExecutable(Path.of("/usr/bin/qemu-img")) || onPath("qemu-img");
        if (!present) {
            if ("1".equals(System.getenv("HYPERLAB_SKIP_QEMU_IMG"))) {
                Assumptions.abort("qemu-img is not installed and HYPERLAB_SKIP_QEMU_IMG=1: skipping a check against QEMU");
            }
            fail("qemu-img is not installed: install qemu-utils (CI does), or set HYPERLAB_SKIP_QEMU_IMG=1 to skip these tests");
        }
    }

    /** Like {@link #require()} for another tool CI installs (sfdisk, sgdisk, fsck.fat, mtools). */
    public static void requireTool(String tool) {
        if (!onPath(tool) && !Files.isExecutable(Path.of("/usr/sbin", tool)) && !Files.isExecutable(Path.of("/sbin", tool))) {
            if ("1".equals(System.getenv("HYPERLAB_SKIP_QEMU_IMG"))) {
                Assumptions.abort(tool + " is not installed and HYPERLAB_SKIP_QEMU_IMG=1: skipping a check against it");
            }
            fail(tool + " is not installed: .ci/run installs it (or set HYPERLAB_SKIP_QEMU_IMG=1 to skip external-tool tests)");
        }
    }

    /** Runs {@code tool} found on PATH or in /usr/sbin, /sbin. */
    public static Result tool(String tool, String... args) throws IOException, InterruptedException {
        for (String d : new String[] {"/usr/sbin", "/sbin"}) {
            if (!onPath(tool) && Files.isExecutable(Path.of(d, tool))) return run(d + "/" + tool, args);
        }
        return run(tool, args);
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(java.io.File.pathSeparator)) if (Files.isExecutable(Path.of(dir, tool))) return true;
        return false;
    }

    public static Result img(String... args) throws IOException, InterruptedException {
        return run("qemu-img", args);
    }

    public static Result io(String... args) throws IOException, InterruptedException {
        return run("qemu-io", args);
    }

    public static Result run(String tool, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool);
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("qemu", ".out");
        Path err = Files.createTempFile("qemu", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(tool + " timed out: " + cmd);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Asserts {@code qemu-img check} finds nothing wrong (exit 0). */
    public static void assertClean(Path image) throws IOException, InterruptedException {
        Result r = img("check", image.toString());
        assertThat(r.exit()).as("qemu-img check %s:\n%s%s", image, r.out(), r.err()).isZero();
    }

    /** The image's disk contents as qemu-img sees them: {@code qemu-img convert -O raw}. */
    public static byte[] contents(Path image, Path scratch) throws IOException, InterruptedException {
        Path raw = scratch.resolve(image.getFileName() + ".ref.raw");
        Files.deleteIfExists(raw);
        img("convert", "-O", "raw", image.toString(), raw.toString()).ok();
        byte[] b = Files.readAllBytes(raw);
        Files.delete(raw);
        return b;
    }
}
