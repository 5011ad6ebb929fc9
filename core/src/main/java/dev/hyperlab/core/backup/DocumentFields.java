package dev.hyperlab.core.backup;

import dev.hyperlab.core.json.Json;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * Reading the repository's small JSON documents (config, key files, manifests, locks) as {@link Json} parses them:
 * a document that is not well-formed, or lacks a field, or has one of the wrong type, is a
 * {@link RepositoryException} naming the document, which the repository's callers report and the check counts.
 */
final class DocumentFields {
    private DocumentFields() {}

    /**
     * Parses one JSON document into the tree {@link Json#parse(byte[], String)} gives.
     *
     * @throws RepositoryException naming {@code what} when the bytes are not one well-formed document
     */
    static Object parse(byte[] data, String what) throws RepositoryException {
        try {
            return Json.parse(data, what);
        } catch (IOException e) {
            if (e instanceof RepositoryException re) {
                throw re;
            }
            throw new RepositoryException(e.getMessage(), e);
        }
    }

    /** A required field of an object, with a clear message when it is missing or of the wrong type. */
    static <T> T field(Map<?, ?> obj, String name, Class<T> type, String what) throws RepositoryException {
        Object v = obj.get(name);
        if (!type.isInstance(v)) {
            throw new RepositoryException(what + " lacks field \"" + name + "\" (or it is not a "
                    + type.getSimpleName().toLowerCase(Locale.ROOT) + ")");
        }
        return type.cast(v);
    }

    /** A required object. */
    static Map<?, ?> object(Object v, String what) throws RepositoryException {
        if (!(v instanceof Map<?, ?> m)) {
            throw new RepositoryException(what + " is not a JSON object");
        }
        return m;
    }

    /** A required whole number field. */
    static long longField(Map<?, ?> obj, String name, String what) throws RepositoryException {
        return field(obj, name, Long.class, what);
    }
}
