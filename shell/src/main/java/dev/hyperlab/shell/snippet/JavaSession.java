package dev.hyperlab.shell.snippet;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.LineStream;
import dev.hyperlab.shell.script.HeapWatch;
import dev.hyperlab.shell.script.ScriptOutcome;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import jdk.jshell.execution.LocalExecutionControlProvider;

/**
 * Java snippets in one shell session, through the JDK's JShell API: in this JVM (execution engine "local"), with the
 * shell's class path, and {@code lab} defined as the session's live lab ({@link SnippetLabs}), so a snippet sees and
 * changes the very lab the commands do. Snippets build on each other as in {@code jshell}: a variable or method
 * declared in one is there in the next. JShell starts with the first snippet or the first Tab on one (a
 * {@link ShellContext#service}): about a second once, never at start-up.
 *
 * <p>A snippet runs on a thread of its own (JShell's local engine starts one per snippet) with {@code System.out} and
 * {@code System.err} sent to the shell's output for its duration. Ctrl-C stops it: JShell checks for a stop request
 * at every backward branch of snippet code (an endless loop ends), and the shell's cancel request stops a simulation
 * the snippet is running ({@code lab.advance}) at its next consistent point.
 */
public final class JavaSession implements AutoCloseable {
    /** Where errors in snippets are located: {@code java:LINE:COLUMN}. */
    private static final String NAME = "java";

    private final ShellContext shell;
    private final int id;
    private volatile Lab current;
    private JShell jshell;
    private int evaluated;
    private volatile boolean stopped;

    public JavaSession(ShellContext shell) {
        this.shell = shell;
        this.id = SnippetLabs.register(() -> current != null ? current : shell.lab());
    }

    /** What {@code lab info} says. */
    public synchronized String describe() {
        return jshell == null ? "JShell not loaded yet (loads with the first java snippet)"
                : "JShell " + Runtime.version().feature() + " in this JVM (local execution), " + evaluated
                        + " snippet(s) evaluated";
    }

    /**
     * Evaluates {@code code} (one or more snippets) with {@code lab} as the snippets' {@code lab}: the session's lab,
     * or a dry run's copy. Values are printed as jshell does ({@code $1 ==> 3}, {@code x ==> 3}).
     */
    public synchronized ScriptOutcome eval(String code, Lab lab) {
        JShell js = jshell();
        PrintStream out = new PrintStream(new LineStream(shell.output().out()), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new LineStream(shell.output().err()), true, StandardCharsets.UTF_8);
        PrintStream systemOut = System.out;
        PrintStream systemErr = System.err;
        current = lab;
        stopped = false;
        try (AutoCloseable hook = shell.onCancel(this::stop)) {
            System.setOut(out);
            System.setErr(err);
            SourceCodeAnalysis sca = js.sourceCodeAnalysis();
            String rest = code;
            int offset = 0;
            while (!rest.isBlank()) {
                SourceCodeAnalysis.CompletionInfo info = sca.analyzeCompletion(rest);
                if (info.completeness() == SourceCodeAnalysis.Completeness.DEFINITELY_INCOMPLETE) {
                    return ScriptOutcome.failure(NAME + ":" + position(code, code.length())
                            + ": incomplete snippet (close what is open, end the statement with ;)", null);
                }
                String source = info.completeness() == SourceCodeAnalysis.Completeness.UNKNOWN ? rest : info.source();
                String remaining = info.completeness() == SourceCodeAnalysis.Completeness.UNKNOWN ? ""
                        : info.remaining();
                int consumed = rest.length() - remaining.length();
                Optional<String> failure = report(js, js.eval(source), code, offset + leading(rest), out);
                evaluated++;
                if (failure.isPresent()) {
                    return ScriptOutcome.failure(failure.get(), null);
                }
                offset += consumed;
                rest = remaining;
            }
            return ScriptOutcome.success();
        } catch (Exception e) {
            throw new IllegalStateException(e); // closing the cancel hook: it cannot fail
        } finally {
            out.flush();
            err.flush();
            System.setOut(systemOut);
            System.setErr(systemErr);
            current = null;
        }
    }

