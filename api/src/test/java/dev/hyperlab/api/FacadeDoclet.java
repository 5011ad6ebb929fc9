package dev.hyperlab.api;

import com.sun.source.doctree.DocCommentTree;
import com.sun.source.doctree.DocTree;
import com.sun.source.doctree.EntityTree;
import com.sun.source.doctree.LinkTree;
import com.sun.source.doctree.LiteralTree;
import com.sun.source.doctree.ParamTree;
import com.sun.source.doctree.StartElementTree;
import com.sun.source.doctree.TextTree;
import com.sun.source.util.DocTrees;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import jdk.javadoc.doclet.DocletEnvironment;

/**
 * A doclet (run by the JDK's javadoc tool) that writes the facade reference, docs/facade.md: every public type of the
 * packages it is given, its description, and each method (signature and first sentence), record field and enum
 * constant with its own words from the Javadoc. {@link FacadeReferenceTest} runs it and keeps the file in step.
 */
public final class FacadeDoclet extends OptionlessDoclet {
    /** The markdown of the last run (the tool instantiates the doclet itself, in this JVM). */
    static volatile String markdown;

    private DocTrees trees;

    @Override
    public String getName() {
        return "hyperlab-facade";
    }

    @Override
    public boolean run(DocletEnvironment env) {
        trees = env.getDocTrees();
        List<TypeElement> types = ElementFilter.typesIn(env.getIncludedElements()).stream()
                .filter(t -> t.getModifiers().contains(Modifier.PUBLIC))
                .sorted(Comparator.comparing(t -> t.getQualifiedName().toString()))
                .toList();
        StringBuilder md = new StringBuilder();
        md.append("# The `api.lab` facade\n\n")
                .append("What scripts (`lab` in JavaScript, `lab` in Java snippets), plugins and Java programs call: every\n")
                .append("type of `dev.hyperlab.api.lab`, its methods, record fields and enum constants. Generated from the\n")
                .append("Javadoc by `FacadeReferenceTest` (api module; `-Dhyperlab.docs.write=true` rewrites it); the shell's\n")
                .append("commands are these calls (docs/commands.md). In JavaScript, sizes and durations may be strings\n")
                .append("(`'4GiB'`, `'2m'`), a record argument an object of its fields, and `Wait` is left out (scripts wait).\n");
        for (TypeElement t : types) {
            type(md, t);
        }
        markdown = md.toString();
        return true;
    }

    private void type(StringBuilder md, TypeElement t) {
        String kind = switch (t.getKind()) {
            case INTERFACE -> "interface";
            case RECORD -> "record";
            case ENUM -> "enum";
            case ANNOTATION_TYPE -> "annotation";
            default -> "class";
        };
        String pkg = elementPackage(t).getQualifiedName().toString();
        String name = t.getQualifiedName().toString().substring(pkg.length() + 1); // DiskInfo.SnapshotEntry
        md.append("\n## ").append(name).append(" (").append(kind).append(")\n\n");
        DocCommentTree doc = trees.getDocCommentTree(t);
        String body = doc == null ? "" : text(doc.getFullBody());
        if (!body.isEmpty()) {
            md.append(body).append("\n\n");
        }
        if (t.getKind() == ElementKind.RECORD) {
            Map<String, String> params = params(doc);
            md.append("| field | type | meaning |\n|---|---|---|\n");
            for (RecordComponentElement c : t.getRecordComponents()) {
                md.append("| `").append(c.getSimpleName()).append("` | `").append(simple(c.asType())).append("` | ")
                        .append(cell(params.getOrDefault(c.getSimpleName().toString(), ""))).append(" |\n");
            }
            md.append('\n');
        }
        if (t.getKind() == ElementKind.ENUM) {
            md.append("| constant | meaning |\n|---|---|\n");
            for (VariableElement c : ElementFilter.fieldsIn(t.getEnclosedElements())) {
                if (c.getKind() == ElementKind.ENUM_CONSTANT) {
                    md.append("| `").append(c.getSimpleName()).append("` | ").append(cell(first(c))).append(" |\n");
                }
            }
            md.append('\n');
        }
        List<ExecutableElement> methods = ElementFilter.methodsIn(t.getEnclosedElements()).stream()
                .filter(m -> t.getKind() == ElementKind.INTERFACE || m.getModifiers().contains(Modifier.PUBLIC))
                .filter(m -> !m.getModifiers().contains(Modifier.PRIVATE))
                .filter(m -> !isObjectMethod(m) || trees.getDocCommentTree(m) != null) // a record's equals and such
                .filter(m -> !isAccessor(t, m) && !isEnumBuiltIn(t, m))
                .toList();
        if (!methods.isEmpty()) {
            md.append("| method | what it does |\n|---|---|\n");
            for (ExecutableElement m : methods) {
                md.append("| `").append(signature(m)).append("` | ").append(cell(first(m))).append(" |\n");
            }
            md.append('\n');
        }
        trimTrailingBlank(md);
    }

    private static PackageElement elementPackage(Element e) {
        Element p = e;
        while (!(p instanceof PackageElement pe)) {
            p = p.getEnclosingElement();
        }
        return pe;
    }

