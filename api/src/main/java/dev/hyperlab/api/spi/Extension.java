package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The root of every extension point. The rules every extension follows, stated once:
 * <ul>
 *   <li>Deterministic: results depend only on the arguments (use the random stream a context gives, never
 *       {@code Math.random}, the wall clock or hash-order iteration), so a lab replays byte for byte.</li>
 *   <li>Fast and non-blocking: the engine calls extensions on its simulation thread and cuts off a call that takes
 *       too long, marking the extension faulty.</li>
 *   <li>Never {@code null}: return empty lists or {@code Optional}s.</li>
 * </ul>
 * Built-in firmware models, drivers and strategies implement these same interfaces.
 */
@API(status = STABLE, since = "0.1")
public interface Extension {
    /** The id users type ({@code --firmware ID}, {@code --driver ID}, {@code --strategy ID}); unique per kind. */
    String id();

    /** One line for people, shown by {@code profiles} and {@code plugin info}. */
    String description();
}
