package dev.hyperlab.shell.plugin;

import dev.hyperlab.core.guard.PluginCodeLoader;
import dev.hyperlab.core.guard.PluginCodeRewriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.security.CodeSigner;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin's class loader. The plugin's own classes come first (its libraries may differ from the shell's) and are
 * defined as {@link PluginCodeRewriter} rewrites them: with checkpoints where the guard can stop them, and unable to
 * end the process. Three packages always come from the shell: the hyperlab api and apiguardian (so that a plugin that
 * bundles a copy of the api jar by mistake still hands the engine a {@code FirmwareModel} the engine's
 * {@code FirmwareModel} is), and the guard's hooks the rewritten code calls (so that a plugin cannot bring its own).
 */
final class HyperlabPluginClassLoader extends PluginClassLoader implements PluginCodeLoader {
    /** Far more than any class javac writes; a larger entry is not a class file. */
    static final int MAX_CLASS_BYTES = 16 << 20;

    private final String plugin;
    private final PluginCodeRewriter rewriter;
    /** The jars class files were read from, closed with the loader (as {@code getResourceAsStream}'s are). */
    private final List<JarFile> opened = new ArrayList<>();

    HyperlabPluginClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
        super(manager, descriptor, parent);
        this.plugin = descriptor.getPluginId();
        this.rewriter = new PluginCodeRewriter(plugin);
    }

    @Override
    public String plugin() {
        return plugin;
    }

    @Override
    protected boolean shouldDelegateToParent(String className) {
        return super.shouldDelegateToParent(className) || className.startsWith("dev.hyperlab.api.")
                || className.startsWith("org.apiguardian.") || className.startsWith("dev.hyperlab.core.guard.");
    }

    /** One of the plugin's own classes, rewritten; never one of the shell's (PF4J asks the parent after this). */
    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String path = name.replace('.', '/') + ".class";
        URL url = findResource(path);
        if (url == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] code;
        URL location;
        try {
            URLConnection c = url.openConnection();
            location = url;
            if (c instanceof JarURLConnection jar) {
                location = jar.getJarFileURL();
                remember(jar.getJarFile());
                definePackageOf(name, jar.getManifest(), location);
            } else {
                definePackageOf(name, null, location);
            }
            try (InputStream in = c.getInputStream()) {
                code = in.readNBytes(MAX_CLASS_BYTES + 1);
            }
        } catch (IOException e) {
            throw new ClassNotFoundException("plugin '" + plugin + "': cannot read " + path + ": " + e.getMessage(), e);
        }
        if (code.length > MAX_CLASS_BYTES) {
            throw new ClassFormatError("plugin '" + plugin + "': " + path + " is larger than "
                    + (MAX_CLASS_BYTES >> 20) + " MiB, which no class file is");
        }
        try {
            code = rewriter.rewrite(code);
        } catch (IllegalArgumentException e) {
            throw new ClassFormatError("plugin '" + plugin + "': " + path + " is not a class file hyperlab can load ("
                    + e.getMessage() + ")");
        }
        return defineClass(name, code, 0, code.length, new CodeSource(location, (CodeSigner[]) null));
    }

    private void definePackageOf(String className, Manifest manifest, URL location) {
        int dot = className.lastIndexOf('.');
        if (dot < 0) {
            return;
        }
        String pkg = className.substring(0, dot);
        if (getDefinedPackage(pkg) == null) {
            try {
                if (manifest != null) {
                    definePackage(pkg, manifest, location);
                } else {
                    definePackage(pkg, null, null, null, null, null, null, null);
                }
            } catch (IllegalArgumentException e) {
                // defined by another thread in the meantime
            }
        }
    }

    private synchronized void remember(JarFile jar) {
        if (!opened.contains(jar)) {
            opened.add(jar);
        }
    }

    @Override
    public void close() throws IOException {
        super.close();
        synchronized (this) {
            for (JarFile jar : opened) {
                jar.close();
            }
            opened.clear();
        }
    }
}
