package dev.hyperlab.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Unit tests for a plugin's extensions against the real engine: a lab with a running host to boot VMs on through a
 * firmware model or driver, and a backup repository to back up and restore real disk images with a strategy. The
 * extensions are registered as the shell registers a plugin's ({@value #PLUGIN} is their plugin id): every call goes
 * through the guard, with its time limit and its checks, so a test sees what a user would see.
 *
 * <pre>{@code
 * try (TestLab lab = PluginTestKit.lab().withFirmware(new MyFirmware()).start()) {
 *     BootRun run = lab.boot(VmSpec.of("web", TestLab.HOST, 2, Sizes.parse("4GiB"))
 *             .withOs("linux-server").withFirmware("my-firmware"));
 *     assertThat(run.booted()).isTrue();
 *     assertThat(run.phase("firmware")).isNotEmpty();
 * }
 *
 * try (TestRepository repo = PluginTestKit.repository().withStrategy(new MyStrategy())) {
 *     TestDisk vda = repo.disk("vda", 64 << 20, 1);
 *     String id = repo.backup("web1", "my-strategy", vda).id();
 *     assertThat(PluginTestKit.sha256(repo.restore(id, "vda"))).isEqualTo(vda.sha256());
 * }
 * }</pre>
 */
public final class PluginTestKit {
    /** The plugin id the test kit registers extensions under. */
    public static final String PLUGIN = "test-plugin";

    private PluginTestKit() {}

    /** A lab to boot machines in; {@link TestLab.Builder#start()} gives it a running host. */
    public static TestLab.Builder lab() {
        return new TestLab.Builder();
    }

    /** A backup repository in a new temporary directory, removed on close. */
    public static TestRepository repository() {
        return TestRepository.create(tempDir("hyperlab-testkit-repo"), true);
    }

    /** A backup repository in {@code dir}, which must be new or empty, kept on close. */
    public static TestRepository repository(Path dir) {
        return TestRepository.create(dir, false);
    }

    /** The SHA-256 of a file's bytes, in hex: for comparing a restored disk with its source. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("creating a temporary directory", e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + dir, e);
        }
    }
}
