package dev.hyperlab.shell.script;

/**
 * A facade object (a lab, host, VM, ...) as the script side holds it: opaque but for its type name, which the
 * prelude reads to give it the JavaScript methods of that type ({@code __facade}). Its methods are reached only through
 * {@link Bridge#call}, so a script never holds a Java object it could reflect on.
 *
 * @param target the facade object
 * @param type its facade interface
 * @param owned whether the script created it and may close it (a {@code lab.fork()}); the lab the shell gave the
 *     script is not the script's to close
 */
record FacadeHandle(Object target, Class<?> type, boolean owned) implements OneMemberProxy {
    static final String TYPE_KEY = "__facade";

    @Override
    public String key() {
        return TYPE_KEY;
    }

    @Override
    public Object member() {
        return type.getSimpleName();
    }
}
