package dev.hyperlab.core.guard;

import dev.hyperlab.api.spi.Extension;
import java.util.Optional;

/**
 * What the adapters of a plugin's extensions share: the plugin they come from, the guard their calls go through, and
 * the id and description, read once through the guard when the extension is registered (an id is then never asked
 * again, so a plugin cannot change it, hang in it or make it nonsense later).
 */
abstract class GuardedExtension implements Extension {
    final String plugin;
    final ExtensionGuard guard;
    private final String id;
    private final String description;

    /**
     * @param kind {@code firmware}, {@code driver} or {@code backup strategy}, for messages
     * @throws ExtensionFault when the id or description cannot be read, or the id is malformed
     */
    GuardedExtension(Extension extension, String kind, String plugin, ExtensionGuard guard) {
        this.plugin = plugin;
        this.guard = guard;
        String type = extension.getClass().getName();
        String id = guard.call(plugin, kind + " id of " + type, extension::id);
        Optional<String> bad = Sanity.id(id);
        if (bad.isPresent()) {
            throw guard.fault(plugin, type + " has " + bad.get());
        }
        String description = guard.call(plugin, kind + " '" + id + "' description", extension::description);
        this.id = id;
        this.description = description == null ? "" : Sanity.printable(description);
    }

    /** The plugin it comes from. */
    public final String plugin() {
        return plugin;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String description() {
        return description;
    }
}
