package dev.hyperlab.shell.script;

import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * A read-only script object with a single member, which the prelude reads to tell what it holds: a facade handle's
 * type ({@link FacadeHandle}), a data result's JSON text ({@link JsonText}).
 */
interface OneMemberProxy extends ProxyObject {
    /** The member's name. */
    String key();

    /** The member's value. */
    Object member();

    @Override
    default Object getMember(String key) {
        return key().equals(key) ? member() : null;
    }

    @Override
    default Object getMemberKeys() {
        return ProxyArray.fromArray(key());
    }

    @Override
    default boolean hasMember(String key) {
        return key().equals(key);
    }

    @Override
    default void putMember(String key, Value value) {
        throw new UnsupportedOperationException("a facade value is read-only");
    }
}
