package dev.hyperlab.shell.plugin;

import java.util.List;

/**
 * What the shell knows about one installed plugin ({@code plugin list}, {@code plugin info}).
 *
 * @param id the plugin's id (PF4J {@code plugin.id})
 * @param version its version
 * @param state started, disabled, faulty or refused
 * @param description one line for people, from its descriptor
 * @param provider who made it
 * @param requires the api versions it needs ({@code plugin.requires})
 * @param path where it is installed
 * @param reason why it is faulty or refused, and what is quarantined of it; empty otherwise
 * @param quarantinedThreads its threads still alive after it was cut off, disabled or unloaded: blocked where its
 *     code's checkpoints cannot stop them (in the JDK, in native code), never called again
 * @param extensions what it contributes (empty unless it started)
 */
public record PluginView(String id, String version, PluginState state, String description, String provider,
        String requires, String path, String reason, int quarantinedThreads, List<ExtensionRef> extensions) {

    public PluginView {
        extensions = List.copyOf(extensions);
    }
}
