package dev.hyperlab.shell.script;

/**
 * A facade result that is data only (records, lists and maps of strings, numbers, booleans, enums, durations) handed
 * to the script as the JSON text of the value the script gets ({@link ToScript#result}). The prelude turns it into
 * plain JavaScript objects and arrays with one {@code JSON.parse}, a builtin that runs as compiled Java. Copying the
 * same record from proxies took a call into Java per field and per key list, and an interpreted loop per field: a
 * {@code vm.info()} in a script cost about 60 µs that way, 25 µs now (docs/performance.md, issue 15).
 *
 * @param json the value as JSON, by the rules {@link ToScript#value} follows
 */
record JsonText(String json) implements OneMemberProxy {
    /** The member the prelude reads the text from. */
    static final String KEY = "__json";

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Object member() {
        return json;
    }
}
