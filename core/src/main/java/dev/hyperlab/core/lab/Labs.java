package dev.hyperlab.core.lab;

import dev.hyperlab.core.engine.Extensions;
import dev.hyperlab.core.engine.LabModel;
import java.nio.file.Path;

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

    /** A lab that lives only in memory (nothing is saved). */
    public static LocalLab inMemory(long seed) {
        return inMemory(seed, Extensions.builtIn());
    }

    /** As {@link #inMemory(long)}, with the extensions (built-ins and plugins) the lab may use. */
    public static LocalLab inMemory(long seed, Extensions extensions) {
        return new LocalLab(null, LabModel.create(seed, extensions, null), false);
    }
}
