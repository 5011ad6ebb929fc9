package dev.hyperlab.shell.script;

import dev.hyperlab.api.lab.HostPath;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.core.engine.image.DiskFiles;
import dev.hyperlab.core.lab.LabFile;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What of the machine hyperlab runs on a script may name in facade calls ({@link HostPath}): files and directories
 * below its roots (its lab's directory, hyperlab's home, each {@code run --allow-path DIR}), and repository URLs only
 * with {@code run --allow-net}, as Deno's {@code --allow-read}/{@code --allow-net} do. Without it, a script given to
 * run could back up ~/.ssh and copy it to any S3 endpoint signed with the user's keys, or read a block device as a
 * disk image. A {@code js} line is the user's own, as a command is: it names anything ({@link #ANY}).
 *
 * <p>A path is made absolute against the working directory, as the facade makes it, and its longest existing
 * ancestor is resolved through symbolic links, so a link below a root that points elsewhere is outside.
 */
public final class ScriptAccess {
    /** No confinement: {@code js} lines. */
    public static final ScriptAccess ANY = new ScriptAccess(null, true);

    /** Real paths of the roots; null: anything. */
    private final List<Path> roots;
    private final boolean network;

    private ScriptAccess(List<Path> roots, boolean network) {
        this.roots = roots;
        this.network = network;
    }

    /** Confined to {@code roots} (made absolute and real where they exist); URLs only with {@code network}. */
    public static ScriptAccess confined(List<Path> roots, boolean network) {
        List<Path> real = new ArrayList<>();
        for (Path r : roots) {
            Path absolute = r.toAbsolutePath().normalize();
            Path resolved = real(absolute);
            real.add(resolved != null ? resolved : absolute); // a dangling link given as a root: taken as written
        }
        return new ScriptAccess(List.copyOf(real), network);
    }

    /** Refuses the call when an argument of a {@link HostPath} parameter, or a spec's field, names what is outside. */
    void check(Method m, Object[] args, String what) {
        if (roots == null) {
            return;
        }
        Parameter[] params = m.getParameters();
        for (int i = 0; i < params.length && i < args.length; i++) {
            HostPath mark = params[i].getAnnotation(HostPath.class);
            if (mark != null) {
                value(args[i], mark, what);
            } else {
                specs(args[i], what);
            }
        }
        if (m.getName().equals("apply") && args.length == 1 && args[0] instanceof String yaml) {
            specs(LabFile.vms(yaml), what); // a lab file's VMs name their disks too
        }
    }

    private void specs(Object arg, String what) {
        if (arg instanceof List<?> list) {
            list.forEach(e -> specs(e, what));
        } else if (arg instanceof Record r) {
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                HostPath mark = c.getAnnotation(HostPath.class);
                if (mark != null) {
                    try {
                        value(c.getAccessor().invoke(r), mark, what + " " + c.getName());
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException("cannot read " + c, e);
                    }
                }
            }
        }
    }

    private void value(Object v, HostPath mark, String what) {
        if (v instanceof List<?> list) {
            list.forEach(e -> value(e, mark, what));
        } else if (v instanceof String s && !s.isEmpty()) { // empty: the default (a repository in hyperlab's home)
            if (mark.orSize() && isSize(s)) {
                return;
            }
            path(s, what);
        }
    }

    private void path(String s, String what) {
        if (s.startsWith(DiskFiles.MEMORY_PREFIX)) {
            return; // an in-memory lab's image: no file at all
        }
        if (s.contains("://") || s.startsWith("s3:")) {
            if (!network) {
                throw LabException.notAllowed(what + ": a script may not reach " + s, "run --allow-net lets it use"
                        + " the network");
            }
            return;
        }
        Path p;
        try {
            p = real(Path.of(s).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            return; // not a path at all: the facade refuses it in its own words
        }
        for (Path r : roots) {
            if (p != null && p.startsWith(r)) {
                return;
            }
        }
        throw LabException.notAllowed(what + ": " + s + " is outside the directories this script may use",
                "run --allow-path DIR lets it use DIR");
    }

    /** {@code p} with its longest existing ancestor resolved through symbolic links; null when that cannot be. */
    private static Path real(Path p) {
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(p));
        } catch (IOException e) {
            return null; // a dangling link: where it leads cannot be told, so it is taken for outside
        }
    }

    private static boolean isSize(String s) {
        try {
            Sizes.parse(s);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
