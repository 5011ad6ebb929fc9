package dev.hyperlab.core.engine;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reading and writing the parts of a saved lab document that each stateful class saves and restores itself: typed
 * accessors (a damaged file gives a clear message, not a ClassCastException) and the shapes several classes share.
 */
final class SavedDoc {
    private SavedDoc() {}

    static long num(Map<String, Object> m, String key) throws IOException {
        if (m.get(key) instanceof Long l) {
            return l;
        }
        throw new IOException("saved lab: '" + key + "' missing or not an integer");
    }

    static double dbl(Map<String, Object> m, String key) throws IOException {
        if (m.get(key) instanceof Number n) {
            return n.doubleValue();
        }
        throw new IOException("saved lab: '" + key + "' missing or not a number");
    }

    static String str(Map<String, Object> m, String key) throws IOException {
        if (m.get(key) instanceof String s) {
            return s;
        }
        throw new IOException("saved lab: '" + key + "' missing or not a string");
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Map<String, Object> m, String key) throws IOException {
        if (m.get(key) instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new IOException("saved lab: '" + key + "' missing or not a list");
    }

    static List<String> strings(Map<String, Object> m, String key) throws IOException {
        List<String> out = new ArrayList<>();
        for (Object o : list(m, key)) {
            out.add((String) o);
        }
        return out;
    }

    static void writeRows(JsonGenerator g, String field, List<long[]> rows) throws IOException {
        g.writeArrayFieldStart(field);
        for (long[] r : rows) {
            g.writeArray(r, 0, r.length);
        }
        g.writeEndArray();
    }

    static List<long[]> rows(Map<String, Object> m, String key) throws IOException {
        List<long[]> out = new ArrayList<>();
        for (Object o : list(m, key)) {
            List<?> l = (List<?>) o;
            long[] r = new long[l.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = (Long) l.get(i);
            }
            out.add(r);
        }
        return out;
    }

    static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
