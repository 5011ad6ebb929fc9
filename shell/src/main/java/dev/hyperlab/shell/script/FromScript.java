package dev.hyperlab.shell.script;

import dev.hyperlab.api.lab.Durations;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.graalvm.polyglot.Value;

/**
 * Script values as the parameters of a facade method, by the parameter's declared type, so a script writes what a
 * person types at the shell and the facade gets what a command would give it:
 *
 * <ul>
 *   <li>a {@link Duration}: {@code "30s"}, {@code "1m30s"} (parsed by {@link Durations}, as the commands do) or a
 *       number of seconds;
 *   <li>a {@code long}: a number, or a size as a string ({@code "4GiB"}, parsed by {@link Sizes}): the facade's
 *       {@code long} parameters are all sizes in bytes;
 *   <li>an enum: its id ({@code "running"}, {@code "type1"});
 *   <li>a record (a spec, a policy): an object with the record's component names as keys, where a component named
 *       {@code xxxBytes} is also {@code xxx} ({@code memory: "4GiB"} for {@code memoryBytes}; if both are given the
 *       short one wins, so {@code {...policy, swap: "8GiB"}} works); the components of its {@code of(...)} factory
 *       are required, the others take their empty value (for a setter of one setting, its current value); unknown
 *       keys are refused (a typo would otherwise be
 *       silently ignored). A record with a {@code parse(String)} method also takes that string ({@code "nvme:1TiB"});
 *   <li>a {@code List}: an array; a {@code String}: a string, or a handle with a name (a VM for its name);
 *   <li>a facade object: a handle the script got from the facade.
 * </ul>
 *
 * Anything else is refused with {@link LabException} ({@code INVALID}) naming the call and the argument, before the
 * facade is called: a bad argument changes nothing.
 */
final class FromScript {
    private static final String BYTES = "Bytes";
    private static final Map<Class<?>, RecordShape> SHAPES = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Optional<Method>> READERS = new ConcurrentHashMap<>();

    /** How a record is built from an object: its components, and which of them its {@code of} factory requires. */
    private record RecordShape(RecordComponent[] components, Constructor<?> constructor, Set<String> required,
            Map<String, Integer> index) {}

    private FromScript() {}

    /** Whether a script can pass every parameter of {@code m}. */
    static boolean accepts(Method m) {
        for (Type t : m.getGenericParameterTypes()) {
            if (!accepts(t, new HashSet<>())) {
                return false;
            }
        }
        return true;
    }

