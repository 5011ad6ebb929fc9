package dev.hyperlab.shell.plugin;

import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin's class loader: the plugin's own classes first (its libraries may differ from the shell's), except the
 * hyperlab api and apiguardian, which always come from the shell. A plugin that bundles its own copy of the api jar by
 * mistake then still hands the engine a {@code FirmwareModel} the engine's {@code FirmwareModel} is, rather than a
 * look-alike from another class loader that no cast accepts.
 */
final class ApiFirstClassLoader extends PluginClassLoader {
    ApiFirstClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
        super(manager, descriptor, parent);
    }

    @Override
    protected boolean shouldDelegateToParent(String className) {
        return super.shouldDelegateToParent(className) || className.startsWith("dev.hyperlab.api.")
                || className.startsWith("org.apiguardian.");
    }
}
