import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URLClassLoader;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A build step (package phase, before the AOT cache's training run; run as a source file by shell/pom.xml): rewrites
 * the class files older than Java 6 (version 50) in the jars of shell/target/lib as version 52 with stack maps made
 * by the JDK's Class-File API. The JVM's AOT cache cannot hold classes that old, so picocli's (built for Java 5) were
 * parsed and verified from its jar at every start, about a fifth of `hyperlab -c 'lab info'`; rewritten, they come
 * from the cache. The bytecode itself is unchanged. Idempotent: a jar with no old class is left as it is.
 *
 * <p>Usage: {@code java OldClassFiles.java DIR}
 */
public final class OldClassFiles {
    private static final int OLDEST_CACHEABLE = 50;
    private static final int REWRITTEN = 52;

    public static void main(String[] args) throws IOException {
        try (var jars = Files.list(Path.of(args[0]))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                int n = rewrite(jar);
                if (n > 0) {
                    System.out.println("rewrote " + n + " class files of " + jar.getFileName() + " as version " + REWRITTEN);
                }
            }
        }
    }

    private static int rewrite(Path jar) throws IOException {
        if (!hasOldClass(jar)) {
            return 0;
        }
        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
        int n = 0;
        try (URLClassLoader own = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
                ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            // stack maps need the class hierarchy: the JDK's classes, then the jar's own
            ClassFile cf = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                            .orElse(ClassHierarchyResolver.ofResourceParsing(own))));
            ClassTransform version = (cb, e) -> {
                if (e instanceof ClassFileVersion) {
                    cb.withVersion(REWRITTEN, 0);
                } else {
                    cb.with(e);
                }
            };
            ClassTransform upgrade = version.andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL));
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] b = in.readAllBytes();
                if (e.getName().endsWith(".class")) {
                    ClassModel m = cf.parse(b);
                    if (m.majorVersion() < OLDEST_CACHEABLE) {
                        b = cf.transformClass(m, upgrade);
                        n++;
                    }
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

    private static boolean hasOldClass(Path jar) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().endsWith(".class") && !e.getName().endsWith("module-info.class")) {
                    byte[] head = in.readNBytes(8);
                    if (head.length == 8 && ((head[6] & 0xff) << 8 | (head[7] & 0xff)) < OLDEST_CACHEABLE) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
