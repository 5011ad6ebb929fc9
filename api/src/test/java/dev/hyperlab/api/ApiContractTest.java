package dev.hyperlab.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.lang.reflect.AnnotatedElement;
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
 * The api's promise, kept checkable: every public type says its stability and shows an example, a STABLE type
 * exposes a less stable one only through a member marked as such, and the compatibility check in api/pom.xml
 * (japicmp against api/baseline/) covers exactly the STABLE types.
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

    /**
     * A member of a STABLE type is STABLE unless its own {@code @API} says otherwise, so it may mention (take, return,
     * throw) an api type of a lower status only when it carries that status or a lower one; a STABLE type's supertypes
     * in the api are STABLE. Otherwise a plugin or script relying on the STABLE type's promise would be broken by a
     * change the EXPERIMENTAL type is allowed to make.
     */
    @Test
    void aStableTypeExposesALessStableOneOnlyThroughAMemberMarkedAsSuch() throws Exception {
        List<String> broken = new ArrayList<>();
        for (Class<?> c : publicTypes()) {
            if (status(c) != API.Status.STABLE) {
                continue;
            }
            List<Type> supers = new ArrayList<>(List.of(c.getGenericInterfaces()));
            if (c.getGenericSuperclass() != null) {
                supers.add(c.getGenericSuperclass());
            }
            for (Type s : supers) {
                for (Class<?> t : apiTypesIn(s)) {
                    if (status(t) != API.Status.STABLE) {
                        broken.add(c.getName() + " extends " + status(t) + " " + t.getName());
                    }
                }
            }
            List<Member> members = new ArrayList<>();
            members.addAll(List.of(c.getDeclaredMethods()));
            members.addAll(List.of(c.getDeclaredConstructors()));
            members.addAll(List.of(c.getDeclaredFields()));
            for (Member m : members) {
                if (m.isSynthetic() || !(Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers())
                        || c.isInterface() && !Modifier.isPrivate(m.getModifiers()))) {
                    continue;
                }
                API own = ((AnnotatedElement) m).getAnnotation(API.class);
                API.Status memberStatus = own == null ? API.Status.STABLE : own.status();
                for (Type t : signature(m)) {
                    for (Class<?> used : apiTypesIn(t)) {
                        API.Status usedStatus = status(used);
                        if (usedStatus != null && usedStatus.ordinal() < memberStatus.ordinal()) {
                            broken.add(c.getName() + "." + m.getName() + " is " + memberStatus + " but exposes "
                                    + usedStatus + " " + used.getName() + " (mark the member @API(status = "
                                    + usedStatus + ") or make the type " + memberStatus + ")");
                        }
                    }
                }
            }
        }
        assertThat(broken).as("stability levels that contradict each other").isEmpty();
    }

    private static API.Status status(Class<?> c) {
        API api = c.getAnnotation(API.class);
        return api == null ? null : api.status();
    }

    private static List<Type> signature(Member m) {
        List<Type> out = new ArrayList<>();
        if (m instanceof Method method) {
            out.add(method.getGenericReturnType());
        }
        if (m instanceof Executable e) {
            out.addAll(List.of(e.getGenericParameterTypes()));
            out.addAll(List.of(e.getGenericExceptionTypes()));
        }
        if (m instanceof Field f) {
            out.add(f.getGenericType());
        }
        return out;
    }

    /** The api's types a (generic) type mentions: {@code List<SnapshotInfo>} mentions SnapshotInfo. */
    private static Set<Class<?>> apiTypesIn(Type t) {
        Set<Class<?>> out = new java.util.LinkedHashSet<>();
        collect(t, out);
        return out;
    }

    private static void collect(Type t, Set<Class<?>> out) {
        switch (t) {
            case Class<?> c when c.isArray() -> collect(c.getComponentType(), out);
            case Class<?> c -> {
                if (c.getName().startsWith("dev.hyperlab.api.")) {
                    out.add(c);
                }
            }
            case ParameterizedType p -> {
                collect(p.getRawType(), out);
                for (Type a : p.getActualTypeArguments()) {
                    collect(a, out);
                }
            }
            case GenericArrayType a -> collect(a.getGenericComponentType(), out);
            case WildcardType w -> {
                for (Type b : w.getUpperBounds()) {
                    collect(b, out);
                }
                for (Type b : w.getLowerBounds()) {
                    collect(b, out);
                }
            }
            default -> { }
        }
    }
}
