package dev.hyperlab.shell.render;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes the facade's values as JSON, the way the shell contract wants them: a record becomes an object whose
 * fields are its component names (so {@code VmInfo} gives {@code name}, {@code host}, {@code state}, ...), an enum
 * its lower-case id ({@code running}, {@code cpu}), a {@link Duration} lab-time seconds as a number, sizes stay bytes,
 * an empty {@link Optional} {@code null}. Later features' records get the same treatment with no code here.
 *
 * <p>Streaming Jackson (jackson-core) only: databind would cost start-up time for nothing.
 */
public final class Json {
    private static final Map<Class<?>, Method> ENUM_IDS = new ConcurrentHashMap<>();

    private Json() {}

    /** Writes {@code value} as one pretty-printed JSON document and a newline. */
    public static void write(Object value, Writer out) {
        write(value, out, true);
    }

    /** Writes {@code value} on one line and a newline: a line of JSON Lines ({@code events --json}). */
    public static void line(Object value, Writer out) {
        write(value, out, false);
    }

    private static void write(Object value, Writer out, boolean pretty) {
        try {
            JsonGenerator g = new JsonFactory().createGenerator(out);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            value(g, value);
            g.flush();
            out.write(System.lineSeparator());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lab time in seconds, exact to the nanosecond and without exponent: {@code 124.774001112}, {@code 6}. */
    public static BigDecimal seconds(Duration d) {
        BigDecimal s = BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9));
        return s.signum() == 0 ? BigDecimal.ZERO : s.stripTrailingZeros();
    }

    private static void value(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case BigDecimal d -> g.writeNumber(d.toPlainString());
            case Double d -> g.writeNumber(d);
            case Number n -> g.writeNumber(n.toString());
            case Duration d -> g.writeNumber(seconds(d).toPlainString());
            case Optional<?> o -> value(g, o.orElse(null));
            case Enum<?> e -> g.writeString(enumId(e));
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    value(g, e.getValue());
                }
                g.writeEndObject();
            }
            case Collection<?> c -> {
                g.writeStartArray();
                for (Object o : c) {
                    value(g, o);
                }
                g.writeEndArray();
            }
            case Record r -> {
                g.writeStartObject();
                for (RecordComponent rc : r.getClass().getRecordComponents()) {
                    g.writeFieldName(rc.getName());
                    value(g, get(rc, r));
                }
                g.writeEndObject();
            }
            default -> g.writeString(v.toString());
        }
    }

    private static Object get(RecordComponent rc, Record r) {
        try {
            Method m = rc.getAccessor();
            m.setAccessible(true);
            return m.invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + rc, e);
        }
    }

    /** The enum's {@code id()} (every api enum has one), else its name in lower case. */
    public static String enumId(Enum<?> e) {
        Method id = ENUM_IDS.computeIfAbsent(e.getDeclaringClass(), c -> {
            try {
                return c.getMethod("id");
            } catch (NoSuchMethodException x) {
                return null;
            }
        });
        if (id != null) {
            try {
                return String.valueOf(id.invoke(e));
            } catch (ReflectiveOperationException x) {
                // fall through to the name
            }
        }
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
