package dev.hyperlab.core.guard;

/**
 * Thrown into a plugin's own code by {@link PluginHooks}: in place of a call that would end the process
 * ({@code System.exit}, {@code Runtime.halt}), and at the next loop iteration or method call of a plugin that was cut
 * off, found faulty, disabled or unloaded. An {@link Error}, so that the {@code catch (Exception e)} of ordinary code
 * lets it through; code that catches it anyway meets it again at its next loop iteration.
 */
public final class PluginStopped extends Error {
    private static final long serialVersionUID = 1L;

    PluginStopped(String message) {
        super(message, null, false, false); // no stack trace: it is thrown on purpose, often, and nobody reads one
    }
}
