package dev.hyperlab.core.backup;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON for the repository's small files (config, key files, manifests). Objects are written with their keys sorted, so
 * the same content always gives the same bytes and therefore the same content-addressed name, whatever map the
 * caller used. Parsed objects keep the order of the file. Public for the other JSON peers of core (the QEMU monitor).
 */
public final class Json {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private Json() {}

    /**
     * Serialises maps (String keys), lists, strings, numbers, booleans and nulls.
     *
     * @throws IllegalArgumentException for any other value, naming its path in the tree
     */
    public static byte[] write(Object tree) {
        return write(tree, true);
    }

    /** As {@link #write(Object)}, on one line (for line-based peers: a JSON document a line, then a newline). */
    public static byte[] writeLine(Object tree) {
        return write(tree, false);
    }

    private static byte[] write(Object tree, boolean pretty) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            write(g, tree, "$");
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, Object v, String path) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Short s -> g.writeNumber(s);
            case Byte b -> g.writeNumber(b);
            case BigInteger b -> g.writeNumber(b);
            case BigDecimal b -> g.writeNumber(b);
            case Double d -> {
                if (d.isNaN() || d.isInfinite()) {
                    throw new IllegalArgumentException("JSON has no " + d + " (at " + path + ")");
                }
                g.writeNumber(d);
            }
            case Float f -> write(g, f.doubleValue(), path);
            case Map<?, ?> m -> {
                TreeMap<String, Object> sorted = new TreeMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!(e.getKey() instanceof String key)) {
                        throw new IllegalArgumentException("JSON object keys must be strings (at " + path + ")");
                    }
                    sorted.put(key, e.getValue());
                }
                g.writeStartObject();
                for (Map.Entry<String, Object> e : sorted.entrySet()) {
                    g.writeFieldName(e.getKey());
                    write(g, e.getValue(), path + "." + e.getKey());
                }
                g.writeEndObject();
            }
            case List<?> l -> {
                g.writeStartArray();
                for (int i = 0; i < l.size(); i++) {
                    write(g, l.get(i), path + "[" + i + "]");
                }
                g.writeEndArray();
            }
            default -> throw new IllegalArgumentException(
                    "cannot store a " + v.getClass().getSimpleName() + " as JSON (at " + path + ")");
        }
    }

    /**
     * Parses one JSON document into maps, lists, strings, longs or big integers, doubles, booleans and nulls.
     *
     * @throws RepositoryException naming {@code what} when the bytes are not one well-formed document
     */
    static Object parse(byte[] data, String what) throws RepositoryException {
        try {
            return parse(data, 0, data.length, what);
        } catch (IOException e) {
            if (e instanceof RepositoryException re) {
                throw re;
            }
            throw new RepositoryException(e.getMessage(), e);
        }
    }

    /**
     * Parses one JSON document in {@code data[offset, offset+length)} into the tree {@link #parse(byte[], String)}
     * gives.
     *
     * @throws IOException naming {@code what} when the bytes are not one well-formed document
     */
    public static Object parse(byte[] data, int offset, int length, String what) throws IOException {
        try (JsonParser p = FACTORY.createParser(data, offset, length)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IOException(what + " is empty");
            }
            Object v = read(p, t);
            if (p.nextToken() != null) {
                throw new IOException(what + " has data after its JSON document");
            }
            return v;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(what + " is not valid JSON: " + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static Object read(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    m.put(name, read(p, p.nextToken()));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    l.add(read(p, e));
                }
                yield l;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? p.getBigIntegerValue()
                    : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected " + t);
        };
    }

    /** A required field of an object, with a clear message when it is missing or of the wrong type. */
    static <T> T field(Map<?, ?> obj, String name, Class<T> type, String what) throws RepositoryException {
        Object v = obj.get(name);
        if (!type.isInstance(v)) {
            throw new RepositoryException(what + " lacks field \"" + name + "\" (or it is not a "
                    + type.getSimpleName().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        return type.cast(v);
    }

    /** A required object. */
    static Map<?, ?> object(Object v, String what) throws RepositoryException {
        if (!(v instanceof Map<?, ?> m)) {
            throw new RepositoryException(what + " is not a JSON object");
        }
        return m;
    }

    /** A required whole number field. */
    static long longField(Map<?, ?> obj, String name, String what) throws RepositoryException {
        return field(obj, name, Long.class, what);
    }
}
