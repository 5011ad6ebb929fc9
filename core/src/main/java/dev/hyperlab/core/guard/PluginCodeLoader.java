package dev.hyperlab.core.guard;

/**
 * A class loader that defines the classes of one plugin (the shell's PF4J class loader is one). {@link PluginHooks}
 * asks the classes on a call's stack for it to know which plugin made the call.
 */
public interface PluginCodeLoader {
    /** The id of the plugin whose classes this loader defines. */
    String plugin();
}
