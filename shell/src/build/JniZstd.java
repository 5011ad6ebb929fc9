import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A build step (package phase, before the AOT cache's training run; run as a source file by shell/pom.xml): makes the
 * launcher's copy of zstd-jni (shell/target/lib) use its JNI binding. The jar is multi-release: on JDK 22 and later
 * the JVM takes its META-INF/versions/22 classes, which reach the same native library through java.lang.foreign. Each
 * zstd function those classes call links a downcall stub at run time: about 30 classes spun with the Class-File API,
 * and LambdaForms, in every process that compresses or decompresses, which no AOT cache holds. Spinning them made the
 * JIT compile the Class-File API itself (C1 and C2), so an incremental backup through ./hyperlab spent 0.6-0.8 CPU-s
 * on it (issue 15, docs/performance.md). The jar's own (root) classes are the JNI binding of the same library and the
 * same API: native methods that link by name, no class made at run time. The versioned classes and the manifest's
 * {@code Multi-Release} attribute are dropped; the rest is copied as it is. Idempotent: a jar with no versioned class
 * is left as it is (and keeps its time, so the AOT cache stays fresh). The Maven repository's jar (tests, benches) is
 * not touched.
 *
 * <p>It also copies the jar's native library for this machine ({@code linux/<arch>/libzstd-jni-*.so}) to NATIVE, which
 * the launcher names in {@code -DZstdNativePath}: without it, zstd-jni writes the 0.9 MB library to a new file in
 * /tmp, loads it and deletes it, in every process that compresses or decompresses.
 *
 * <p>Usage: {@code java JniZstd.java DIR NATIVE}
 */
public final class JniZstd {
    private static final String VERSIONED = "META-INF/versions/";

    public static void main(String[] args) throws IOException {
        try (var jars = Files.list(Path.of(args[0]))) {
            for (Path jar : jars.filter(p -> p.getFileName().toString().matches("zstd-jni-.*\\.jar")).toList()) {
                int n = rewrite(jar);
                if (n > 0) {
                    System.out.println("dropped " + n + " versioned entries of " + jar.getFileName() + " (JNI binding)");
                }
                if (args.length > 1) {
                    copyNative(jar, Path.of(args[1]));
                }
            }
        }
    }

    /** The jar's library for this OS and architecture to {@code target}, unless it is there already (same bytes). */
    private static void copyNative(Path jar, Path target) throws IOException {
        String dir = System.getProperty("os.name").toLowerCase(Locale.ROOT).replace(" ", "") + "/"
                + System.getProperty("os.arch") + "/";
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                String name = e.getName();
                if (name.startsWith(dir) && name.indexOf('/', dir.length()) < 0 && name.endsWith(".so")) {
                    byte[] b = in.readAllBytes();
                    if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), b)) {
                        return;
                    }
                    Files.createDirectories(target.getParent());
                    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
                    Files.write(tmp, b);
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    System.out.println("copied " + name + " to " + target);
                    return;
                }
            }
        }
    }

    private static int rewrite(Path jar) throws IOException {
        if (!hasVersioned(jar)) {
            return 0;
        }
        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
        int n = 0;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] b = in.readAllBytes();
                if (e.getName().startsWith(VERSIONED)) {
                    n++;
                    continue;
                }
                if (e.getName().equals("META-INF/MANIFEST.MF")) {
                    b = new String(b, StandardCharsets.UTF_8).replaceAll("(?m)^Multi-Release: *true\\r?\\n", "")
                            .getBytes(StandardCharsets.UTF_8);
                }
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                out.putNextEntry(copy);
                out.write(b);
                out.closeEntry();
            }
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return n;
    }

    private static boolean hasVersioned(Path jar) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().startsWith(VERSIONED)) {
                    return true;
                }
            }
        }
        return false;
    }
}
