package dev.hyperlab.shell.plugin;

import dev.hyperlab.core.guard.Sanity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.pf4j.PluginRuntimeException;

/**
 * A plugin's zip or jar, read within bounds: a plugin file may be hostile, and a small one can inflate to gigabytes
 * (a zip bomb) or name files outside the directory it is unpacked into (a zip slip). Every entry's name is checked,
 * and its bytes are counted as they inflate, whatever its header claims; the first bound crossed refuses the whole
 * file. PF4J unpacked zips with no bound at all: {@link HyperlabPluginManager} unpacks them here instead.
 *
 * <pre>{@code
 * PluginArchive.check(Path.of("qboot-1.0.0.zip"));                              // throws if out of bounds
 * PluginArchive.unpack(Path.of("plugins/qboot-1.0.0.zip"), Path.of("plugins/qboot-1.0.0"));
 * }</pre>
 */
final class PluginArchive {
    /** Entries in one file: a plugin is its descriptor, its classes and a few libraries. */
    static final int MAX_ENTRIES = 10_000;
    /** Inflated bytes of one entry (a library jar in a zip, a class or resource in a jar). */
    static final long MAX_ENTRY_BYTES = 64L << 20;
    /** Inflated bytes of all entries: what unpacking a plugin may write. */
    static final long MAX_TOTAL_BYTES = 256L << 20;
    /**
     * How much larger than its compressed form an entry may inflate, once past {@link #RATIO_FLOOR}: text and class
     * files compress 3 to 10 times, a zip bomb's zeros about 1,000 times.
     */
    static final long MAX_RATIO = 100;
    /** Entries smaller than this may compress as well as they like. */
    static final long RATIO_FLOOR = 1L << 20;

    private PluginArchive() {}

    /** What to do with each entry: its stream inflates within bounds and throws when it crosses one. */
    private interface EntrySink {
        void accept(ZipEntry entry, String name, InputStream in) throws IOException;
    }

    /**
     * Reads every entry of the zip or jar {@code file} within the bounds.
     *
     * @throws PluginRuntimeException naming the first problem: not a zip, a bound crossed, a bad entry name
     */
    static void check(Path file) {
        try {
            walk(file, (entry, name, in) -> in.transferTo(OutputStream.nullOutputStream()));
        } catch (IOException e) {
            throw problem(file.getFileName() + " is not a readable zip or jar: " + e.getMessage(), e);
        }
    }

    /**
     * Unpacks the zip {@code file} into the directory {@code dir} (replacing what is there), within the bounds, and
     * checks the jars it held. Nothing is left of a refused or failed unpack: the entries go to a hidden directory
     * that is renamed to {@code dir} only when all of them are in.
     *
     * @throws PluginRuntimeException naming the problem
     */
    static void unpack(Path file, Path dir) {
        Path tmp;
        try {
            Files.createDirectories(dir.getParent());
            tmp = PluginFiles.temporary(dir);
            PluginFiles.deleteTree(tmp); // left by a crash
            Files.createDirectory(tmp);
        } catch (IOException e) {
            throw problem("cannot unpack " + file.getFileName() + " into " + dir + ": " + e.getMessage(), e);
        }
        try {
            walk(file, (entry, name, in) -> {
                Path target = tmp.resolve(name).normalize();
                if (!target.startsWith(tmp)) { // a second line behind the name check
                    throw refused(String.valueOf(file.getFileName()), "has an entry '" + Sanity.printable(name)
                            + "' outside the plugin's directory");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            });
            try (var files = Files.walk(tmp)) {
                for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                    check(jar);
                }
            }
            PluginFiles.deleteTree(dir);
            Files.move(tmp, dir);
        } catch (IOException e) {
            throw problem("cannot unpack " + file.getFileName() + " into " + dir + ": " + e.getMessage(), e);
        } finally {
            try {
                PluginFiles.deleteTree(tmp);
            } catch (IOException e) {
                // the failure that got us here is what the user needs; the next unpack removes it
            }
        }
    }

    private static void walk(Path file, EntrySink sink) throws IOException {
        String label = String.valueOf(file.getFileName());
        try (ZipFile zip = new ZipFile(file.toFile())) {
            if (zip.size() > MAX_ENTRIES) {
                throw refused(label, "has " + zip.size() + " entries (at most " + MAX_ENTRIES + ")");
            }
            Set<String> names = new HashSet<>();
            long total = 0;
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                String bad = badName(name);
                if (bad != null) {
                    throw refused(label, "has an entry named '" + Sanity.printable(name) + "' (" + bad + ")");
                }
                if (!names.add(name)) {
                    throw refused(label, "has two entries named '" + Sanity.printable(name) + "'");
                }
                try (Bounded in = new Bounded(zip.getInputStream(e), label, name, e.getCompressedSize(),
                        MAX_TOTAL_BYTES - total)) {
                    sink.accept(e, name, in);
                    total += in.count;
                }
            }
        }
    }

    /** Why {@code name} may not be unpacked, or null: only relative paths that stay inside the directory. */
    private static String badName(String name) {
        if (name.isEmpty() || name.length() > 1024) {
            return "empty or too long";
        }
        if (name.startsWith("/") || name.contains("\\")) {
            return "an absolute path or a backslash";
        }
        for (String part : name.split("/", -1)) {
            if (part.equals("..") || part.equals(".")) {
                return "a '.' or '..' in its path";
            }
        }
        if (name.contains("//") || name.chars().anyMatch(Character::isISOControl)) {
            return "an empty path element or a control character";
        }
        return null;
    }

    private static PluginRuntimeException refused(String file, String why) {
        return problem(file + " " + why, null);
    }

    /** PF4J's exception, without its formatting (a file name may hold a '%'). */
    private static PluginRuntimeException problem(String message, Throwable cause) {
        PluginRuntimeException e = new PluginRuntimeException(message);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /** An entry's inflated bytes, counted as they are read; it throws when a bound is crossed. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private final String file;
        private final String entry;
        private final long compressed;
        private final long totalLeft;
        long count;

        Bounded(InputStream in, String file, String entry, long compressed, long totalLeft) {
            this.in = in;
            this.file = file;
            this.entry = entry;
            this.compressed = Math.max(compressed, 1);
            this.totalLeft = totalLeft;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
                if (count > MAX_ENTRY_BYTES) {
                    throw refused(file, "has an entry '" + Sanity.printable(entry) + "' larger than " + (MAX_ENTRY_BYTES >> 20)
                            + " MiB");
                }
                if (count > totalLeft) {
                    throw refused(file, "inflates to more than " + (MAX_TOTAL_BYTES >> 20) + " MiB");
                }
                if (count > RATIO_FLOOR && count > compressed * MAX_RATIO) {
                    throw refused(file, "has an entry '" + Sanity.printable(entry) + "' that inflates more than "
                            + MAX_RATIO + " times (a zip bomb?)");
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
