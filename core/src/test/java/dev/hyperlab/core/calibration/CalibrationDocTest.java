package dev.hyperlab.core.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every number the model uses names a key of docs/calibration.md, and every such key has a row there. */
class CalibrationDocTest {
    static final Pattern KEY = Pattern.compile("// calibration: ([a-z0-9_.]+)");

    @Test
    void everyKeyCitedInTheCodeHasASourcedRow() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path repo = Files.exists(root.resolve("docs/calibration.md")) ? root : root.getParent();
        String doc = Files.readString(repo.resolve("docs/calibration.md"));
        List<String> cited = new ArrayList<>();
        // the engine's numbers, and those of the plugins built with the project (plugins/*/src/main/java)
        try (Stream<Path> files = Stream.concat(Files.walk(repo.resolve("core/src/main/java")),
                Files.walk(repo.resolve("plugins")).filter(p -> p.toString().contains("/src/main/java/")))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = KEY.matcher(Files.readString(f));
                while (m.find()) {
                    cited.add(m.group(1));
                }
            }
        }
        assertThat(cited).hasSizeGreaterThan(40);
        for (String key : cited) {
            assertThat(doc).as("docs/calibration.md has a row for " + key).contains("| `" + key + "`");
        }
    }

    @Test
    void everyNumberInCalibrationJavaCitesAKey() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path src = root.resolve("src/main/java/dev/hyperlab/core/calibration/Calibration.java");
        if (!Files.exists(src)) {
            src = root.resolve("core").resolve("src/main/java/dev/hyperlab/core/calibration/Calibration.java");
        }
        for (String line : Files.readAllLines(src)) {
            if (line.contains("public static final") && line.contains("=")) {
                assertThat(line).as("a model number without its source key").contains("// calibration: ");
            }
        }
    }
}
