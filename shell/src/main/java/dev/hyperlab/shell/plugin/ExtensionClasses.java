package dev.hyperlab.shell.plugin;

import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.api.spi.FirmwareModel;
import dev.hyperlab.api.spi.GuestDriver;
import dev.hyperlab.core.guard.Sanity;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.pf4j.PluginRuntimeException;

/**
 * The extension classes a plugin names, in PF4J's index ({@code META-INF/extensions.idx}) and in
 * {@code META-INF/services} files of the spi's interfaces, read from the plugin's own files, loaded and checked: each
 * must be the plugin's own class, concrete, with a constructor without arguments, and be the kind of extension it is
 * listed as (a class in the index one of the three). PF4J's finders skip a class that is missing, does not load or is
 * of the wrong kind, and only log it; here it refuses the plugin, naming the class and the problem.
 *
 * <pre>{@code
 * Map<Class<?>, List<Class<?>>> byKind = ExtensionClasses.of(loader);   // FirmwareModel.class -> [QbootFirmware]
 * }</pre>
 */
final class ExtensionClasses {
    static final List<Class<?>> KINDS = List.of(FirmwareModel.class, GuestDriver.class, BackupStrategy.class);
    static final String INDEX = "META-INF/extensions.idx";
    /** An index or service file larger than this lists more than any plugin has. */
    private static final int MAX_LIST_BYTES = 1 << 16;
    private static final Pattern BINARY_NAME = Pattern.compile(
            "[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*(\\.[\\p{javaJavaIdentifierStart}]"
                    + "[\\p{javaJavaIdentifierPart}]*)*");

    private ExtensionClasses() {}

    /**
     * The plugin's extension classes by kind ({@link #KINDS}), each list in class-name order.
     *
     * @throws PluginRuntimeException naming the first class that is not a usable extension, and why
     */
    static Map<Class<?>, List<Class<?>>> of(HyperlabPluginClassLoader loader) {
        Map<Class<?>, Set<String>> names = new TreeMap<>((a, b) -> a.getName().compareTo(b.getName()));
        for (Class<?> kind : KINDS) {
            names.put(kind, new TreeSet<>());
        }
        for (String name : listed(loader, INDEX)) {
            Class<?> c = load(loader, name, INDEX);
            List<Class<?>> kinds = KINDS.stream().filter(k -> k.isAssignableFrom(c)).toList();
            if (kinds.isEmpty()) {
                throw refused(loader, name, INDEX, "is not a firmware model, guest driver or backup strategy");
            }
            kinds.forEach(k -> names.get(k).add(name));
        }
        for (Class<?> kind : KINDS) {
            String file = "META-INF/services/" + kind.getName();
            for (String name : listed(loader, file)) {
                Class<?> c = load(loader, name, file);
                if (!kind.isAssignableFrom(c)) {
                    throw refused(loader, name, file, "does not implement " + kind.getSimpleName());
                }
                names.get(kind).add(name);
            }
        }
        Map<Class<?>, List<Class<?>>> out = new TreeMap<>((a, b) -> a.getName().compareTo(b.getName()));
        names.forEach((kind, classes) -> {
            List<Class<?>> loaded = new ArrayList<>();
            for (String name : classes) {
                loaded.add(load(loader, name, "")); // loaded already: this only looks it up
            }
            out.put(kind, Collections.unmodifiableList(loaded));
        });
        return out;
    }

    /** The class names the plugin's own copies of {@code file} list. */
    private static List<String> listed(HyperlabPluginClassLoader loader, String file) {
        List<String> out = new ArrayList<>();
        try {
            for (URL url : Collections.list(loader.findResources(file))) {
                byte[] bytes;
                try (InputStream in = url.openStream()) {
                    bytes = in.readNBytes(MAX_LIST_BYTES + 1);
                }
                if (bytes.length > MAX_LIST_BYTES) {
                    throw problem("plugin '" + loader.plugin() + "' has a " + file + " larger than "
                            + (MAX_LIST_BYTES >> 10) + " KiB");
                }
                for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                    int hash = line.indexOf('#');
                    String name = (hash < 0 ? line : line.substring(0, hash)).strip();
                    if (name.isEmpty()) {
                        continue;
                    }
                    if (!BINARY_NAME.matcher(name).matches() || name.length() > 500) {
                        throw problem("plugin '" + loader.plugin() + "' lists '" + Sanity.printable(name) + "' in " + file
                                + ", which is not a class name");
                    }
                    out.add(name);
                }
            }
        } catch (IOException e) {
            throw problem("plugin '" + loader.plugin() + "': cannot read " + file + ": " + e.getMessage());
        }
        return out;
    }

    private static Class<?> load(HyperlabPluginClassLoader loader, String name, String file) {
        Class<?> c;
        try {
            c = Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            throw refused(loader, name, file, "is not in the plugin");
        } catch (LinkageError e) {
            throw refused(loader, name, file, "cannot be loaded: " + Sanity.printable(String.valueOf(e.getMessage())));
        }
        if (c.getClassLoader() != loader) {
            throw refused(loader, name, file, "is not in the plugin");
        }
        if (c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
            throw refused(loader, name, file, "is abstract");
        }
        try {
            c.getDeclaredConstructor();
        } catch (NoSuchMethodException e) {
            throw refused(loader, name, file, "has no constructor without arguments");
        } catch (LinkageError e) {
            throw refused(loader, name, file, "cannot be loaded: " + Sanity.printable(String.valueOf(e.getMessage())));
        }
        return c;
    }

    private static PluginRuntimeException refused(HyperlabPluginClassLoader loader, String name, String file,
            String why) {
        return problem("plugin '" + loader.plugin() + "' lists class " + name + " in " + file + ", which " + why);
    }

    private static PluginRuntimeException problem(String message) {
        return new PluginRuntimeException(message);
    }
}
