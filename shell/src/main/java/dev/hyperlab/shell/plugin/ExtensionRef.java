package dev.hyperlab.shell.plugin;

/**
 * One extension a plugin contributes, as {@code plugin list --json} shows it.
 *
 * @param kind {@code firmware}, {@code driver} or {@code backup}
 * @param id what {@code --firmware}, {@code --driver} or {@code --strategy} takes
 * @param description one line for people
 */
public record ExtensionRef(String kind, String id, String description) {}
