package dev.hyperlab.shell.plugin;

import java.util.Locale;

/**
 * A plugin's state as {@code plugin list} shows it.
 *
 * <pre>
 * (installed) --------------------> started    its extensions are in the lab's catalogue
 * (installed) -- api too old/new -> refused    plugin.requires not met, an id taken, a bad descriptor
 * started  -- plugin disable  ----> disabled   extensions removed; remembered in disabled.txt
 * disabled -- plugin enable   ----> started
 * started  -- a call throws, hangs or answers nonsense --> faulty   (calls fail at once)
 * faulty   -- plugin enable   ----> started    (the fault is forgotten; calls go to it again)
 * </pre>
 */
public enum PluginState {
    /** Loaded, its extensions available. */
    STARTED,
    /** Turned off by the user ({@code plugin disable}); stays off across sessions. */
    DISABLED,
    /** One of its calls failed: threw, did not return in time, returned nonsense; or it failed to start. */
    FAULTY,
    /** Not loaded: it needs another api version, one of its ids is taken, or its descriptor is invalid. */
    REFUSED;

    /** The lower-case name, as {@code plugin list --json} writes it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
