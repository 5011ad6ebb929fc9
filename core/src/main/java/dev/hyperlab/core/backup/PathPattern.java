package dev.hyperlab.core.backup;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A pattern for {@code --exclude} and {@code --include}, matched against an entry's absolute path in the backup, as
 * restic matches them: {@code *} is any run of bytes within one name, {@code ?} one byte, {@code [abc]},
 * {@code [a-z]} and {@code [!a]} one byte of a set, {@code **} any number of whole names. A pattern that starts with
 * {@code /} is anchored at the root ({@code /var/cache/**}); any other is matched at every depth ({@code *.tmp}
 * matches {@code /a/b.tmp}, {@code cache/*.bin} matches {@code /home/x/cache/y.bin}). Names are bytes: {@code \xNN}
 * stands for a byte (so names that are not UTF-8 can be matched, in the form {@code backup ls} prints them), and
 * {@code \\}, {@code \*}, {@code \?}, {@code \[} for the character itself.
 */
final class PathPattern {
    private static final int STAR = -1;
    private static final int ONE = -2;
    /** Tokens below this are sets: {@code SET - k} is {@code sets.get(k)}. */
    private static final int SET = -100;

    private final String text;
    /** Per name of the pattern: its tokens, or null for {@code **}. */
    private final List<int[]> segments;
    private final List<boolean[]> sets = new ArrayList<>();

    private PathPattern(String text) {
        this.text = text;
        String body = text.startsWith("/") ? text.substring(1) : "**/" + text;
        while (body.endsWith("/")) {
            body = body.substring(0, body.length() - 1);
        }
        segments = new ArrayList<>();
        for (String seg : body.split("/", -1)) {
            if (seg.isEmpty()) {
                continue;
            }
            segments.add(seg.equals("**") ? null : tokens(seg));
        }
    }

    /**
     * Compiles {@code text}.
     *
     * @throws RepositoryException when it is empty or a set is not closed
     */
    static PathPattern compile(String text) throws RepositoryException {
        if (text == null || text.isBlank()) {
            throw new RepositoryException("empty pattern (give a name such as *.tmp or a path such as /var/cache)");
        }
        try {
            return new PathPattern(text);
        } catch (IllegalArgumentException e) {
            throw new RepositoryException("bad pattern " + DiskNames.quote(text) + ": " + e.getMessage());
        }
    }

    /** Every pattern of {@code texts}, compiled; the first bad one refuses them all. */
    static List<PathPattern> compileAll(List<String> texts) throws RepositoryException {
        List<PathPattern> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(compile(t));
        }
        return out;
    }

    /** The pattern as given. */
    String text() {
        return text;
    }

    private int[] tokens(String seg) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < seg.length(); ) {
            char c = seg.charAt(i);
            if (c == '\\' && i + 3 < seg.length() && seg.charAt(i + 1) == 'x' && ByteNames.hex(seg.charAt(i + 2)) >= 0
                    && ByteNames.hex(seg.charAt(i + 3)) >= 0) {
                out.add(ByteNames.hex(seg.charAt(i + 2)) << 4 | ByteNames.hex(seg.charAt(i + 3)));
                i += 4;
            } else if (c == '\\' && i + 1 < seg.length()) {
                i = literal(seg, i + 1, out);
            } else if (c == '*') {
                while (i < seg.length() && seg.charAt(i) == '*') {
                    i++;
                }
                out.add(STAR);
            } else if (c == '?') {
                out.add(ONE);
                i++;
            } else if (c == '[') {
                i = set(seg, i + 1, out);
            } else {
                i = literal(seg, i, out);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Adds the UTF-8 bytes of the character at {@code i}; returns the index after it. */
    private static int literal(String s, int i, List<Integer> out) {
        int cp = s.codePointAt(i);
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
            out.add(b & 0xff);
        }
        return i + Character.charCount(cp);
    }

    private int set(String s, int i, List<Integer> out) {
        boolean[] in = new boolean[256];
        boolean negate = i < s.length() && (s.charAt(i) == '!' || s.charAt(i) == '^');
        if (negate) {
            i++;
        }
        boolean first = true;
        while (true) {
            if (i >= s.length()) {
                throw new IllegalArgumentException("'[' without ']'");
            }
            char c = s.charAt(i);
            if (c == ']' && !first) {
                i++;
                break;
            }
            first = false;
            int lo = c;
            i++;
            if (c == '\\' && i < s.length()) {
                lo = s.charAt(i++);
            }
            int hi = lo;
            if (i + 1 < s.length() && s.charAt(i) == '-' && s.charAt(i + 1) != ']') {
                hi = s.charAt(i + 1);
                i += 2;
            }
            for (int b = lo; b <= hi && b < 256; b++) {
                in[b] = true;
            }
        }
        if (negate) {
            for (int b = 0; b < 256; b++) {
                in[b] = !in[b];
            }
        }
        in['/'] = false;
        sets.add(in);
        out.add(SET - (sets.size() - 1));
        return i;
    }

    /** Whether the entry at {@code path} (its names from the root, as bytes) matches. */
    boolean matches(List<byte[]> path) {
        return matchFrom(0, path, 0);
    }

    private boolean matchFrom(int p, List<byte[]> path, int n) {
        if (p == segments.size()) {
            return n == path.size();
        }
        int[] seg = segments.get(p);
        if (seg == null) {
            for (int k = n; k <= path.size(); k++) {
                if (matchFrom(p + 1, path, k)) {
                    return true;
                }
            }
            return false;
        }
        return n < path.size() && glob(seg, path.get(n)) && matchFrom(p + 1, path, n + 1);
    }

    /**
     * Whether some entry below the directory at {@code dir} could match: false only when the pattern's names, read
     * from the root, already differ from the directory's (a restore then need not look inside).
     */
    boolean mayMatchBelow(List<byte[]> dir) {
        for (int i = 0; i < dir.size(); i++) {
            if (i >= segments.size()) {
                return false;
            }
            int[] seg = segments.get(i);
            if (seg == null) {
                return true;
            }
            if (!glob(seg, dir.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** One name against one segment's tokens: greedy with backtracking to the last star, linear for one star. */
    private boolean glob(int[] t, byte[] name) {
        int ti = 0;
        int ni = 0;
        int starT = -1;
        int starN = 0;
        while (ni < name.length) {
            if (ti < t.length && t[ti] == STAR) {
                starT = ti++;
                starN = ni;
            } else if (ti < t.length && one(t[ti], name[ni] & 0xff)) {
                ti++;
                ni++;
            } else if (starT >= 0) {
                ti = starT + 1;
                ni = ++starN;
            } else {
                return false;
            }
        }
        while (ti < t.length && t[ti] == STAR) {
            ti++;
        }
        return ti == t.length;
    }

    private boolean one(int token, int b) {
        if (token >= 0) {
            return token == b;
        }
        if (token == ONE) {
            return true;
        }
        return token <= SET && sets.get(SET - token)[b];
    }
}
