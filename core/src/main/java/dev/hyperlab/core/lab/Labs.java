package dev.hyperlab.core.lab;

import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.engine.LabModel;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.core.engine.LabCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.core.qemu.QemuLab;
import java.util.stream.Stream;

/**
 * Where labs come from: a directory (created on first use, loaded after) or memory.
 *
 * <pre>{@code
 * try (var lab = Labs.open(Path.of("mylab"), 42)) { ... }
 * }</pre>
 */
public final class Labs {
    /** The seed of a new lab when none is given. */
    public static final long DEFAULT_SEED = 1;

    private Labs() {}

    /** Opens the lab in {@code dir}, creating it with {@code seedIfNew} when the directory holds none. */
    public static LocalLab open(Path dir, long seedIfNew) {
        return open(dir, seedIfNew, Extensions.builtIn());
    }

    /** As {@link #open(Path, long)}, with the extensions (built-ins and plugins) the lab may use. */
    public static LocalLab open(Path dir, long seedIfNew, Extensions extensions) {
        LabDirectory d = LabDirectory.open(dir);
        try {
            LabModel model;
            if (d.hasModel()) {
                model = d.load(extensions);
            } else {
                model = LabModel.create(seedIfNew, extensions, dir);
                d.attachNew(model);
                d.save(model);
            }
            return new LocalLab(d, model, false);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /**
     * Opens the lab in {@code dir} with the backend it has; a new lab gets {@code backend} ({@code simulation} when
     * empty, or {@code qemu}: real QEMU VMs on this machine, docs/qemu.md).
     *
     * @throws LabException when {@code backend} names another backend than the existing lab's
     */
    public static Lab open(Path dir, long seedIfNew, Extensions extensions, Optional<String> backend) {
        boolean qemuLab = QemuLab.isQemuLab(dir);
        boolean simulated = Files.isRegularFile(dir.resolve(LabDirectory.MODEL));
        String given = backend.orElse("");
        if (given.equals("qemu") && simulated || given.equals("simulation") && qemuLab) {
            throw LabException.conflict("the lab in " + dir + " is a " + (qemuLab ? "qemu" : "simulation")
                    + " lab, not a " + given + " one", "leave out {open.backend} to open it, or give a new lab directory");
        }
        if (qemuLab || given.equals("qemu")) {
            return QemuLab.open(dir, () -> LabDirectory.open(dir));
        }
        return open(dir, seedIfNew, extensions);
    }

    /**
     * The labs kept by name in {@code labsDir} ({@code $HYPERLAB_HOME/labs}): each directory holding a saved lab,
     * sorted by name, read without being opened. A directory whose lab cannot be read is left out; none for a
     * directory that does not exist.
     */
    public static List<NamedLab> list(Path labsDir) {
        List<NamedLab> out = new ArrayList<>();
        if (!Files.isDirectory(labsDir)) {
            return out;
        }
        List<Path> dirs;
        try (Stream<Path> s = Files.list(labsDir)) {
            dirs = s.filter(d -> Files.isRegularFile(d.resolve(LabDirectory.MODEL)) || QemuLab.isQemuLab(d)).sorted()
                    .toList();
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot list " + labsDir + ": " + e.getMessage(),
                    "check its permissions", e);
        }
        for (Path d : dirs) {
            if (QemuLab.isQemuLab(d)) {
                try {
                    QemuLab.Summary q = QemuLab.summary(d);
                    out.add(new NamedLab(d.getFileName().toString(), d, q.time(), 1, q.vms(),
                            DiskUsage.of(d, List.of()).allocated(), "qemu"));
                } catch (LabException e) {
                    // a damaged lab file: not one to offer by name
                }
                continue;
            }
            try (InputStream in = Files.newInputStream(d.resolve(LabDirectory.MODEL))) {
                Map<String, Object> doc = LabCodec.readDocument(in);
                out.add(new NamedLab(d.getFileName().toString(), d, Duration.ofNanos(LabCodec.num(doc, "now")),
                        LabCodec.count(doc, "hosts"), LabCodec.count(doc, "vms"),
                        DiskUsage.of(d, List.of()).allocated(), "simulation"));
            } catch (IOException | LabException e) {
                // a damaged or half-written lab: not one to offer by name
            }
        }
        return out;
    }

    /**
     * A lab whose model is never saved but whose images are real files, relative paths resolved as in a lab in
     * {@code dir}: the disk code for labs of another backend (the QEMU backend's disk commands and guest disks).
     */
    public static LocalLab unsavedWithImageFiles(Path dir) {
        return new LocalLab(null, LabModel.create(DEFAULT_SEED, Extensions.builtIn(), dir), false);
    }

    /** A lab that lives only in memory (nothing is saved). */
    public static LocalLab inMemory(long seed) {
        return inMemory(seed, Extensions.builtIn());
    }

    /** As {@link #inMemory(long)}, with the extensions (built-ins and plugins) the lab may use. */
    public static LocalLab inMemory(long seed, Extensions extensions) {
        return new LocalLab(null, LabModel.create(seed, extensions, null), false);
    }
}
