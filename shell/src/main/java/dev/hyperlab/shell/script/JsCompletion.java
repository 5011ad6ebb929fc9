package dev.hyperlab.shell.script;

import dev.hyperlab.api.lab.Lab;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What Tab offers in JavaScript: the members of what the expression before the cursor is, found from the facade's
 * types as the script sees them, without running anything. {@code lab.} offers the lab's methods;
 * {@code lab.vm('web1').} a VM's; {@code lab.vm('web1').info().} the fields of the record a script gets;
 * {@code lab.vms()[0].} a VM's again. An expression that does not start at {@code lab} (a variable, a literal) has no
 * type known before it runs: nothing is offered. At the start of a word, the globals the shell defines.
 */
public final class JsCompletion {
    private static final List<String> GLOBALS = List.of("Durations", "LabError", "Sizes", "args", "exit", "lab",
            "print");

    /** A member Tab may insert: a method (inserted with its opening parenthesis) or a field. */
    public record Member(String name, boolean method) {
        /** What completing it inserts. */
        public String text() {
            return method ? name + "(" : name;
        }
    }

    /**
     * @param anchor where in the code the name being completed starts
     * @param members what may complete it, sorted; empty for nothing
     */
    public record Completion(int anchor, List<Member> members) {}

    private JsCompletion() {}

    /** What completes the name before {@code cursor} in {@code code}. */
    public static Completion complete(String code, int cursor) {
        int end = Math.max(0, Math.min(cursor, code.length()));
        int anchor = end;
        while (anchor > 0 && Character.isJavaIdentifierPart(code.charAt(anchor - 1))) {
            anchor--;
        }
        String prefix = code.substring(anchor, end);
        List<Member> out = new ArrayList<>();
        if (anchor > 0 && code.charAt(anchor - 1) == '.') {
            typeOf(code, anchor - 1).ifPresent(t -> members(t, prefix, out));
        } else if (anchor == 0 || !Character.isJavaIdentifierPart(code.charAt(anchor - 1))) {
            for (String g : GLOBALS) {
                if (g.startsWith(prefix)) {
                    out.add(new Member(g, false));
                }
            }
        }
        return new Completion(anchor, out);
    }

    private static void members(Type type, String prefix, List<Member> out) {
        Class<?> raw = raw(type);
        if (FacadeTypes.isFacade(raw)) {
            for (String name : FacadeTypes.names(raw)) {
                if (name.startsWith(prefix)) {
                    out.add(new Member(name, true));
                }
            }
        } else if (raw.isRecord()) {
            for (RecordComponent c : raw.getRecordComponents()) {
                if (c.getName().startsWith(prefix)) {
                    out.add(new Member(c.getName(), false));
                }
            }
            out.sort(java.util.Comparator.comparing(Member::name));
        }
    }

    /**
     * The type of the expression that ends just before {@code dot}: a chain from {@code lab} of calls
     * ({@code .vm('web1')}), field reads ({@code .state}) and indexes ({@code [0]}).
     */
    private static Optional<Type> typeOf(String code, int dot) {
        List<String> chain = new ArrayList<>(); // innermost last: "vm()", "state", "[]"
        int i = dot;
        while (true) {
            boolean call = false;
            if (i > 0 && (code.charAt(i - 1) == ')' || code.charAt(i - 1) == ']')) {
                char close = code.charAt(i - 1);
                int open = matching(code, i - 1);
                if (open < 0) {
                    return Optional.empty();
                }
                i = open;
                if (close == ']') {
                    chain.addFirst("[]");
                    continue;
                }
                call = true;
            }
            int start = i;
            while (start > 0 && Character.isJavaIdentifierPart(code.charAt(start - 1))) {
                start--;
            }
            if (start == i) {
                return Optional.empty();
            }
            String name = code.substring(start, i);
            if (start > 0 && code.charAt(start - 1) == '.') {
                chain.addFirst(call ? name + "()" : name);
                i = start - 1;
                continue;
            }
            if (call || !name.equals("lab") || (start > 0 && !boundary(code.charAt(start - 1)))) {
                return Optional.empty();
            }
            break;
        }
        Type t = Lab.class;
        for (String step : chain) {
            Optional<Type> next = step(t, step);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            t = next.get();
        }
        return Optional.of(t);
    }

    /** The type after one step of a chain from {@code t}. */
    private static Optional<Type> step(Type t, String step) {
        Class<?> raw = raw(t);
        if (step.equals("[]")) {
            return raw == List.class && t instanceof ParameterizedType p
                    ? Optional.of(unwrap(p.getActualTypeArguments()[0])) : Optional.empty();
        }
        if (step.endsWith("()")) {
            String name = step.substring(0, step.length() - 2);
            if (!FacadeTypes.isFacade(raw) || !FacadeTypes.names(raw).contains(name)) {
                return Optional.empty();
            }
            for (Method m : raw.getMethods()) {
                if (m.getName().equals(name) && m.getReturnType() != void.class) {
                    return Optional.of(unwrap(m.getGenericReturnType()));
                }
            }
            return Optional.empty();
        }
        if (raw.isRecord()) {
            for (RecordComponent c : raw.getRecordComponents()) {
                if (c.getName().equals(step)) {
                    return Optional.of(unwrap(c.getGenericType()));
                }
            }
        }
        return Optional.empty();
    }

    /** What a script gets for a value of {@code t}: an {@code Optional}'s value (or null). */
    private static Type unwrap(Type t) {
        return raw(t) == Optional.class && t instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : t;
    }

    private static Class<?> raw(Type t) {
        return t instanceof Class<?> c ? c : t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : Object.class;
    }

    private static boolean boundary(char c) {
        return !Character.isJavaIdentifierPart(c) && c != '.' && c != '$';
    }

    /** Where the bracket or parenthesis closed at {@code close} opens; -1 when it does not (strings skipped). */
    private static int matching(String code, int close) {
        int depth = 0;
        char quote = 0;
        for (int i = close; i >= 0; i--) {
            char c = code.charAt(i);
            if (quote != 0) {
                if (c == quote && (i == 0 || code.charAt(i - 1) != '\\')) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == ')' || c == ']') {
                depth++;
            } else if (c == '(' || c == '[') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }
}
