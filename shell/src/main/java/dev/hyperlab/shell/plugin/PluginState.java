package dev.hyperlab.shell.plugin;

import java.util.Locale;

/**
 * A plugin's state as {@code plugin list} shows it.
 *
 * <pre>
 * (installed) --------------------> started    its extensions are in the lab's catalogue
 * (installed) -- api too old/new -> refused    plugin.requires not met, an id taken, a bad descriptor,
 *                                              an extension class missing or unusable
 * started  -- plugin disable  ----> disabled   extensions removed, code stopped; remembered in disabled.txt
 * faulty   -- plugin disable  ----> disabled   (not called again, not even to stop)
 * disabled -- plugin enable   ----> started
 * started  -- a call throws, hangs, answers nonsense or tries to exit --> faulty   (calls fail at once, code stopped)
 * faulty   -- plugin enable   ----> started    (the fault is forgotten; calls go to it again, on a new thread)
 * </pre>
 */
public enum PluginState {
    /** Loaded, its extensions available. */
    STARTED,
    /** Turned off by the user ({@code plugin disable}); stays off across sessions. */
    DISABLED,
    /**
     * One of its calls failed: threw, did not return in time, returned nonsense; or it failed to start, or its code
     * tried to end the process.
     */
    FAULTY,
    /**
     * Not loaded: it needs another api version, one of its ids is taken, its descriptor is invalid, or a class it lists
     * as an extension is missing or unusable.
     */
    REFUSED;

    /** The lower-case name, as {@code plugin list --json} writes it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
