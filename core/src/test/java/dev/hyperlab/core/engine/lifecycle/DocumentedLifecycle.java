package dev.hyperlab.core.engine.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lifecycle table an api.lab interface documents in its Javadoc ({@code <p>Lifecycle ...<pre>}), read from its
 * source: for each (state, request) pair listed, the first state or words after the arrow.
 */
final class DocumentedLifecycle {
    /** {@code from -- request --> leads to [--> ...]   (comment)}. */
    private static final Pattern ROW = Pattern.compile("^(.+?)\\s+--\\s+(.+?)\\s+-->\\s+(.+?)(?:\\s+-->.*?)?"
            + "(?:\\s{2,}\\(.*\\))?$");

    private DocumentedLifecycle() {}

    /** (state id, request words) to where it leads, for every pair the table of {@code type}'s source lists. */
    static Map<List<String>, String> of(String type, List<String> states) throws IOException {
        Path root = Path.of("").toAbsolutePath();
        Path repo = Files.exists(root.resolve("api")) ? root : root.getParent();
        String source = Files.readString(repo.resolve("api/src/main/java/dev/hyperlab/api/lab/" + type + ".java"));
        int start = source.indexOf("<pre>", source.indexOf("<p>Lifecycle"));
        int end = source.indexOf("</pre>", start);
        if (source.indexOf("<p>Lifecycle") < 0 || start < 0 || end < 0) {
            throw new IllegalArgumentException(type + ".java documents no lifecycle table");
        }
        Map<List<String>, String> out = new LinkedHashMap<>();
        for (String line : source.substring(start + "<pre>".length(), end).split("\n")) {
            String row = line.replaceFirst("^\\s*\\*", "").strip();
            if (row.isEmpty()) {
                continue;
            }
            Matcher m = ROW.matcher(row);
            if (!m.matches()) {
                throw new IllegalArgumentException(type + ".java: a lifecycle row that does not read: " + row);
            }
            for (String from : states(m.group(1), states)) {
                String before = out.put(List.of(from, m.group(2)), m.group(3));
                if (before != null) {
                    throw new IllegalArgumentException(type + ".java: " + from + " -- " + m.group(2) + " twice");
                }
            }
        }
        return out;
    }

    /** {@code any}, {@code any but a/b} or {@code a/b}, as state ids. */
    private static List<String> states(String text, List<String> all) {
        List<String> out = new ArrayList<>();
        if (text.equals("any")) {
            out.addAll(all);
        } else if (text.startsWith("any but ")) {
            List<String> but = List.of(text.substring("any but ".length()).split("/"));
            all.stream().filter(s -> !but.contains(s)).forEach(out::add);
        } else {
            out.addAll(List.of(text.split("/")));
        }
        for (String s : out) {
            if (!all.contains(s)) {
                throw new IllegalArgumentException("'" + s + "' is not a state (" + all + ")");
            }
        }
        return out;
    }
}
