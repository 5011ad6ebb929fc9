package dev.hyperlab.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * docs/facade.md is the generated reference of the {@code api.lab} facade: the JDK's javadoc tool runs
 * {@link FacadeDoclet} over the package's sources, and a method, field or word of Javadoc that changed without the
 * file fails here. {@code -Dhyperlab.docs.write=true} rewrites it.
 */
class FacadeReferenceTest {
    private static Path module() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("baseline")) ? here : here.resolve("api");
    }

    @Test
    void docsFacadeMdIsTheReferenceOfTheFacadeAsDefined() throws Exception {
        Path sources = module().resolve("src/main/java/dev/hyperlab/api/lab");
        Path doc = module().resolveSibling("docs").resolve("facade.md");
        DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
        StringWriter log = new StringWriter();
        try (StandardJavaFileManager files = javadoc.getStandardFileManager(null, null, StandardCharsets.UTF_8);
                Stream<Path> list = Files.list(sources)) {
            List<Path> javaFiles = list.filter(p -> p.toString().endsWith(".java")).sorted().toList();
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(javaFiles);
            boolean ok = javadoc.getTask(log, files, null, FacadeDoclet.class,
                    List.of("-classpath", System.getProperty("java.class.path"), "-quiet"), units).call();
            assertThat(ok).as("javadoc failed:\n" + log).isTrue();
        }
        String generated = FacadeDoclet.markdown;
        if (Boolean.getBoolean("hyperlab.docs.write")) {
            Files.writeString(doc, generated);
        }
        assertThat(Files.readString(doc)).as("docs/facade.md differs from the facade; run ./mvnw -pl api test "
                + "-Dtest=FacadeReferenceTest -Dhyperlab.docs.write=true and review the diff").isEqualTo(generated);
        // every method a script can call is there, e.g. the snapshot methods automation.md did not list
        assertThat(generated).contains("## Vm (interface)", "| `void start()` |", "## SnapshotOptions (record)",
                "## Backups (interface)");
    }
}
