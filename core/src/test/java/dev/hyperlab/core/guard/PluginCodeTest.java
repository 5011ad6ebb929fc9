package dev.hyperlab.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin code as {@link PluginCodeRewriter} rewrites it, run through the {@link ExtensionGuard}: it cannot end the
 * process, by a direct call, a method reference or reflection, and once cut off it stops, on its own thread and on
 * the threads it started; a thread it cannot reach is counted as quarantined. (Each test's plugin has an id of its
 * own: the stopped plugins are the process's.)
 */
class PluginCodeTest {
    private static final Duration LIMIT = Duration.ofMillis(200);

    @TempDir
    Path tmp;

    /** Classes of one test plugin, compiled from source and defined rewritten, as the shell's plugin loader does. */
    static final class PluginLoader extends ClassLoader implements PluginCodeLoader {
        private final String plugin;
        private final Path classes;
        private final PluginCodeRewriter rewriter;
        private final boolean rewrite;

        PluginLoader(String plugin, Path classes, boolean rewrite) {
            super(PluginCodeTest.class.getClassLoader());
            this.plugin = plugin;
            this.classes = classes;
            this.rewriter = new PluginCodeRewriter(plugin);
            this.rewrite = rewrite;
        }

        @Override
        public String plugin() {
            return plugin;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Path file = classes.resolve(name.replace('.', '/') + ".class");
                if (!Files.isRegularFile(file)) {
                    return super.loadClass(name, resolve);
                }
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try {
                        byte[] code = Files.readAllBytes(file);
                        code = rewrite ? rewriter.rewrite(code) : code;
                        c = defineClass(name, code, 0, code.length);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return c;
            }
        }
    }

    /** Compiles {@code body} (of {@code p.Code.call()}, a {@code Callable<Object>}) and makes one, rewritten. */
    private Callable<Object> plugin(String plugin, String body) throws Exception {
        return plugin(plugin, body, true);
    }

    private Callable<Object> plugin(String plugin, String body, boolean rewrite) throws Exception {
        String source = """
                package p;
                import java.lang.invoke.*;
                import java.util.*;
                import java.util.concurrent.*;
                import java.util.function.*;
                import java.util.stream.*;
                public class Code implements Callable<Object> {
                    public static volatile Thread spawned;
                    public static volatile Thread running;
                    public static final Semaphore GATE = new Semaphore(0);
                    public Object call() throws Exception { %s }
                }
                """.formatted(body);
        Path classes = tmp.resolve(plugin);
        if (Files.isDirectory(classes)) {
            return make(plugin, classes, rewrite);
        }
        Files.createDirectories(classes);
        StringWriter out = new StringWriter();
        boolean ok = ToolProvider.getSystemJavaCompiler().getTask(out, null, null,
                List.of("-d", classes.toString(), "-proc:none"), null,
                List.of(new SimpleJavaFileObject(URI.create("string:///p/Code.java"), SimpleJavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return source;
                    }
                })).call();
        assertThat(ok).as("compiles: " + out).isTrue();
        return make(plugin, classes, rewrite);
    }

    @SuppressWarnings("unchecked")
    private static Callable<Object> make(String plugin, Path classes, boolean rewrite) throws Exception {
        return (Callable<Object>) new PluginLoader(plugin, classes, rewrite).loadClass("p.Code")
                .getDeclaredConstructor().newInstance();
    }

    private static Object field(Callable<Object> code, String name) throws Exception {
        return code.getClass().getField(name).get(null);
    }

    @Test
    void wellBehavedCodeGivesTheSameResultsRewritten() throws Exception {
        // loops, a switch, a try in a loop, a lambda, a constructor argument chosen by a branch, a labelled break
        String body = """
                long sum = 0;
                for (int i = 0; i < 1000; i++) {
                    switch (i % 3) { case 0 -> sum += i; case 1 -> sum -= 1; default -> { } }
                    try { if (i == 999) throw new IllegalStateException("x"); } catch (IllegalStateException e) { sum++; }
                }
                outer: for (int a = 0; a < 10; a++) { for (int b = 0; b < 10; b++) { if (a * b > 20) break outer; sum += b; } }
                String s = new String(sum > 0 ? "pos" : "neg");
                List<Integer> l = IntStream.range(0, 5).boxed().map(x -> x * x).collect(Collectors.toList());
                return sum + " " + s + " " + l;
                """;
        Object plain = plugin("calm", body, false).call();
        ExtensionGuard guard = new ExtensionGuard(LIMIT);
        assertThat(guard.call("calm", "calm call", plugin("calm", body))).isEqualTo(plain)
                .isEqualTo("166657 pos [0, 1, 4, 9, 16]");
        assertThat(guard.faults()).isEmpty();
    }

    @Test
    void everyWayToExitIsRefusedAndMakesThePluginFaultyNamingTheCall() throws Exception {
        List<String> bodies = List.of(
                "System.exit(42); return null;",
                "Runtime.getRuntime().exit(43); return null;",
                "Runtime.getRuntime().halt(44); return null;",
                "IntConsumer exit = System::exit; exit.accept(45); return null;",
                "IntConsumer halt = Runtime.getRuntime()::halt; halt.accept(46); return null;",
                "System.class.getMethod(\"exit\", int.class).invoke(null, 47); return null;",
                "try { MethodHandles.lookup().findStatic(System.class, \"exit\", MethodType.methodType(void.class,"
                        + " int.class)).invoke(48); } catch (Throwable t) { throw new RuntimeException(t); } return null;",
                "try { MethodHandles.lookup().unreflect(Runtime.class.getMethod(\"halt\", int.class))"
                        + ".invoke(Runtime.getRuntime(), 49); } catch (Throwable t) { throw new RuntimeException(t); }"
                        + " return null;",
                // caught by the plugin: refused all the same, and the plugin is faulty though the call returned
                "try { System.exit(50); } catch (Throwable t) { } return \"went on\";");
        List<String> expected = List.of("called System.exit(42)", "called Runtime.exit(43)", "called Runtime.halt(44)",
                "called System.exit(45)", "called Runtime.halt(46)", "called System.exit by reflection",
                "called System.exit through a method handle", "called Runtime.halt through a method handle",
                "called System.exit(50)");
        ExtensionGuard guard = new ExtensionGuard(LIMIT);
        List<String> faults = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            String id = "quitter" + i;
            Callable<Object> code = plugin(id, bodies.get(i));
            assertThatThrownBy(() -> guard.call(id, "firmware 'q' post", code)).isInstanceOf(ExtensionFault.class);
            assertThat(guard.faultOf(id)).contains("plugin '" + id + "' failed: firmware 'q' post " + expected.get(i)
                    + " (refused: a plugin may not end hyperlab)");
            faults.add(guard.faultOf(id).orElseThrow());
            // faulty until enabled; enabled, its code runs again (and is refused again)
            assertThatThrownBy(() -> guard.call(id, "again", code)).hasMessageContaining("is faulty");
            guard.clear(id);
            assertThatThrownBy(() -> guard.call(id, "again", code)).hasMessageContaining(expected.get(i));
        }
        assertThat(faults).hasSize(bodies.size()); // and this JVM is still here to count them
    }

    @Test
    void anExitOnAThreadThePluginStartedMakesItFaultyAtItsNextCall() throws Exception {
        Callable<Object> code = plugin("background-quitter", """
                if (spawned == null) {
                    // after the call has returned (the test opens the gate), not racing it
                    spawned = new Thread(() -> { GATE.acquireUninterruptibly(); System.exit(3); });
                    spawned.start();
                }
                return "ok";
                """);
        ExtensionGuard guard = new ExtensionGuard(LIMIT);
        assertThat(guard.call("background-quitter", "first", code)).isEqualTo("ok");
        ((java.util.concurrent.Semaphore) field(code, "GATE")).release();
        ((Thread) field(code, "spawned")).join();
        assertThat(guard.faultOf("background-quitter"))
                .contains("plugin 'background-quitter' failed: its code called System.exit(3) (refused: a plugin may not"
                        + " end hyperlab)");
        assertThatThrownBy(() -> guard.call("background-quitter", "second", code)).hasMessageContaining("is faulty");
    }

    @Test
    @Timeout(120) // not a measurement: without the checkpoints these threads never end and the test would hang
    void aCutOffPluginStopsSpinningOnItsThreadAndOnThoseItStartedIncludingLoopsInTheJdk() throws Exception {
        List<String> spins = List.of(
                "running = Thread.currentThread(); while (true) { }",
                "running = Thread.currentThread(); while (true) { try { Thread.sleep(60000); } catch (InterruptedException e) { } }",
                // the loop is the JDK's; the plugin's code is only the lambda it calls
                "running = Thread.currentThread(); Stream.generate(() -> 1).forEach(x -> { }); return null;",
                "spawned = new Thread(() -> { long n = 0; while (true) { n++; } }); spawned.start();"
                        + " running = Thread.currentThread(); while (true) { try { Thread.sleep(60000); } catch (Throwable t) { } }");
        ExtensionGuard guard = new ExtensionGuard(LIMIT);
        for (int i = 0; i < spins.size(); i++) {
            String id = "spinner" + i;
            Callable<Object> code = plugin(id, spins.get(i));
            assertThatThrownBy(() -> guard.call(id, "boot search", code)).isInstanceOf(ExtensionFault.class);
            assertThat(guard.faultOf(id)).contains("plugin '" + id + "' failed: boot search did not return within 200ms");
            ((Thread) field(code, "running")).join();
            Thread spawned = (Thread) field(code, "spawned");
            if (spawned != null) {
                spawned.join();
            }
            assertThat(guard.quarantined(id)).isZero();
        }
    }

    @Test
    void aThreadBlockedOutsideThePluginsCodeIsQuarantinedUntilItEnds() throws Exception {
        Callable<Object> code = plugin("blocked", """
                running = Thread.currentThread();
                GATE.acquireUninterruptibly(); // in the JDK: no checkpoint, and an interrupt does not end it
                return null;
                """);
        ExtensionGuard guard = new ExtensionGuard(LIMIT);
        assertThatThrownBy(() -> guard.call("blocked", "load", code)).hasMessageContaining("did not return within");
        assertThat(guard.quarantined("blocked")).isEqualTo(1);
        // enabled again, it gets a new thread; the old one stays quarantined
        guard.clear("blocked");
        assertThat(guard.quarantined("blocked")).isEqualTo(1);

        ((Semaphore) field(code, "GATE")).release();
        ((Thread) field(code, "running")).join();
        assertThat(guard.quarantined("blocked")).isZero();
    }
}
