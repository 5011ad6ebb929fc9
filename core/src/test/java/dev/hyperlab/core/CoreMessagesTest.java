package dev.hyperlab.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Core speaks the facade's language (issue 22): no string in its main sources names a command-line flag. A message
 * names a request parameter in braces ({@code {maxVcpus}}, {@code {migrate.host}}, see
 * {@link dev.hyperlab.api.lab.LabException}) and the shell renders it as its option; a script reads the facade's name.
 * The only flags allowed are other programs' arguments, listed here with the file that passes them.
 */
class CoreMessagesTest {
    private static final Pattern LITERAL = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern FLAG = Pattern.compile("(?:^|[\\s(\"])(--[a-z][a-z-]*)");
    /** Process arguments (not hyperlab's options) and the documented lifecycle table's request words, by file. */
    private static final Map<String, Set<String>> NOT_OURS = Map.of(
            "QemuBinary.java", Set.of("--version"), // qemu-system-x86_64 --version
            "TinyLinuxImage.java", Set.of("--install"), // the guest installer's argument
            "Posix.java", Set.of("--enable-native-access"), // the JVM's option, for the user's java command line
            "VmLifecycle.java", Set.of("--live")); // the request's words in docs' lifecycle table, not a message

    @Test
    void noMessageOfCoreNamesACommandLineFlag() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path src = Files.exists(root.resolve("src/main/java")) ? root.resolve("src/main/java")
                : root.resolve("core/src/main/java");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    if (line.startsWith("*") || line.startsWith("/*") || line.startsWith("//")) {
                        continue; // documentation, not a message
                    }
                    Matcher literal = LITERAL.matcher(line);
                    while (literal.find()) {
                        Matcher flag = FLAG.matcher(literal.group());
                        while (flag.find()) {
                            if (!NOT_OURS.getOrDefault(f.getFileName().toString(), Set.of()).contains(flag.group(1))) {
                                found.add(src.relativize(f) + ":" + (i + 1) + ": " + literal.group() + " names " + flag.group(1));
                            }
                        }
                    }
                }
            }
        }
        assertThat(found).as("core messages naming a flag: write the facade's parameter in braces instead").isEmpty();
    }
}
