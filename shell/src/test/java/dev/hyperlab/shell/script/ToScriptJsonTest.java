package dev.hyperlab.shell.script;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A data-only facade result reaches a script as JSON text ({@link ToScript#result}), which the prelude parses; the
 * script must get exactly the value that copying the proxies of {@link ToScript#value} gave it before: the same keys
 * in the same order, the same numbers (-0, the largest and smallest doubles, longs), the same strings (quotes,
 * control characters, a lone surrogate), nulls for empty optionals, enum ids, durations in seconds.
 */
class ToScriptJsonTest {
    private static Context js;
    private static Value viaProxies;
    private static Value viaJson;
    private static Value same;

    record Inner(String text, Optional<Duration> after, VmState state) {}

    record Outer(String name, int count, long bytes, double ratio, boolean flag, Optional<String> missing,
            List<Inner> inners, Map<String, Object> extra, Duration took) {}

    record Odd(double value) {}

    @BeforeAll
    static void context() {
        js = Context.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
        // the proxy copy as the prelude made it before JSON text (its toJs without handles)
        viaProxies = js.eval("js", """
                (function toJs(v) {
                    if (v === null || typeof v !== 'object') return v;
                    if (Array.isArray(v)) {
                        const a = [];
                        for (let i = 0; i < v.length; i++) a.push(toJs(v[i]));
                        return a;
                    }
                    const o = {};
                    for (const k of Object.keys(v)) o[k] = toJs(v[k]);
                    return o;
                })""");
        viaJson = js.eval("js", "(v) => JSON.parse(v.__json)");
        same = js.eval("js", """
                (function same(a, b) {
                    if (typeof a !== typeof b) return false;
                    if (a === null || typeof a !== 'object') return Object.is(a, b);
                    if (Array.isArray(a) !== Array.isArray(b)) return false;
                    const ka = Object.keys(a), kb = Object.keys(b);
                    if (ka.join('\\u0001') !== kb.join('\\u0001')) return false;
                    return ka.every(k => same(a[k], b[k]));
                })""");
    }

    @AfterAll
    static void close() {
        js.close();
    }

    private static void assertSameInScript(Object value) {
        Object json = ToScript.result(value, false);
        assertThat(json).isInstanceOf(JsonText.class);
        Value a = viaProxies.execute(ToScript.value(value, false));
        Value b = viaJson.execute(json);
        assertThat(same.execute(a, b).asBoolean())
                .as("%s: proxies %s, JSON %s", value, a, b).isTrue();
    }

    @Test
    void recordsListsAndMapsGiveTheScriptTheSameValueAsTheirProxies() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("b", "x");
        extra.put("2", 2);
        extra.put("a", null);
        extra.put("1", List.of(1, 2.5, -0.0));
        extra.put("quotes \" and \\ and \n\t\u0000\u001f", "\uD800 lone, \uD83D\uDE00 pair, é, \u2028");
        extra.put("numbers", List.of(Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE, Double.MAX_VALUE,
                Double.MIN_VALUE, 0.1, 1e21, 1e-7, 2.0, 123456789012345678L));
        extra.put("nested", Map.of("k", Optional.of(Duration.ofMillis(1500))));
        Outer o = new Outer("web1", 3, 4L << 30, 0.75, true, Optional.empty(),
                List.of(new Inner("a", Optional.of(Duration.ofNanos(1)), VmState.RUNNING),
                        new Inner("", Optional.empty(), VmState.DEFINED)),
                extra, Duration.ofSeconds(90, 123_456_789));
        assertSameInScript(o);
        assertSameInScript(List.of(o, o));
        assertSameInScript(List.of());
        assertSameInScript(extra);
        assertSameInScript(new ArrayList<>(List.of("x", "y")));
    }

    @Test
    void whatJsonCannotCarryStaysAProxy() {
        assertThat(ToScript.result(new Odd(Double.NaN), false)).isInstanceOf(ProxyObject.class)
                .isNotInstanceOf(JsonText.class);
        assertThat(ToScript.result(List.of(1.0, Double.POSITIVE_INFINITY), false)).isNotInstanceOf(JsonText.class);
        assertThat(ToScript.result(new byte[] {1, 2}, false)).isNotInstanceOf(JsonText.class);
        // a facade object inside (a list of VMs): the script gets handles, so the list stays proxies
        Vm vm = (Vm) java.lang.reflect.Proxy.newProxyInstance(Vm.class.getClassLoader(), new Class<?>[] {Vm.class},
                (p, m, a) -> null);
        Object list = ToScript.result(List.of(vm), false);
        assertThat(list).isInstanceOf(ProxyArray.class);
        assertThat(((ProxyArray) list).get(0)).isInstanceOf(FacadeHandle.class);
        assertThat(ToScript.result(Map.of("vm", vm), false)).isNotInstanceOf(JsonText.class);
        // scalars are what they were
        assertThat(ToScript.result("text", false)).isEqualTo("text");
        assertThat(ToScript.result(VmState.RUNNING, false)).isEqualTo("running");
        assertThat(ToScript.result(Duration.ofSeconds(2), false)).isEqualTo(2.0);
    }
}
