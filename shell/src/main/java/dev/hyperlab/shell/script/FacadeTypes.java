package dev.hyperlab.shell.script;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.api.lab.WaitsUnattended;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a script can call: the facade's interfaces ({@link Lab}, {@code Host}, {@code Vm}, and whatever the api.lab
 * package gains later: disks, snapshots, backups) and their public methods, found by reflection so a method added to
 * the facade is callable from scripts with no code here. This table is the sandbox's allow-list: a script reaches
 * exactly these methods and nothing else of the JVM.
 *
 * <p>A method is left out when a script could not pass one of its parameters (a {@code ProgressListener}: scripts
 * observe progress by reading the lab, not by callbacks into the engine). Overloads are told apart by the number of
 * arguments; where two have the same number, the abstract method (the facade's real operation) is tried before the
 * default convenience one, whose string forms the marshalling accepts anyway: {@code lab.advance("30s")} reaches
 * {@code advance(Duration)}, the method the {@code advance} command calls.
 */
final class FacadeTypes {
    /** The package whose interfaces are the facade. */
    static final String PACKAGE = Lab.class.getPackageName();

    private static final Map<Class<?>, Optional<Class<?>>> TYPE_OF = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Map<String, List<List<Method>>>> METHODS = new ConcurrentHashMap<>();

    private FacadeTypes() {}

    /** The facade interface {@code value} implements ({@code Vm} for the engine's VM handle), if any. */
    static Optional<Class<?>> typeOf(Object value) {
        return TYPE_OF.computeIfAbsent(value.getClass(), FacadeTypes::find);
    }

    /** Whether {@code type} is a facade interface (its values are handles with methods, not data). */
    static boolean isFacade(Class<?> type) {
        return type.isInterface() && !type.isAnnotation() && type.getPackageName().equals(PACKAGE)
                && !type.isAnnotationPresent(FunctionalInterface.class);
    }

    private static Optional<Class<?>> find(Class<?> cls) {
        for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (isFacade(i)) {
                    return Optional.of(i);
                }
            }
        }
        return Optional.empty();
    }

    /** The names a script can call on a handle of {@code type}, sorted. */
    static List<String> names(Class<?> type) {
        return List.copyOf(methods(type).keySet());
    }

    /** The names of the methods that return nothing (a script sees {@code undefined}, as from a JS function). */
    static List<String> voids(Class<?> type) {
        return methods(type).entrySet().stream()
                .filter(e -> e.getValue().stream().flatMap(List::stream).allMatch(m -> m.getReturnType() == void.class))
                .map(Map.Entry::getKey).toList();
    }

    /**
     * The candidates for {@code type.name(...)} with {@code arity} arguments, in the order to try them; empty when
     * there is no such method.
     */
    static List<Method> candidates(Class<?> type, String name, int arity) {
        List<List<Method>> byArity = methods(type).get(name);
        if (byArity == null || arity >= byArity.size()) {
            return List.of();
        }
        return byArity.get(arity);
    }

    /** The argument counts {@code type.name} takes, for an error message. */
    static List<Integer> arities(Class<?> type, String name) {
        List<Integer> out = new ArrayList<>();
        List<List<Method>> byArity = methods(type).getOrDefault(name, List.of());
        for (int i = 0; i < byArity.size(); i++) {
            if (!byArity.get(i).isEmpty()) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * What a script's call to {@code m} runs: for a call the facade marks {@link WaitsUnattended}, its overload taking a
     * {@link Wait} as well (the same parameters, then the wait), which the script gets with {@link Wait#DONE}: scripts
     * wait for a snapshot, a revert or a suspend to be over, as virsh does, unless they pass a wait themselves.
     */
    static Optional<Method> waitingOverload(Class<?> type, Method m) {
        if (!m.isAnnotationPresent(WaitsUnattended.class)) {
            return Optional.empty();
        }
        Class<?>[] params = java.util.Arrays.copyOf(m.getParameterTypes(), m.getParameterCount() + 1);
        params[params.length - 1] = Wait.class;
        try {
            return Optional.of(type.getMethod(m.getName(), params));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(m + " waits unattended but has no overload taking a Wait", e);
        }
    }

    private static Map<String, List<List<Method>>> methods(Class<?> type) {
        return METHODS.computeIfAbsent(type, FacadeTypes::table);
    }

    private static Map<String, List<List<Method>>> table(Class<?> type) {
        Map<String, List<List<Method>>> table = new TreeMap<>();
        if (!isFacade(type)) {
            return table;
        }
        for (Method m : type.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class
                    || !FromScript.accepts(m)) {
                continue;
            }
            List<List<Method>> byArity = table.computeIfAbsent(m.getName(), n -> new ArrayList<>());
            while (byArity.size() <= m.getParameterCount()) {
                byArity.add(new ArrayList<>());
            }
            byArity.get(m.getParameterCount()).add(m);
        }
        // the facade's own operation first, its default conveniences after; then a stable order
        Comparator<Method> order = Comparator.comparing(Method::isDefault)
                .thenComparing(m -> List.of(m.getParameterTypes()).toString());
        table.values().forEach(byArity -> byArity.forEach(list -> list.sort(order)));
        table.values().removeIf(byArity -> byArity.stream().allMatch(List::isEmpty));
        return table;
    }
}
