package dev.hyperlab.shell.repl;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.CommandGroup;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.completion.NameProvider;
import dev.hyperlab.shell.script.JsCompletion;
import dev.hyperlab.shell.snippet.JavaSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Tab completion from the picocli definitions (the same ones that parse and print {@code --help}): command groups,
 * verbs, options, and the values an option or parameter takes, live names included (hosts, VMs, ... through the
 * {@link NameProvider} of the {@link LiveNames} kind it declares).
 */
public final class ShellCompleter implements Completer {
    private final ShellContext ctx;

    public ShellCompleter(ShellContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        if (line instanceof CodeLine code) {
            candidates.addAll(code(code));
            return;
        }

        candidates.addAll(candidates(line.words(), line.wordIndex()));
    }

    /**
     * What Tab offers in code: in Java, members, types and keywords from JShell's source analysis (JShell starts on
     * the first such Tab); in JavaScript, the members of {@code lab} and of what its calls return ({@link JsCompletion}).
     */
    public List<Candidate> code(ParsedLine parsed) {
        List<Candidate> out = new ArrayList<>();
        if (!(parsed instanceof CodeLine line)) {
            return out;
        }
        if (line.group().equals("js")) {
            String code = line.code();
            int cursor = Math.max(0, Math.min(line.cursor(), line.line().length()) - line.codeStart());
            JsCompletion.Completion c = JsCompletion.complete(code, cursor);
            int wordStart = line.wordStart() - line.codeStart();
            if (c.anchor() < wordStart) {
                return out;
            }
            String prefix = code.substring(wordStart, c.anchor());
            for (JsCompletion.Member m : c.members()) {
                out.add(new Candidate(prefix + m.text(), m.name(), m.method() ? "methods" : "fields", null, null, null,
                        false));
            }
            return out;
        }
        if (!line.group().equals("java")) {
            return out;
        }
        JavaSession java = ctx.service(JavaSession.class, () -> new JavaSession(ctx));
        String code = line.code();
        int cursor = Math.max(0, Math.min(line.cursor(), line.line().length()) - line.codeStart());
        JavaSession.Completion c = java.complete(code, cursor);
        int wordStart = line.wordStart() - line.codeStart();
        if (c.anchor() < wordStart) {
            return out; // replacing text before the word would need more than one word: offer nothing
        }
        String prefix = code.substring(wordStart, c.anchor());
        for (JavaSession.Candidate k : c.continuations()) {
            String value = prefix + k.text();
            // no space after a completion: code goes on (a call's arguments, the next member)
            out.add(new Candidate(value, k.text(), k.typeMatch() ? "matching type" : "java", null, null, null,
                    false));
        }
        return out;
    }

    /** What Tab offers for word {@code index} of {@code words} (the words before it are complete). */
    public List<Candidate> candidates(List<String> words, int index) {
        List<Candidate> out = new ArrayList<>();
        List<String> before = words.subList(0, Math.min(index, words.size()));
        String current = index < words.size() ? words.get(index) : "";
        int start = commandStart(before);
        before = before.subList(start, before.size());
        if (before.isEmpty()) {
            for (CommandGroup g : ctx.catalog().groups()) {
                out.add(candidate(g.name(), summary(ctx.commands().line(g).getCommandSpec()), "commands"));
            }
            return out;
        }
        Optional<CommandGroup> group = ctx.catalog().find(before.getFirst());
        if (group.isEmpty()) {
            return out;
        }
        CommandSpec spec = ctx.commands().line(group.get()).getCommandSpec();
        int i = 1;
        while (i < before.size() && spec.subcommands().containsKey(before.get(i))) {
            spec = spec.subcommands().get(before.get(i)).getCommandSpec();
            i++;
        }
        if (!spec.subcommands().isEmpty()) {
            if (i == before.size()) {
                for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
                    out.add(candidate(e.getKey(), summary(e.getValue().getCommandSpec()), "verbs"));
                }
            }
            return out;
        }
        OptionSpec previous = before.size() > i ? spec.findOption(before.getLast()) : null;
        if (previous != null && previous.arity().max() > 0) {
            values(previous, before, out);
            return out;
        }
        if (current.startsWith("-")) {
            options(spec, before, out);
            return out;
        }
        int position = 0;
        for (int j = i; j < before.size(); j++) {
            String w = before.get(j);
            if (w.startsWith("-")) {
                OptionSpec o = spec.findOption(w);
                if (o != null && o.arity().max() > 0 && !w.contains("=")) {
                    j++;
                }
            } else {
                position++;
            }
        }
        boolean any = false;
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.index().contains(position)) {
                values(p, before, out);
                any = true;
            }
        }
        if (!any || out.isEmpty()) {
            options(spec, before, out);
        }
        return out;
    }

    /** The first word of the last command on the line (after a {@code ;}). */
    private static int commandStart(List<String> words) {
        int start = 0;
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).equals(";") || words.get(i).endsWith(";")) {
                start = i + 1;
            }
        }
        return start;
    }

    private void options(CommandSpec spec, List<String> before, List<Candidate> out) {
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            String name = o.longestName();
            if (before.contains(name) && !o.isMultiValue()) {
                continue;
            }
            String desc = o.description().length == 0 ? "" : o.description()[0];
            out.add(candidate(name, desc, "options"));
        }
    }

    private void values(ArgSpec arg, List<String> before, List<Candidate> out) {
        Iterable<String> values = arg.completionCandidates();
        if (values instanceof LiveNames live) {
            Optional<NameProvider> provider = ctx.names().find(live.kind());
            Optional<Lab> lab = ctx.openLab();
            if (provider.isPresent() && lab.isPresent()) {
                for (String n : provider.get().names(lab.get(), before)) {
                    out.add(candidate(n, "", live.kind()));
                }
            }
        } else if (values != null) {
            values.forEach(v -> out.add(candidate(v, "", "values")));
        }
    }

    private static Candidate candidate(String value, String description, String group) {
        return new Candidate(value, value, group, description == null || description.isEmpty() ? null : description,
                null, null, true);
    }

    private static String summary(CommandSpec spec) {
        String[] d = spec.usageMessage().description();
        if (d.length == 0) {
            return "";
        }
        int dot = d[0].indexOf(". ");
        String s = dot > 0 ? d[0].substring(0, dot) : d[0];
        return s.length() > 60 ? s.substring(0, 59) + "\u2026" : s;
    }
}