    /** Prints what the snippet's events show; the error line if it failed. */
    private Optional<String> report(JShell js, List<SnippetEvent> events, String code, int start, PrintStream out) {
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) {
                continue; // a dependent snippet updated: jshell shows these only when asked
            }
            Snippet s = e.snippet();
            if (e.status() == Snippet.Status.REJECTED) {
                List<Diag> diags = js.diagnostics(s).filter(Diag::isError).toList();
                Diag d = diags.isEmpty() ? null : diags.getFirst();
                String where = d == null ? NAME : NAME + ":" + position(code, start + (int) Math.max(0,
                        d.getStartPosition()));
                return Optional.of(where + ": " + (d == null ? "the snippet was rejected" : message(d)));
            }
            if (stopped) {
                return Optional.of(NAME + ": stopped (Ctrl-C)");
            }
            if (e.exception() != null) {
                return Optional.of(exception(e.exception()));
            }
            if (e.value() != null && !e.value().isEmpty()) {
                if (s instanceof VarSnippet v) {
                    out.println(v.name() + " ==> " + e.value());
                } else if (s instanceof ExpressionSnippet x) {
                    out.println(x.name() + " ==> " + e.value());
                }
            }
            if (e.status() == Snippet.Status.RECOVERABLE_DEFINED || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                shell.output().note("note: " + s.source().strip() + " refers to what is not declared yet; it can be "
                        + "used once that is");
            }
        }
        return Optional.empty();
    }

    private static String exception(JShellException e) {
        if (e instanceof EvalException ee) {
            String cls = ee.getExceptionClassName();
            if (cls.equals(LabException.class.getName())) {
                return ee.getMessage(); // a refusal of the facade reads as the command's would
            }
            if (cls.equals(OutOfMemoryError.class.getName())) {
                return NAME + ": " + HeapWatch.outOfMemory(); // said as a script's is, not as the JVM's error
            }
            String simple = cls.substring(cls.lastIndexOf('.') + 1);
            return ee.getMessage() == null ? simple : simple + ": " + ee.getMessage();
        }
        if (e instanceof UnresolvedReferenceException u) {
            return NAME + ": " + u.getSnippet().source().strip() + " cannot be used until what it refers to is "
                    + "declared";
        }
        return String.valueOf(e.getMessage());
    }

    /** A compiler message on one line: {@code cannot find symbol (symbol: variable foo)}. */
    private static String message(Diag d) {
        List<String> lines = d.getMessage(Locale.ROOT).lines().map(String::strip).filter(l -> !l.isEmpty())
                .toList();
        if (lines.isEmpty()) {
            return "error";
        }
        List<String> detail = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            if (l.startsWith("symbol:") || l.startsWith("required:") || l.startsWith("found:")) {
                detail.add(l.replaceAll("\\s+", " "));
            }
        }
        return lines.getFirst() + (detail.isEmpty() ? "" : " (" + String.join(", ", detail) + ")");
    }

    /** {@code LINE:COLUMN} of {@code index} in {@code code}, both from 1. */
    private static String position(String code, int index) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < Math.min(index, code.length()); i++) {
            if (code.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return line + ":" + column;
    }

    /** The blanks JShell drops before a snippet, so positions count from where the snippet really starts. */
    private static int leading(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * Completions of Java at {@code cursor} in {@code code} (the same Tab key as commands): the text from
     * {@code anchor} on is replaced by each continuation.
     *
     * @param anchor where the completed text starts
     * @param continuations what can go there, each marked {@code typeMatch} when its type fits the context
     */
    public record Completion(int anchor, List<Candidate> continuations) {}

    /**
     * One completion.
     *
     * @param text the continuation
     * @param typeMatch whether its type matches what the context expects (offered first)
     */
    public record Candidate(String text, boolean typeMatch) {}

    /** What Tab offers at {@code cursor} in {@code code}. */
    public synchronized Completion complete(String code, int cursor) {
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> s = jshell().sourceCodeAnalysis().completionSuggestions(code, cursor,
                anchor);
        return new Completion(anchor[0], s.stream().map(x -> new Candidate(x.continuation(), x.matchesType()))
                .toList());
    }

    private void stop() {
        stopped = true;
        JShell js = jshell;
        if (js != null) {
            try {
                js.stop();
            } catch (IllegalStateException e) {
                // closed meanwhile: nothing runs any more
            }
        }
    }

    /** JShell, started on first use with the shell's class path and {@code lab} defined. */
    private JShell jshell() {
        if (jshell == null) {
            Thread t = Thread.currentThread();
            ClassLoader loader = t.getContextClassLoader(); // JShell's local engine replaces it on this thread
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            try {
                JShell js = JShell.builder().executionEngine(new LocalExecutionControlProvider(), Map.of())
                        .in(InputStream.nullInputStream()).out(quiet).err(quiet).build();
                for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                    if (!entry.isBlank()) {
                        js.addToClasspath(entry);
                    }
                }
                for (String preset : List.of("import dev.hyperlab.api.lab.*;", "import java.time.*;",
                        "import java.util.*;", "Lab lab = " + SnippetLabs.class.getName() + ".lab(" + id + ");")) {
                    for (SnippetEvent e : js.eval(preset)) {
                        if (e.status() != Snippet.Status.VALID || e.exception() != null) {
                            throw new IllegalStateException("JShell could not define " + preset + ": "
                                    + js.diagnostics(e.snippet()).map(d -> d.getMessage(Locale.ROOT)).toList());
                        }
                    }
                }
                jshell = js;
            } finally {
                t.setContextClassLoader(loader);
            }
        }
        return jshell;
    }

    @Override
    public synchronized void close() {
        SnippetLabs.unregister(id);
        if (jshell != null) {
            jshell.close();
            jshell = null;
        }
    }
}
