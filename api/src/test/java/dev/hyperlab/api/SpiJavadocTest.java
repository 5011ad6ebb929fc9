package dev.hyperlab.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.source.doctree.DocCommentTree;
import com.sun.source.doctree.DocTree;
import com.sun.source.doctree.ParamTree;
import com.sun.source.util.DocTrees;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.tools.DocumentationTool;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import jdk.javadoc.doclet.DocletEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The spi is what plugin authors implement from its Javadoc alone: every public type, method, constructor, field,
 * enum constant and record component of {@code dev.hyperlab.api.spi} says what it means. The JDK's javadoc tool runs
 * {@link Undocumented} over the package's sources (nested types included) and lists what has no words.
 */
class SpiJavadocTest {
    @Test
    void everyMemberOfTheSpiIsDocumented() throws Exception {
        Path here = Path.of("").toAbsolutePath();
        Path module = Files.isDirectory(here.resolve("baseline")) ? here : here.resolve("api");
        DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
        StringWriter log = new StringWriter();
        try (StandardJavaFileManager files = javadoc.getStandardFileManager(null, null, StandardCharsets.UTF_8);
                Stream<Path> list = Files.list(module.resolve("src/main/java/dev/hyperlab/api/spi"))) {
            List<Path> sources = list.filter(p -> p.toString().endsWith(".java")).sorted().toList();
            boolean ok = javadoc.getTask(log, files, null, Undocumented.class,
                    List.of("-classpath", System.getProperty("java.class.path"), "-quiet"),
                    files.getJavaFileObjectsFromPaths(sources)).call();
            assertThat(ok).as("javadoc failed:\n" + log).isTrue();
        }
        assertThat(Undocumented.found).as("spi elements without Javadoc").isNotNull().isEmpty();
    }

    /** A doclet that lists the public elements of what it is given that have no doc comment. */
    public static final class Undocumented extends OptionlessDoclet {
        static volatile List<String> found;

        private DocTrees trees;
        private final List<String> missing = new ArrayList<>();

        @Override
        public String getName() {
            return "undocumented";
        }

        @Override
        public boolean run(DocletEnvironment env) {
            trees = env.getDocTrees();
            for (TypeElement t : ElementFilter.typesIn(env.getIncludedElements())) {
                if (t.getModifiers().contains(Modifier.PUBLIC)) {
                    type(env, t);
                }
            }
            found = List.copyOf(missing);
            return true;
        }

        private void type(DocletEnvironment env, TypeElement t) {
            DocCommentTree doc = trees.getDocCommentTree(t);
            check(t, doc, t.getQualifiedName().toString());
            if (t.getKind() == ElementKind.RECORD) {
                List<String> params = doc == null ? List.of() : doc.getBlockTags().stream()
                        .filter(b -> b.getKind() == DocTree.Kind.PARAM)
                        .map(b -> ((ParamTree) b).getName().getName().toString()).toList();
                for (RecordComponentElement c : t.getRecordComponents()) {
                    if (!params.contains(c.getSimpleName().toString())) {
                        missing.add(t.getQualifiedName() + ": record component " + c.getSimpleName() + " (@param)");
                    }
                }
            }
            for (Element e : t.getEnclosedElements()) {
                boolean visible = e.getModifiers().contains(Modifier.PUBLIC)
                        || t.getKind().isInterface() && !e.getModifiers().contains(Modifier.PRIVATE);
                if (!visible || trees.getPath(e) == null
                        || env.getElementUtils().getOrigin(e) == javax.lang.model.util.Elements.Origin.MANDATED) {
                    continue; // not in the source: a record's accessors (its @param says them), an enum's values()
                }
                switch (e.getKind()) {
                    case METHOD, CONSTRUCTOR, FIELD, ENUM_CONSTANT ->
                            check(e, trees.getDocCommentTree(e), t.getQualifiedName() + "." + e);
                    default -> { }
                }
            }
        }

        private void check(Element e, DocCommentTree doc, String name) {
            if (doc == null || doc.getFullBody().isEmpty() && doc.getBlockTags().isEmpty()) {
                missing.add(name);
            }
        }
    }
}
