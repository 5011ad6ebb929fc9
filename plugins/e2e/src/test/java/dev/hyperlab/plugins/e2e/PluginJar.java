package dev.hyperlab.plugins.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * A plugin made by a test: Java sources compiled with the JDK's compiler against the api alone, packed with a
 * {@code plugin.properties} and {@code META-INF/services} files into a PF4J jar plugin. For plugins the project
 * would never ship: ones that hang, throw or need another api.
 */
final class PluginJar {
    private PluginJar() {}

    /**
     * @param sources Java source by fully qualified class name
     * @param services service file contents by spi interface name
     */
    static Path build(Path dir, String id, String requires, Map<String, String> sources, Map<String, String> services) {
        return build(dir, id, "1.0.0", requires, sources, services, Map.of());
    }

    /**
     * As {@link #build(Path, String, String, Map, Map)}, with a version of its own and {@code raw} entries (by name)
     * added as they are: a plugin that is broken on purpose.
     */
    static Path build(Path dir, String id, String version, String requires, Map<String, String> sources,
            Map<String, String> services, Map<String, byte[]> raw) {
        try {
            Path classes = Files.createDirectories(dir.resolve(id + "-classes"));
            if (!sources.isEmpty()) {
                JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
                List<SimpleJavaFileObject> units = new ArrayList<>();
                sources.forEach((name, code) -> units.add(new SimpleJavaFileObject(
                        URI.create("string:///" + name.replace('.', '/') + ".java"), SimpleJavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return code;
                    }
                }));
                StringWriter out = new StringWriter();
                boolean ok = javac.getTask(out, null, null, List.of("-d", classes.toString(), "-cp", apiOnly(),
                        "-proc:none"), null, units).call();
                if (!ok) {
                    throw new AssertionError("the test plugin does not compile: " + out);
                }
            }
            Path jar = dir.resolve(id + ".jar");
            try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar))) {
                put(j, "plugin.properties", "plugin.id=" + id + "\nplugin.version=" + version + "\nplugin.requires="
                        + requires + "\nplugin.description=a test plugin\nplugin.provider=a test\n");
                // directory entries, as every jar tool writes them: PF4J lists META-INF/services as a directory
                j.putNextEntry(new JarEntry("META-INF/"));
                j.closeEntry();
                j.putNextEntry(new JarEntry("META-INF/services/"));
                j.closeEntry();
                for (Map.Entry<String, String> s : services.entrySet()) {
                    put(j, "META-INF/services/" + s.getKey(), s.getValue() + "\n");
                }
                for (Map.Entry<String, byte[]> r : raw.entrySet()) {
                    j.putNextEntry(new JarEntry(r.getKey()));
                    j.write(r.getValue());
                    j.closeEntry();
                }
                try (Stream<Path> files = Files.walk(classes)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                        j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                        j.write(Files.readAllBytes(f));
                        j.closeEntry();
                    }
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void put(JarOutputStream j, String name, String text) throws IOException {
        j.putNextEntry(new JarEntry(name));
        OutputStream o = j;
        o.write(text.getBytes(StandardCharsets.UTF_8));
        j.closeEntry();
    }

    /** The api (and apiguardian, its one dependency) from the test class path: what a plugin compiles against. */
    static String apiOnly() {
        List<String> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String n = e.replace('\\', '/');
            if (n.contains("/api/target/") || n.contains("hyperlab-api-") || n.contains("apiguardian-api")) {
                out.add(e);
            }
        }
        return String.join(java.io.File.pathSeparator, out);
    }
}
