package dev.hyperlab.core.guard;

import dev.hyperlab.api.lab.LabException;

/**
 * A plugin's extension failed: it threw, returned nonsense, did not return within the guard's limit, or its plugin was
 * already faulty. The machine or backup it served fails with this message; the plugin is marked faulty.
 */
public final class ExtensionFault extends LabException {
    private static final long serialVersionUID = 1L;

    private final String plugin;

    ExtensionFault(String plugin, String what) {
        super(Kind.EXTENSION, what, "plugin info " + plugin + " tells more; plugin enable " + plugin
                + " tries it again");
        this.plugin = plugin;
    }

    /** The id of the plugin at fault. */
    public String plugin() {
        return plugin;
    }
}
