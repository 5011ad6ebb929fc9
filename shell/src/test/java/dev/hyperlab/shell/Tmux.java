package dev.hyperlab.shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real terminal for REPL tests: a tmux server of our own (its own socket, so no other tmux is touched) running
 * one program in a window; keys are sent with send-keys and the screen read with capture-pane.
 */
final class Tmux implements AutoCloseable {
    private final String socket = "hyperlab-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private final String session = "t";

    static boolean available() {
        try {
            return new ProcessBuilder("tmux", "-V").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts {@code command} in a 120x40 terminal with {@code env} set, in {@code dir}. */
    Tmux(List<String> command, Map<String, String> env, Path dir) {
        StringBuilder line = new StringBuilder("exec env");
        env.forEach((k, v) -> line.append(' ').append(k).append('=').append(quote(v)));
        command.forEach(c -> line.append(' ').append(quote(c)));
        tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", "-c", dir.toString(), line.toString());
        tmux("set-option", "-t", session, "remain-on-exit", "on");
    }

    /** Types {@code keys} (tmux key names such as Enter, Tab, Up, C-c, C-d are sent as keys; other text literally). */
    void send(String... keys) {
        for (String k : keys) {
            if (k.matches("Enter|Tab|Up|Down|Left|Right|Escape|BSpace|C-[a-z]")) {
                tmux("send-keys", "-t", session, k);
            } else {
                tmux("send-keys", "-t", session, "-l", k);
            }
        }
    }

    /** The screen as text (plain, no colours). */
    String screen() {
        return tmux("capture-pane", "-p", "-t", session, "-S", "-200");
    }

    /** Waits until the screen satisfies {@code condition}; fails with the screen when it does not in time. */
    String await(String what, Predicate<String> condition, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        String s = screen();
        while (!condition.test(s)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what + "; the screen:\n" + s);
            }
            sleep(50);
            s = screen();
        }
        return s;
    }

    /** Waits until the screen shows {@code text} {@code times} times. */
    String awaitCount(String text, int times, Duration timeout) {
        return await(times + " x '" + text + "'", s -> count(s, text) >= times, timeout);
    }

    static int count(String s, String text) {
        int n = 0;
        for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * Ctrl-D at an empty prompt, then waits for the shell to exit. It waits for the prompt first: while a command runs
     * the terminal is in canonical mode, where a Ctrl-D ends an empty line of typeahead that is gone once the line
     * editor switches to raw mode for the next prompt (bash loses it the same way).
     */
    void exitAtPrompt(Duration timeout) {
        await("an empty prompt", s -> s.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("").stripTrailing()
                .matches("[a-z]+ [0-9][^>]*>"), timeout);
        send("C-d");
        await("the shell gone", s -> exited(), timeout);
    }

    /** Whether the program in the window has exited. */
    boolean exited() {
        return tmux("display-message", "-p", "-t", session, "#{pane_dead}").strip().equals("1");
    }

    private String tmux(String... args) {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("tmux " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @Override
    public void close() {
        try {
            tmux("kill-server");
        } catch (IllegalStateException e) {
            // the server is gone already
        }
    }
}
