package dev.hyperlab.shell.script;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.hyperlab.shell.render.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * Facade results as script values, by the rules {@code --json} follows ({@link Json}), so a script sees what the
 * JSON of the same command shows: a record is an object of its components, an enum its id ({@code "running"}), a
 * {@link Duration} lab-time seconds as a number, sizes bytes, an empty {@link Optional} {@code null}, a list an array,
 * bytes ({@code Disk.readFile}) an array of numbers 0 to 255.
 * A facade object (a host, a VM) becomes a {@link FacadeHandle} the prelude turns into an object with its methods.
 * Generic: a record the facade gains later is marshalled with no code here.
 *
 * <p>A result that is data only reaches the script as JSON text ({@link #result}, {@link JsonText}); one with a facade
 * object in it (a list of VMs) as proxies. The prelude makes plain JavaScript objects and arrays of either (so a
 * script can push to an array, add a field, sort).
 */
final class ToScript {
    private static final Map<Class<?>, List<Accessor>> RECORDS = new ConcurrentHashMap<>();

    private record Accessor(String name, Method method) {}

    /** Made once: a factory's symbol tables cost more to set up than a small result costs to write. */
    private static final JsonFactory JSON = new JsonFactory();

    private ToScript() {}

    /**
     * A facade method's result for the script: a record, list or map that holds data only as {@link JsonText}, which
     * the prelude parses into the same JavaScript value it would have copied from the proxies of {@link #value};
     * anything else (a facade object, bytes, a number JSON cannot carry) as {@link #value} gives it.
     */
    static Object result(Object value, boolean owned) {
        if (value instanceof Record || value instanceof Collection<?> || value instanceof Map<?, ?>) {
            StringWriter out = new StringWriter(256);
            try (JsonGenerator g = JSON.createGenerator(out)) {
                if (data(g, value)) {
                    g.flush();
                    return new JsonText(out.toString());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a StringWriter does not fail
            }
        }
        return value(value, owned);
    }

    /**
     * Writes {@code v} as {@link #value} would give it; false, with the output left unfinished, at the first thing
     * that is not plain data (a facade object, bytes, a number that is not finite).
     */
    private static boolean data(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Number n -> {
                return finite(g, n.doubleValue());
            }
            case Duration d -> g.writeNumber(seconds(d));
            case Optional<?> o -> {
                return data(g, o.orElse(null));
            }
            case Enum<?> e -> g.writeString(Json.enumId(e));
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    if (!data(g, e.getValue())) {
                        return false;
                    }
                }
                g.writeEndObject();
            }
            case Collection<?> c -> {
                g.writeStartArray();
                for (Object o : c) {
                    if (!data(g, o)) {
                        return false;
                    }
                }
                g.writeEndArray();
            }
            case Record r -> {
                g.writeStartObject();
                for (Accessor a : RECORDS.computeIfAbsent(r.getClass(), ToScript::accessors)) {
                    g.writeFieldName(a.name());
                    if (!data(g, read(a, r))) {
                        return false;
                    }
                }
                g.writeEndObject();
            }
            case byte[] b -> {
                return false; // read in place as a proxy (a disk's file may be large)
            }
            default -> {
                if (FacadeTypes.typeOf(v).isPresent()) {
                    return false;
                }
                g.writeString(v.toString());
            }
        }
        return true;
    }

    /** A double as JSON carries it; NaN and the infinities have no JSON form. */
    private static boolean finite(JsonGenerator g, double d) throws IOException {
        if (!Double.isFinite(d)) {
            return false;
        }
        g.writeNumber(d);
        return true;
    }

    /**
     * @param value a facade result
     * @param owned whether a facade object in it was made for the script ({@code fork()}): the script may close it
     */
    static Object value(Object value, boolean owned) {
        return switch (value) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Integer i -> i;
            case Long l -> l;
            case Double d -> d;
            case Number n -> n.doubleValue();
            case Duration d -> seconds(d);
            case Optional<?> o -> value(o.orElse(null), owned);
            case Enum<?> e -> Json.enumId(e);
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), value(v, owned)));
                yield ProxyObject.fromMap(out);
            }
            case Collection<?> c -> {
                List<Object> out = new ArrayList<>(c.size());
                for (Object o : c) {
                    out.add(value(o, owned));
                }
                yield ProxyArray.fromList(out);
            }
            case Record r -> record(r, owned);
            case byte[] b -> bytes(b);
            default -> FacadeTypes.typeOf(value).<Object>map(t -> new FacadeHandle(value, t, owned))
                    .orElseGet(value::toString);
        };
    }

    /** Bytes as an array of unsigned numbers, read in place: what a script decodes with String.fromCharCode. */
    private static ProxyArray bytes(byte[] b) {
        return new ProxyArray() {
            @Override
            public Object get(long index) {
                return b[(int) index] & 0xff;
            }

            @Override
            public void set(long index, org.graalvm.polyglot.Value value) {
                throw new UnsupportedOperationException("read-only bytes");
            }

            @Override
            public long getSize() {
                return b.length;
            }
        };
    }

    /** Lab-time seconds, to the nanosecond as far as a double carries it. */
    static double seconds(Duration d) {
        return d.getSeconds() + d.getNano() / 1e9;
    }

    private static ProxyObject record(Record r, boolean owned) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Accessor a : RECORDS.computeIfAbsent(r.getClass(), ToScript::accessors)) {
            out.put(a.name(), value(read(a, r), owned));
        }
        return ProxyObject.fromMap(out);
    }

    private static Object read(Accessor a, Record r) {
        try {
            return a.method().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + r.getClass().getSimpleName() + "." + a.name(), e);
        }
    }

    private static List<Accessor> accessors(Class<?> type) {
        List<Accessor> out = new ArrayList<>();
        for (RecordComponent rc : type.getRecordComponents()) {
            Method m = rc.getAccessor();
            m.setAccessible(true); // a record nested in a non-public class
            out.add(new Accessor(rc.getName(), m));
        }
        return List.copyOf(out);
    }
}
