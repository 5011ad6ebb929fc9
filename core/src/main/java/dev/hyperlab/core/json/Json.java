package dev.hyperlab.core.json;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Core's one JSON helper, on jackson-core's streaming API: trees of maps, lists, strings, numbers, booleans and nulls
 * written and parsed. {@link #write} sorts each object's keys, so the same content always gives the same bytes (the
 * backup repository's content-addressed files depend on it) whatever map the caller used; {@link #writeInOrder} keeps
 * the order the caller gave, for records shaped like another tool's output ({@code qemu-img info --output=json}).
 * Parsed objects keep the order of the file. It depends on nothing else in core, so every package may use it.
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
            write(g, tree, "$", true);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * {@code tree} on one line with no newline, each object's keys in the order its map gives them (a
     * {@link LinkedHashMap} for a fixed order). Control characters other than tab, newline and return are written as
     * lower-case six-character escapes (backslash, u, four hex digits), as storage wrote them before.
     *
     * @throws IllegalArgumentException for a value {@link #write(Object)} would refuse
     */
    public static String writeInOrder(Object tree) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setCharacterEscapes(LowerCaseControlEscapes.INSTANCE);
            write(g, tree, "$", false);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
        return out.toString();
    }

    /** Escapes as jackson does, but control characters (tab, newline and return aside) in lower-case hex. */
    private static final class LowerCaseControlEscapes extends CharacterEscapes {
        static final LowerCaseControlEscapes INSTANCE = new LowerCaseControlEscapes();
        private static final long serialVersionUID = 1L;
        private final int[] codes = standardAsciiEscapesForJSON();

        private LowerCaseControlEscapes() {
            for (int c = 0; c < 0x20; c++) {
                if (c != '\t' && c != '\n' && c != '\r') {
                    codes[c] = ESCAPE_CUSTOM;
                }
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return codes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            // asked for every character past ASCII too: those are written as they are (null: no escape)
            return ch < 0x20 ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }

    private static void write(JsonGenerator g, Object v, String path, boolean sortKeys) throws IOException {
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
            case Float f -> write(g, f.doubleValue(), path, sortKeys);
            case Map<?, ?> m -> {
                Map<String, Object> fields = sortKeys ? new TreeMap<>() : new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!(e.getKey() instanceof String key)) {
                        throw new IllegalArgumentException("JSON object keys must be strings (at " + path + ")");
                    }
                    fields.put(key, e.getValue());
                }
                g.writeStartObject();
                for (Map.Entry<String, Object> e : fields.entrySet()) {
                    g.writeFieldName(e.getKey());
                    write(g, e.getValue(), path + "." + e.getKey(), sortKeys);
                }
                g.writeEndObject();
            }
            case List<?> l -> {
                g.writeStartArray();
                for (int i = 0; i < l.size(); i++) {
                    write(g, l.get(i), path + "[" + i + "]", sortKeys);
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
     * @throws IOException naming {@code what} when the bytes are not one well-formed document
     */
    public static Object parse(byte[] data, String what) throws IOException {
        return parse(data, 0, data.length, what);
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
        } catch (JacksonException e) {
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
}
