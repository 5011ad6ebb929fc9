package dev.hyperlab.core.engine.persist;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading and writing the parts of a saved lab document that each stateful class saves and restores itself: typed
 * accessors (a damaged file gives a clear message, not a ClassCastException) and the shapes several classes share.
 */
public final class SavedDoc {
    private SavedDoc() {}

    public static long num(Map<String, Object> m, String key) throws IOException {
        if (m.get(key) instanceof Long l) {
            return l;
        }
        throw new IOException("saved lab: '" + key + "' missing or not an integer");
    }

    public static double dbl(Map<String, Object> m, String key) throws IOException {
        if (m.get(key) instanceof Number n) {
            return n.doubleValue();
        }
        throw new IOException("saved lab: '" + key + "' missing or not a number");
    }

    public static String str(Map<String, Object> m, String key) throws IOException {
        if (m.get(key) instanceof String s) {
            return s;
        }
        throw new IOException("saved lab: '" + key + "' missing or not a string");
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Map<String, Object> m, String key) throws IOException {
        if (m.get(key) instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new IOException("saved lab: '" + key + "' missing or not a list");
    }

    public static List<String> strings(Map<String, Object> m, String key) throws IOException {
        List<String> out = new ArrayList<>();
        for (Object o : list(m, key)) {
            out.add((String) o);
        }
        return out;
    }

    public static void writeRows(JsonGenerator g, String field, List<long[]> rows) throws IOException {
        g.writeArrayFieldStart(field);
        for (long[] r : rows) {
            g.writeArray(r, 0, r.length);
        }
        g.writeEndArray();
    }

    public static List<long[]> rows(Map<String, Object> m, String key) throws IOException {
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

    public static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** Writes a parsed value tree (maps, lists, strings, longs, doubles, booleans) back as it was read. */
    @SuppressWarnings("unchecked")
    public static void writeValue(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Long l -> g.writeNumber(l);
            case Integer i -> g.writeNumber(i.longValue());
            case Double d -> g.writeNumber(d);
            case Boolean b -> g.writeBoolean(b);
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                    g.writeFieldName(e.getKey());
                    writeValue(g, e.getValue());
                }
                g.writeEndObject();
            }
            case List<?> l -> {
                g.writeStartArray();
                for (Object o : l) {
                    writeValue(g, o);
                }
                g.writeEndArray();
            }
            default -> throw new IOException("cannot write " + v.getClass().getSimpleName() + " as JSON");
        }
    }

    /** A parsed JSON value tree built from plain maps and lists: small code, exact longs and doubles. */
    @SuppressWarnings("unchecked")
    public static Object parse(JsonParser p) throws IOException {
        JsonToken t = p.currentToken() == null ? p.nextToken() : p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    p.nextToken();
                    m.put(key, parse(p));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(parse(p));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected JSON token " + t);
        }
    }
}
