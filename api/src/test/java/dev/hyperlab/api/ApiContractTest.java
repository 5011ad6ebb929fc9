package dev.hyperlab.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apiguardian.api.API;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The api's promise, kept checkable: every public type says its stability and shows an example, and the
 * compatibility check in api/pom.xml (japicmp against api/baseline/) covers exactly the STABLE types.
 */
class ApiContractTest {
    private static final Path SOURCES = module().resolve("src/main/java");
    private static final List<String> PACKAGES = List.of("dev.hyperlab.api.lab", "dev.hyperlab.api.spi");

    private static Path module() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("baseline")) ? here : here.resolve("api");
    }

    /** Every public type of the api, nested ones included. */
    private static List<Class<?>> publicTypes() throws IOException, ClassNotFoundException {
        List<Class<?>> out = new ArrayList<>();
        for (String pkg : PACKAGES) {
            try (Stream<Path> files = Files.list(SOURCES.resolve(pkg.replace('.', '/')))) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (!name.endsWith(".java") || name.equals("package-info.java")) {
                        continue;
                    }
                    Class<?> c = Class.forName(pkg + "." + name.substring(0, name.length() - 5));
                    addPublic(c, out);
                }
            }
        }
        return out;
    }

    private static void addPublic(Class<?> c, List<Class<?>> out) {
        if (!Modifier.isPublic(c.getModifiers())) {
            return;
        }
        out.add(c);
        for (Class<?> nested : c.getDeclaredClasses()) {
            addPublic(nested, out);
        }
    }

    @Test
    void everyPublicTypeSaysItsStability() throws Exception {
        List<Class<?>> types = publicTypes();
        assertThat(types).hasSizeGreaterThan(40);
        SoftAssertions soft = new SoftAssertions();
        for (Class<?> c : types) {
            API api = c.getAnnotation(API.class);
            soft.assertThat(api).as(c.getName() + " carries @API").isNotNull();
            if (api != null) {
                soft.assertThat(api.since()).as(c.getName() + " says since when").isNotEmpty();
            }
        }
        soft.assertAll();
    }

    @Test
    void everyPublicTypeHasJavadocWithAnExample() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        for (Class<?> c : publicTypes()) {
            if (c.getEnclosingClass() != null) {
                continue; // a nested type's example is its enclosing type's
            }
            String src = Files.readString(SOURCES.resolve(c.getName().replace('.', '/') + ".java"));
            int decl = src.indexOf("\n@API(");
            int doc = decl < 0 ? -1 : src.lastIndexOf("/**", decl);
            soft.assertThat(doc).as(c.getName() + " has Javadoc above its @API").isNotNegative();
            if (doc >= 0) {
                soft.assertThat(src.substring(doc, src.indexOf("*/", doc)))
                        .as(c.getName() + "'s Javadoc shows an example in <pre>{@code ...}</pre>")
                        .contains("<pre>{@code");
            }
        }
        soft.assertAll();
    }

    @Test
    void theCompatibilityCheckCoversExactlyTheStableTypes() throws Exception {
        String pom = Files.readString(module().resolve("pom.xml"));
        assertThat(pom).contains("baseline/hyperlab-api-0.1.0.jar");
        assertThat(Files.isRegularFile(module().resolve("baseline/hyperlab-api-0.1.0.jar"))).isTrue();
        List<Class<?>> types = publicTypes();
        for (String execution : List.of("stable-spi", "stable-lab")) {
            int at = pom.indexOf("<id>" + execution + "</id>");
            assertThat(at).as("api/pom.xml has the japicmp execution " + execution).isPositive();
            String block = pom.substring(at, pom.indexOf("</execution>", at));
            Matcher inc = Pattern.compile("<include>([^<]+)</include>").matcher(block);
            assertThat(inc.find()).isTrue();
            String pkg = inc.group(1);
            Set<String> excluded = new TreeSet<>();
            Matcher ex = Pattern.compile("<exclude>([^<]+)</exclude>").matcher(block);
            while (ex.find()) {
                excluded.add(ex.group(1));
            }
            Set<String> notStable = new TreeSet<>();
            for (Class<?> c : types) {
                API api = c.getAnnotation(API.class);
                if (c.getPackageName().equals(pkg) && (api == null || api.status() != API.Status.STABLE)) {
                    notStable.add(c.getName());
                }
            }
            assertThat(excluded).as(execution + ": the types japicmp leaves out are the api's non-STABLE ones")
                    .isEqualTo(notStable);
        }
    }
}