    private static void trimTrailingBlank(StringBuilder md) {
        while (md.length() > 1 && md.charAt(md.length() - 1) == '\n' && md.charAt(md.length() - 2) == '\n') {
            md.setLength(md.length() - 1);
        }
    }

    private static boolean isObjectMethod(ExecutableElement m) {
        String n = m.getSimpleName().toString();
        return (n.equals("toString") || n.equals("hashCode")) && m.getParameters().isEmpty()
                || n.equals("equals") && m.getParameters().size() == 1;
    }

    private static boolean isAccessor(TypeElement t, ExecutableElement m) {
        return t.getKind() == ElementKind.RECORD && m.getParameters().isEmpty()
                && t.getRecordComponents().stream().anyMatch(c -> c.getSimpleName().equals(m.getSimpleName()));
    }

    private static boolean isEnumBuiltIn(TypeElement t, ExecutableElement m) {
        String n = m.getSimpleName().toString();
        return t.getKind() == ElementKind.ENUM && (n.equals("values") || n.equals("valueOf") && m.getParameters()
                .size() == 1 && m.getParameters().getFirst().asType().toString().equals("java.lang.String"));
    }

    private static String signature(ExecutableElement m) {
        String params = m.getParameters().stream().map(p -> simple(p.asType()) + " " + p.getSimpleName())
                .collect(Collectors.joining(", "));
        String prefix = m.getModifiers().contains(Modifier.STATIC) ? "static " : "";
        return prefix + simple(m.getReturnType()) + " " + m.getSimpleName() + "(" + params + ")";
    }

    /** A type without its packages: {@code java.util.List<dev.hyperlab.api.lab.Vm>} is {@code List<Vm>}. */
    private static String simple(TypeMirror t) {
        return t.toString().replaceAll("\\b[a-z][a-z0-9_]*\\.", "").replace("java.lang.", "");
    }

    /** The element's first sentence, or its own summary for a method that only inherits one. */
    private String first(Element e) {
        DocCommentTree doc = trees.getDocCommentTree(e);
        return doc == null ? "" : text(doc.getFirstSentence());
    }

    private Map<String, String> params(DocCommentTree doc) {
        Map<String, String> out = new TreeMap<>();
        if (doc != null) {
            for (DocTree tag : doc.getBlockTags()) {
                if (tag instanceof ParamTree p && !p.isTypeParameter()) {
                    out.put(p.getName().getName().toString(), text(p.getDescription()));
                }
            }
        }
        return out;
    }

    /** Javadoc as markdown: code as code, links as the name they show, paragraphs and pre blocks kept. */
    private static String text(List<? extends DocTree> body) {
        StringBuilder s = new StringBuilder();
        boolean pre = false;
        for (DocTree d : body) {
            switch (d) {
                case TextTree t -> s.append(!pre ? t.getBody().replaceAll("\\s*\n\\s*", " ")
                        : s.toString().endsWith("```\n") ? t.getBody().replaceFirst("^\n+", "") : t.getBody());
                case LiteralTree l -> s.append(pre ? l.getBody().getBody() : "`" + l.getBody().getBody() + "`");
                case LinkTree l -> s.append('`').append(l.getLabel().isEmpty() ? reference(l.getReference().getSignature())
                        : text(l.getLabel())).append('`');
                case EntityTree en -> s.append(switch (en.getName().toString()) {
                    case "lt" -> "<";
                    case "gt" -> ">";
                    case "amp" -> "&";
                    default -> "&" + en.getName() + ";";
                });
                case StartElementTree e when e.getName().contentEquals("p") -> s.append("\n\n");
                case StartElementTree e when e.getName().contentEquals("pre") -> {
                    pre = true;
                    s.append("\n\n```\n");
                }
                default -> {
                    if (d.getKind() == DocTree.Kind.END_ELEMENT && d.toString().equals("</pre>")) {
                        pre = false;
                        while (!s.isEmpty() && Character.isWhitespace(s.charAt(s.length() - 1))) {
                            s.setLength(s.length() - 1);
                        }
                        s.append("\n```\n\n");
                    } else if (d.getKind() != DocTree.Kind.END_ELEMENT && d.getKind() != DocTree.Kind.START_ELEMENT) {
                        s.append(d.toString().replaceAll("\\s*\n\\s*", " "));
                    }
                }
            }
        }
        return s.toString().replaceAll("(?m)[ \t]+$", "").replaceAll("\n{3,}", "\n\n").strip();
    }

    /** {@code Vm#start(Wait)} shows as {@code Vm.start(Wait)}, {@code #start()} as {@code start()}. */
    private static String reference(String sig) {
        String s = sig.startsWith("#") ? sig.substring(1) : sig.replace('#', '.');
        return s.replaceAll("\\b[a-z][a-z0-9_]*\\.", "");
    }

    /** A table cell: one line, pipes escaped. */
    private static String cell(String s) {
        return s.replace("\n```\n", " ").replace("```", "").replaceAll("\\s*\n\\s*", " ").replace("|", "\\|").strip();
    }
}
