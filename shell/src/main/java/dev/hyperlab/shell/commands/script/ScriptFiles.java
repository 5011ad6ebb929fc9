package dev.hyperlab.shell.commands.script;

import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.completion.NameProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The JavaScript files {@code run} offers on Tab: those in the current directory and in {@code scripts/}. */
public final class ScriptFiles extends LiveNames {
    public static final String KIND = "script";

    /** The provider of this kind, which the {@code run} group registers. */
    public static final NameProvider NAMES = (lab, words) -> list();

    public ScriptFiles() {
        super(KIND);
    }

    /** {@code *.js} in the working directory and its {@code scripts/}, sorted. */
    public static List<String> list() {
        List<String> out = new ArrayList<>();
        for (Path dir : List.of(Path.of("."), Path.of("scripts"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().endsWith(".js") && Files.isRegularFile(f))
                        .map(f -> dir.equals(Path.of(".")) ? f.getFileName().toString() : "scripts/"
                                + f.getFileName())
                        .sorted().forEach(out::add);
            } catch (IOException e) {
                // an unreadable directory offers nothing
            }
        }
        return out;
    }
}