    private static boolean accepts(Type t, Set<Type> seen) {
        if (!seen.add(t)) {
            return true;
        }
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
                && (raw == List.class || raw == Collection.class || raw == Optional.class)) {
            return accepts(p.getActualTypeArguments()[0], seen);
        }
        if (!(t instanceof Class<?> c)) {
            return false;
        }
        if (c == String.class || c == int.class || c == Integer.class || c == long.class || c == Long.class
                || c == double.class || c == Double.class || c == boolean.class || c == Boolean.class
                || c == Duration.class || c.isEnum() || FacadeTypes.isFacade(c)) {
            return true;
        }
        if (c.isRecord()) {
            return Arrays.stream(c.getRecordComponents()).allMatch(rc -> accepts(rc.getGenericType(), seen));
        }
        return false;
    }

    /** The arguments of {@code m} from {@code args}; {@code call} names the call in messages ({@code lab.createVm}). */
    static Object[] arguments(Method m, List<Value> args, String call) {
        return arguments(m, args, call, null);
    }

    /**
     * {@link #arguments(Method, List, String)}, where {@code current} (when not null) is the setting a setter's one
     * record argument replaces: the fields the script leaves out keep its values, as {@code mem policy --swap 8GiB}
     * keeps the others (they took their empty values: {@code setMemoryPolicy({swap: '32GiB'})} turned ballooning and
     * page sharing off).
     */
    static Object[] arguments(Method m, List<Value> args, String call, Record current) {
        Type[] types = m.getGenericParameterTypes();
        Object[] out = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            String what = call + (types.length == 1 ? "" : " argument " + (i + 1));
            Value v = args.get(i);
            out[i] = current != null && types.length == 1 && types[0] == current.getClass() && v != null
                    && v.hasMembers() && !v.hasArrayElements() && !v.isString()
                    ? record(v, current.getClass(), what, current) : convert(v, types[i], what);
            if (out[i] == null) {
                // no facade method takes null: it was a NullPointerException inside the lab ("internal error")
                throw invalid(what + " needs a value, not " + describe(v), "");
            }
        }
        return out;
    }

    /** One value as {@code type}; {@code what} names it in messages. */
    static Object convert(Value v, Type type, String what) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type element = p.getActualTypeArguments()[0];
            if (raw == Optional.class) {
                return absent(v) ? Optional.empty() : Optional.of(convert(v, element, what));
            }
            return list(v, element, what);
        }
        Class<?> c = (Class<?>) type;
        if (absent(v) && !c.isPrimitive() && c != String.class) {
            return null;
        }
        if (c == String.class) {
            return string(v, what);
        }
        if (c == int.class || c == Integer.class) {
            if (v.isNumber() && v.fitsInInt()) {
                return v.asInt();
            }
            throw invalid(what + " must be a whole number, not " + describe(v), "e.g. 2");
        }
        if (c == long.class || c == Long.class) {
            if (v.isNumber() && v.fitsInLong()) {
                return v.asLong();
            }
            if (v.isString()) {
                return Sizes.parse(v.asString());
            }
            throw invalid(what + " must be a size, not " + describe(v), "write '4GiB' or a number of bytes");
        }
        if (c == double.class || c == Double.class) {
            if (v.isNumber() && v.fitsInDouble()) {
                return v.asDouble();
            }
            throw invalid(what + " must be a number, not " + describe(v), "e.g. 2.6");
        }
        if (c == boolean.class || c == Boolean.class) {
            if (v.isBoolean()) {
                return v.asBoolean();
            }
            throw invalid(what + " must be true or false, not " + describe(v), "");
        }
        if (c == Duration.class) {
            return duration(v, what);
        }
        if (c.isEnum()) {
            return enumValue(v, c, what);
        }
        if (FacadeTypes.isFacade(c)) {
            FacadeHandle h = handle(v);
            if (h != null && c.isInstance(h.target())) {
                return h.target();
            }
            throw invalid(what + " must be a " + c.getSimpleName().toLowerCase() + ", not " + describe(v),
                    "pass what lab." + c.getSimpleName().toLowerCase() + "(NAME) returns");
        }
        if (c.isRecord()) {
            return record(v, c, what);
        }
        throw invalid(what + ": a script cannot pass a " + c.getSimpleName(), "");
    }

    private static boolean absent(Value v) {
        return v == null || v.isNull();
    }

    private static String string(Value v, String what) {
        if (v != null && v.isString()) {
            return v.asString();
        }
        FacadeHandle h = handle(v);
        if (h != null) {
            try {
                // through the facade interface: the engine's class behind it need not be public
                return String.valueOf(h.type().getMethod("name").invoke(h.target()));
            } catch (ReflectiveOperationException e) {
                // a handle without a name: refused below
            }
        }
        throw invalid(what + " must be a string, not " + describe(v), "");
    }

    private static FacadeHandle handle(Value v) {
        return v != null && v.isProxyObject() && v.asProxyObject() instanceof FacadeHandle h ? h : null;
    }

    private static Duration duration(Value v, String what) {
        if (v.isString()) {
            return Durations.parse(v.asString());
        }
        if (v.isNumber() && v.fitsInDouble()) {
            double s = v.asDouble();
            if (!(s >= 0) || s > Long.MAX_VALUE / 1e9) {
                throw invalid(what + ": " + s + " seconds is not a duration", "durations are 0 or more");
            }
            return Duration.ofNanos(Math.round(s * 1e9));
        }
        throw invalid(what + " must be a duration, not " + describe(v), "write '30s', '5m' or a number of seconds");
    }

    private static Object enumValue(Value v, Class<?> type, String what) {
        if (!v.isString()) {
            throw invalid(what + " must be a string, not " + describe(v), "one of " + ids(type));
        }
        try {
            Optional<Method> of = READERS.computeIfAbsent(type, FromScript::reader);
            if (of.isPresent()) {
                return of.get().invoke(null, v.asString()); // the api enums' own reader: its message lists the ids
            }
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        for (Object constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equalsIgnoreCase(v.asString().replace('-', '_'))) {
                return constant;
            }
        }
        throw invalid(what + ": '" + v.asString() + "' is not one of " + ids(type), "");
    }

    /** The enum's static {@code of(String)}, if it has one. */
    private static Optional<Method> reader(Class<?> type) {
        try {
            Method of = type.getMethod("of", String.class);
            return Modifier.isStatic(of.getModifiers()) ? Optional.of(of) : Optional.empty();
        } catch (NoSuchMethodException e) {
            return Optional.empty(); // matched by name instead
        }
    }

    private static List<String> ids(Class<?> type) {
        return Arrays.stream(type.getEnumConstants()).map(e -> ToScript.value(e, false).toString()).toList();
    }

    private static List<Object> list(Value v, Type element, String what) {
        if (absent(v) || !v.hasArrayElements()) {
            throw invalid(what + " must be an array, not " + describe(v), "e.g. [\"web1\", \"web2\"]");
        }
        long n = v.getArraySize();
        List<Object> out = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            out.add(convert(v.getArrayElement(i), element, what + "[" + i + "]"));
        }
        return out;
    }

    private static Object record(Value v, Class<?> type, String what) {
        return record(v, type, what, null);
    }

    /** A record from an object; the fields it leaves out take {@code base}'s values, or their empty ones without. */
    private static Object record(Value v, Class<?> type, String what, Record base) {
        if (v.isString()) {
            try {
                Method parse = type.getMethod("parse", String.class);
                if (Modifier.isStatic(parse.getModifiers()) && parse.getReturnType() == type) {
                    return parse.invoke(null, v.asString());
                }
            } catch (NoSuchMethodException e) {
                // no text form: refused below
            } catch (InvocationTargetException e) {
                throw rethrow(e);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        RecordShape shape = SHAPES.computeIfAbsent(type, FromScript::shape);
        if (!v.hasMembers() || v.hasArrayElements() || v.isString()) {
            throw invalid(what + " must be an object, not " + describe(v), "with " + fields(shape));
        }
        // one pass over the object's own keys (each a call into the script engine): a field by its short name
        // (memory) wins over the same field by its component name (memoryBytes)
        Value[] fields = new Value[shape.components().length];
        for (String key : v.getMemberKeys()) {
            Integer i = shape.index().get(key);
            if (i == null) {
                throw invalid(what + " has an unknown field '" + key + "'", "a " + type.getSimpleName()
                        + " has " + fields(shape));
            }
            Value field = v.getMember(key);
            boolean alias = !key.equals(shape.components()[i].getName());
            if (!field.isNull() && (fields[i] == null || alias)) {
                fields[i] = field;
            }
        }
        Object[] values = new Object[shape.components().length];
        for (int i = 0; i < values.length; i++) {
            RecordComponent rc = shape.components()[i];
            Value field = fields[i];
            String name = shortName(rc.getName());
            if (field == null && base != null) {
                try {
                    values[i] = rc.getAccessor().invoke(base);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + rc, e);
                }
            } else if (field == null) {
                if (shape.required().contains(rc.getName())) {
                    throw invalid(what + " has no '" + name + "'", "a " + type.getSimpleName() + " needs "
                            + String.join(", ", shape.required().stream().map(FromScript::shortName).toList()));
                }
                values[i] = empty(rc.getType());
            } else {
                values[i] = convert(field, rc.getGenericType(), what + "." + name);
            }
        }
        try {
            return shape.constructor().newInstance(values);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build a " + type.getSimpleName(), e);
        }
    }

    /** {@code memory} for {@code memoryBytes}; null for a component without an alias. */
    private static String alias(String component) {
        return component.endsWith(BYTES) && component.length() > BYTES.length()
                ? component.substring(0, component.length() - BYTES.length()) : null;
    }

    private static String shortName(String component) {
        String alias = alias(component);
        return alias != null ? alias : component;
    }

    private static String fields(RecordShape shape) {
        return String.join(", ", Arrays.stream(shape.components()).map(rc -> shortName(rc.getName())).toList());
    }

    /** What a component left out takes: the empty value of its type (the record's constructor normalises it). */
    private static Object empty(Class<?> type) {
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0.0;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == Duration.class) {
            return Duration.ZERO;
        }
        if (type == List.class || type == Collection.class) {
            return List.of();
        }
        if (type == Optional.class) {
            return Optional.empty();
        }
        return null;
    }

    private static RecordShape shape(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Constructor<?> constructor;
        try {
            constructor = type.getDeclaredConstructor(types);
            constructor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(type + " has no canonical constructor", e);
        }
        // the components its smallest of(...) factory takes, in order, are the ones a spec cannot do without
        Set<String> required = new LinkedHashSet<>();
        Method smallest = null;
        for (Method m : type.getMethods()) {
            if (m.getName().equals("of") && Modifier.isStatic(m.getModifiers()) && m.getReturnType() == type
                    && m.getParameterCount() <= components.length
                    && Arrays.equals(m.getParameterTypes(), Arrays.copyOf(types, m.getParameterCount()))
                    && (smallest == null || m.getParameterCount() < smallest.getParameterCount())) {
                smallest = m;
            }
        }
        for (int i = 0; smallest != null && i < smallest.getParameterCount(); i++) {
            required.add(components[i].getName());
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < components.length; i++) {
            index.put(components[i].getName(), i);
            String alias = alias(components[i].getName());
            if (alias != null) {
                index.put(alias, i);
            }
        }
        return new RecordShape(components, constructor, required, Map.copyOf(index));
    }

    private static RuntimeException rethrow(InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException r) {
            return r;
        }
        if (e.getCause() instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(e.getCause());
    }

    /** A script value for people: {@code a number (3)}, {@code a string ('x')}, {@code undefined}. */
    static String describe(Value v) {
        if (v == null) {
            return "nothing";
        }
        if (v.isNull()) {
            return v.toString(); // null or undefined
        }
        if (v.isString()) {
            return "a string ('" + v.asString() + "')";
        }
        if (v.isNumber()) {
            return "a number (" + v + ")";
        }
        if (v.isBoolean()) {
            return "a boolean (" + v + ")";
        }
        if (v.hasArrayElements()) {
            return "an array";
        }
        if (handle(v) != null) {
            return "a " + handle(v).type().getSimpleName().toLowerCase();
        }
        if (v.canExecute()) {
            return "a function";
        }
        return "an object";
    }

    private static LabException invalid(String what, String hint) {
        return LabException.invalid(what, hint);
    }
}
