package dev.hyperlab.shell.render;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * An aligned text table: a header in capitals, then rows, columns padded to their widest cell (ANSI colours do not
 * count). Numbers are right-aligned when a column is marked so.
 *
 * <pre>{@code
 * new Table("NAME", "STATE").row("web1", "running").print(out);
 * }</pre>
 */
public final class Table {
    private final String[] header;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = header;
        this.right = new boolean[header.length];
    }

    /** Right-aligns column {@code i} (numbers, sizes, durations). */
    public Table alignRight(int... columns) {
        for (int c : columns) {
            right[c] = true;
        }
        return this;
    }

    public Table row(Object... cells) {
        String[] r = new String[header.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length && cells[i] != null ? Printable.of(cells[i].toString()) : "";
        }
        rows.add(r);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public void print(PrintWriter out, Style style) {
        int[] w = new int[header.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = header[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], Style.width(r[i]));
            }
        }
        String[] styledHeader = new String[header.length];
        for (int i = 0; i < header.length; i++) {
            styledHeader[i] = style.bold(header[i]);
        }
        line(out, styledHeader, w);
        for (String[] r : rows) {
            line(out, r, w);
        }
    }

    private void line(PrintWriter out, String[] cells, int[] w) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            boolean last = i == cells.length - 1;
            int pad = w[i] - Style.width(cells[i]);
            if (right[i]) {
                b.append(" ".repeat(pad)).append(cells[i]);
            } else {
                b.append(cells[i]);
                if (!last) {
                    b.append(" ".repeat(pad));
                }
            }
            if (!last) {
                b.append("  ");
            }
        }
        out.println(b.toString().stripTrailing());
    }
}
