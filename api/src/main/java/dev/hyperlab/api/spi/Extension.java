package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The root of every extension point. The rules every extension follows, stated once:
 * <ul>
 *   <li>Deterministic: results depend only on the arguments (use the random stream a context gives, never
 *       {@code Math.random}, the wall clock or hash-order iteration), so a lab replays byte for byte.</li>
 *   <li>Fast and non-blocking: the engine calls a plugin's extension on a thread of that plugin's own and waits at
 *       most a time limit (2 s unless {@code HYPERLAB_PLUGIN_TIMEOUT} says otherwise; a backup strategy's limit is
 *       on silence between its reads and stores, not on the whole backup). A call cut off, a call that throws and
 *       an answer that is nonsense (null, a device the machine does not have, a step of more than a day) are
 *       faults: the machine it served fails with a message naming the plugin, and the plugin is marked faulty
 *       until it is enabled again.</li>
 *   <li>Never {@code null}: return empty lists or {@code Optional}s.</li>
 *   <li>Keep nothing the engine lends: boot devices, disks and sinks work only during the call that got them.</li>
 * </ul>
 * Built-in firmware models, drivers and strategies implement these same interfaces.
 *
 * <pre>{@code
 * // every extension point extends Extension: an id users type, a line for people
 * public String id() { return "secureboot"; }               // vm create ... --firmware secureboot
 * public String description() { return "UEFI with Secure Boot"; }
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public interface Extension {
    /** The id users type ({@code --firmware ID}, {@code --driver ID}, {@code --strategy ID}); unique per kind. */
    String id();

    /** One line for people, shown by {@code profiles} and {@code plugin info}. */
    String description();
}
