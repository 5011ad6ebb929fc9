package dev.hyperlab.shell.script;

import dev.hyperlab.shell.render.Json;
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
 * <p>The values made here are proxies; the prelude copies them into plain JavaScript objects and arrays (so a script
 * can push to an array, add a field, sort), which costs less there, compiled with the script, than one call into
 * the script engine per field from here.
 */
final class ToScript {
    private static final Map<Class<?>, List<Accessor>> RECORDS = new ConcurrentHashMap<>();

    private record Accessor(String name, Method method) {}

    private ToScript() {}

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
            try {
                out.put(a.name(), value(a.method().invoke(r), owned));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + r.getClass().getSimpleName() + "." + a.name(), e);
            }
        }
        return ProxyObject.fromMap(out);
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
