package dev.hyperlab.shell.script;

import dev.hyperlab.api.lab.Durations;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.Wait;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * The Java side of the script binding: the few functions the prelude (prelude.js) builds the script's world from.
 * Everything a script does to the lab goes through {@link #call}: a facade method, found in {@link FacadeTypes},
 * its arguments converted by {@link FromScript}, its result by {@link ToScript}. So a script call ends in the same
 * facade method as the command that does the same thing, and there is no behaviour only scripts have.
 *
 * <p>One bridge per script context: it knows the lab the script was given (its clock is the script's clock, its seed
 * seeds {@code Math.random}), and the labs the script forked, which it closes when the run ends.
 */
final class Bridge {
    /** {@code vm} for {@link dev.hyperlab.api.lab.Vm}: how calls are named in messages ({@code vm.start}). */
    private static final Map<Class<?>, String> LABELS = new ConcurrentHashMap<>();

    private Lab lab;
    private ScriptAccess access = ScriptAccess.ANY;
    private final IntConsumer exit;
    private final List<Lab> forks = new ArrayList<>();

    /**
     * @param lab the lab the script works on (the shell's, or a throw-away copy in a dry run)
     * @param exit what {@code exit(code)} does: records the code and ends the script at once
     */
    Bridge(Lab lab, IntConsumer exit) {
        this.lab = lab;
        this.exit = exit;
    }

    /**
     * Gives the script another lab from now on (a {@code js --dry-run} line works on a copy), and what of this machine
     * its calls may name.
     */
    void use(Lab other, ScriptAccess what) {
        this.lab = other;
        this.access = what;
    }

    /** The handle of the lab the script is given, for the prelude's {@code lab} global. */
    FacadeHandle labHandle() {
        return new FacadeHandle(lab, Lab.class, false);
    }

    /** The bridge as the prelude receives it: an object of functions. */
    ProxyObject proxy() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("call", (ProxyExecutable) this::call);
        m.put("methods", (ProxyExecutable) a -> ProxyArray.fromList(new ArrayList<>(
                FacadeTypes.names(typeNamed(a[0].asString())))));
        m.put("voids", (ProxyExecutable) a -> ProxyArray.fromList(new ArrayList<>(
                FacadeTypes.voids(typeNamed(a[0].asString())))));
        m.put("errorInfo", (ProxyExecutable) a -> errorInfo(a[0]));
        m.put("parseSize", (ProxyExecutable) a -> Sizes.parse(text(a, "Sizes.parse")));
        m.put("formatSize", (ProxyExecutable) a -> Sizes.format((Long) FromScript.convert(arg(a),
                long.class, "Sizes.format")));
        m.put("parseDuration", (ProxyExecutable) a -> ToScript.seconds(Durations.parse(text(a, "Durations.parse"))));
        m.put("formatDuration", (ProxyExecutable) a -> Durations.format((Duration) FromScript.convert(arg(a),
                Duration.class, "Durations.format")));
        m.put("nowMillis", (ProxyExecutable) a -> {
            Duration now = lab.now();
            return now.getSeconds() * 1000.0 + now.getNano() / 1e6;
        });
        m.put("seed", (ProxyExecutable) a -> seed());
        m.put("exit", (ProxyExecutable) a -> {
            exit.accept(exitCode(a));
            return null;
        });
        return ProxyObject.fromMap(m);
    }

    /** {@code call(handle, name, ...args)}: one facade method on one facade object. */
    private Object call(Value... a) {
        FacadeHandle h = (FacadeHandle) a[0].asProxyObject();
        String name = a[1].asString();
        List<Value> args = Arrays.asList(a).subList(2, a.length);
        String what = LABELS.computeIfAbsent(h.type(), c -> c.getSimpleName().toLowerCase(Locale.ROOT)) + "." + name;
        List<Method> candidates = FacadeTypes.candidates(h.type(), name, args.size());
        if (candidates.isEmpty()) {
            List<Integer> arities = FacadeTypes.arities(h.type(), name);
            throw arities.isEmpty()
                    ? LabException.invalid(what + " is not a method", "a " + h.type().getSimpleName() + " has "
                            + String.join(", ", FacadeTypes.names(h.type())))
                    : LabException.invalid(what + " takes " + arities.stream().map(String::valueOf)
                            .reduce((x, y) -> x + " or " + y).orElse("") + " argument(s), not " + args.size(), "");
        }
        LabException refused = null;
        for (Method m : candidates) {
            Object[] converted;
            try {
                converted = FromScript.arguments(m, args, what, current(h, m));
            } catch (LabException e) {
                refused = refused == null ? e : refused;
                continue; // the next overload may take these arguments
            }
            access.check(m, converted, what);
            Optional<Method> waiting = FacadeTypes.waitingOverload(h.type(), m);
            if (waiting.isPresent()) {
                Object[] withWait = Arrays.copyOf(converted, converted.length + 1);
                withWait[converted.length] = Wait.DONE;
                return ToScript.result(invoke(h, waiting.get(), withWait), false);
            }
            return ToScript.result(invoke(h, m, converted), m.getName().equals("fork"));
        }
        throw refused;
    }

    /**
     * For a setter of one setting ({@code setMemoryPolicy(MemoryPolicy)} beside {@code memoryPolicy()}): the setting
     * now, whose values the fields a script leaves out keep; null for any other method.
     */
    private static Record current(FacadeHandle h, Method m) {
        if (!m.getName().startsWith("set") || m.getName().length() < 4 || m.getParameterCount() != 1
                || !m.getParameterTypes()[0].isRecord()) {
            return null;
        }
        String name = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
        try {
            Method getter = h.type().getMethod(name);
            if (getter.getReturnType() != m.getParameterTypes()[0]) {
                return null;
            }
            return (Record) getter.invoke(h.target());
        } catch (NoSuchMethodException e) {
            return null;
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call " + name, e);
        }
    }

    private Object invoke(FacadeHandle h, Method m, Object[] args) {
        boolean closing = m.getName().equals("close") && h.target() instanceof Lab;
        if (closing && !h.owned()) {
            throw LabException.notAllowed("the script's lab belongs to the shell", "close only labs from lab.fork()");
        }
        Object result;
        try {
            result = m.invoke(h.target(), args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call " + m, e);
        }
        if (closing) {
            forks.remove((Lab) h.target());
        } else if (result instanceof Lab fork && m.getName().equals("fork")) {
            forks.add(fork);
        }
        return result;
    }

    /** Closes the labs the script forked and left open: a what-if never outlives its run. */
    void closeForks() {
        for (Lab f : forks) {
            try {
                f.close();
            } catch (RuntimeException e) {
                // closed already, or failing to close a copy that changes nothing: nothing to report
            }
        }
        forks.clear();
    }

    /** A facade refusal as the prelude turns it into a {@code LabError}; null for anything else. */
    private static Object errorInfo(Value e) {
        if (e == null || !e.isHostObject() || !(e.asHostObject() instanceof LabException le)) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("message", le.getMessage());
        m.put("kind", le.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        m.put("what", le.what());
        m.put("hint", le.hint());
        return ProxyObject.fromMap(m);
    }

    /**
     * Four 32-bit words from the lab's seed for the prelude's {@code Math.random}: the same lab and script give the
     * same numbers, as the architecture asks of everything that affects results.
     */
    private ProxyArray seed() {
        SplittableRandom r = new SplittableRandom(lab.info().seed() ^ 0x5c21_97e3_a1b4_6d0fL);
        Object[] words = new Object[4];
        for (int i = 0; i < words.length; i++) {
            int w = r.nextInt();
            words[i] = w == 0 && i == 0 ? 1 : w; // the generator's state must not be all zero
        }
        return ProxyArray.fromArray(words);
    }

    private static Class<?> typeNamed(String simpleName) {
        try {
            Class<?> c = Class.forName(FacadeTypes.PACKAGE + "." + simpleName);
            if (FacadeTypes.isFacade(c)) {
                return c;
            }
        } catch (ClassNotFoundException e) {
            // refused below
        }
        throw new IllegalArgumentException("not a facade type: " + simpleName);
    }

    private static Value arg(Value[] a) {
        return a.length == 0 ? null : a[0];
    }

    private static String text(Value[] a, String what) {
        return (String) FromScript.convert(arg(a), String.class, what);
    }

    private static int exitCode(Value[] a) {
        Value v = arg(a);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (v.isNumber() && v.fitsInInt() && v.asInt() >= 0 && v.asInt() <= 255) {
            return v.asInt();
        }
        throw LabException.invalid("exit(" + (v.isString() ? "'" + v.asString() + "'" : v.isNumber() || v.isBoolean()
                ? v.toString() : FromScript.describe(v)) + "): the status must be a whole number from 0 to 255",
                "e.g. exit(1)");
    }
}
