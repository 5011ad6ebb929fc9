package dev.hyperlab.shell.render;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A record shown as aligned {@code label  value} lines ({@code host info}, {@code lab info}); empty values are left
 * out so the view stays short.
 */
public final class Fields {
    private final List<String[]> lines = new ArrayList<>();

    public Fields add(String label, Object value) {
        String v = value == null ? "" : Printable.of(value.toString());
        if (!v.isEmpty()) {
            lines.add(new String[] {label, v});
        }
        return this;
    }

    public void print(PrintWriter out, Style style) {
        int w = lines.stream().mapToInt(l -> l[0].length()).max().orElse(0);
        for (String[] l : lines) {
            out.println(style.bold(l[0]) + " ".repeat(w - l[0].length() + 2) + l[1]);
        }
    }
}
