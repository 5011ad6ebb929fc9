package dev.hyperlab.shell.command;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.render.Printable;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Runs commands: finds the group of the first word, parses the rest with its picocli definition, calls the leaf
 * command, and turns every refusal into one line {@code error: WHAT (HINT)} on the error stream. Unknown commands
 * get the nearest known one ("did you mean `vm start`?"). No stack trace reaches the user unless {@code --debug}.
 */
public final class Dispatcher {
    private final ShellContext ctx;
    /** Where the commands being run come from ({@code cmds.hl:12}, {@code stdin:3}), or empty (the REPL, -c). */
    private String location = "";
    /** The command being run, once parsed: its options name the facade's parameters in a refusal's message. */
    private CommandSpec running;

    public Dispatcher(ShellContext ctx) {
        this.ctx = ctx;
    }

    /**
     * {@link #runText(String)} for commands read from a file or stdin: an error says where, {@code FILE:LINE: WHAT}
     * ({@code location} is {@code FILE:LINE}, the line the commands start on).
     */
    public boolean runText(String text, String location) {
        String before = this.location;
        this.location = location;
        try {
            return runText(text);
        } finally {
            this.location = before;
        }
    }

    /**
     * Runs every command in {@code text} ({@code ;} or newlines between them); stops at the first that fails. A code
     * command ({@code js}, {@code java}) takes the rest of the text: {@code vm list; js lab.vms().length} is two
     * commands, {@code js let a = 1; a + 1} one.
     */
    public boolean runText(String text) {
        int code = codeStart(text);
        if (code > 0) {
            return runText(text.substring(0, code)) && (ctx.exitRequested() || runText(text.substring(code)));
        }
        Optional<List<String>> codeWords = code == 0 ? codeCommand(text) : Optional.empty();
        if (codeWords.isPresent()) {
            return run(codeWords.get());
        }
        List<List<String>> commands;
        try {
            commands = Tokenizer.commands(text);
        } catch (ShellException e) {
            ctx.endProgress();
            error(e.getMessage());
            ctx.status(1);
            return false;
        }
        for (List<String> words : commands) {
            if (!run(words)) {
                return false;
            }
            if (ctx.exitRequested()) {
                break;
            }
        }
        return true;
    }

    /**
     * Where the first code command in {@code text} starts (its first word a {@link CommandGroup#multiLine()} group,
     * at the start of a command: after {@code ;} or a newline, outside quotes and comments), or -1.
     */
    int codeStart(String text) {
        boolean start = true;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote == '"') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (start && Character.isWhitespace(c)) {
                continue;
            }
            if (start) {
                start = false;
                int end = i;
                while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != ';') {
                    end++;
                }
                if (ctx.catalog().find(text.substring(i, end)).map(CommandGroup::multiLine).orElse(false)) {
                    return i;
                }
                if (c == '#') { // a comment line
                    int nl = text.indexOf('\n', i);
                    i = nl < 0 ? text.length() : nl;
                    start = true;
                    continue;
                }
            }
            switch (c) {
                case '\\' -> i++;
                case '\'', '"' -> quote = c;
                case ';', '\n', '\r' -> start = true;
                default -> { }
            }
        }
        return -1;
    }

    /**
     * A command of a code group ({@link CommandGroup#multiLine()}: {@code js}, {@code java}) as its words: the group,
     * the command's own leading options ({@code --dry-run}), {@code --} and the rest of the text untouched, as one
     * word. Code is not shell words: its quotes, {@code ;} and newlines belong to it. Empty for any other text.
     */
    Optional<List<String>> codeCommand(String text) {
        String t = text.strip();
        int end = 0;
        while (end < t.length() && !Character.isWhitespace(t.charAt(end))) {
            end++;
        }
        Optional<CommandGroup> group = ctx.catalog().find(t.substring(0, end));
        if (group.isEmpty() || !group.get().multiLine()) {
            return Optional.empty();
        }
        CommandSpec spec = ctx.commands().line(group.get()).getCommandSpec();
        List<String> words = new ArrayList<>(List.of(group.get().name()));
        String rest = t.substring(end).strip();
        while (rest.startsWith("-")) {
            int blank = 0;
            while (blank < rest.length() && !Character.isWhitespace(rest.charAt(blank))) {
                blank++;
            }
            String word = rest.substring(0, blank);
            OptionSpec option = spec.findOption(word.contains("=") ? word.substring(0, word.indexOf('=')) : word);
            if (option == null) {
                break; // code that starts with a minus: -1 + 2
            }
            words.add(word);
            rest = rest.substring(blank).strip();
            if (option.arity().max() > 0 && !word.contains("=")) {
                int next = 0;
                while (next < rest.length() && !Character.isWhitespace(rest.charAt(next))) {
                    next++;
                }
                words.add(rest.substring(0, next));
                rest = rest.substring(next).strip();
            }
        }
        if (!rest.isEmpty() && !words.contains("--help") && !words.contains("-h")) {
            words.add("--");
            words.add(rest);
        }
        return Optional.of(words);
    }

    /** Runs one command given as words; true when it succeeded. */
    public boolean run(List<String> words) {
        if (words.isEmpty()) {
            return true;
        }
        ctx.status(1); // until the command says otherwise
        ctx.showProgress(!words.contains("--json"));
        running = null;
        try {
            return execute(words);
        } catch (ParameterException e) {
            ctx.endProgress();
            error(parameterError(e));
        } catch (LabException e) {
            ctx.endProgress();
            error(e.message(this::option));
            debug(e);
        } catch (ShellException e) {
            ctx.endProgress();
            error(e.getMessage());
            for (String line : e.details()) {
                ctx.output().err().println("    " + Printable.of(line));
            }
            debug(e);
        } catch (RuntimeException | Error e) {
            ctx.endProgress();
            error("internal error: " + e + " (run with --debug for the stack trace, and please report it)");
            debug(e);
        } finally {
            ctx.output().flush();
            Thread.interrupted(); // a cancel nobody took must not reach the next command
            ctx.clearCancel();
        }
        return false;
    }

    private boolean execute(List<String> words) throws ParameterException {
        CommandGroup group = ctx.catalog().find(words.getFirst()).orElseThrow(() -> unknown(words));
        List<String> args = words.subList(1, words.size());
        CommandLine line = ctx.commands().lineFor(group, args);
        CommandSpec spec = line.getCommandSpec();
        if (!spec.subcommands().isEmpty()) {
            if (args.isEmpty()) {
                throw new ShellException("'" + group.name() + "' needs a subcommand: "
                        + String.join(", ", names(spec)), "help " + group.name() + " describes them");
            }
            String verb = args.getFirst();
            if (!verb.startsWith("-") && !spec.subcommands().containsKey(verb)) {
                throw unknown(words);
            }
        }
        checkOptions(spec, args);
        ParseResult parsed = line.parseArgs(args.toArray(String[]::new));
        if (CommandLine.printHelpIfRequested(parsed)) {
            ctx.status(0);
            return true;
        }
        ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        running = leaf.commandSpec();
        Object command = running.userObject();
        if (!(command instanceof Callable<?> callable)) {
            throw new ShellException("'" + leaf.commandSpec().qualifiedName(" ") + "' needs a subcommand",
                    "help " + leaf.commandSpec().qualifiedName(" ") + " describes them");
        }
        try {
            Object rc = callable.call();
            int status = rc instanceof Integer i ? i : 0;
            ctx.status(status);
            return status == 0;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ShellException(e.toString(), "", e);
        }
    }

    /**
     * Refuses an unknown option before picocli parses (picocli would first complain about a missing required
     * option, when the real mistake is the misspelt one), with the nearest option as the hint.
     */
    /** A word that is a negative number, with a unit or not: {@code -1h}, {@code -5GiB}, {@code -0.5}. */
    private static final java.util.regex.Pattern NEGATIVE = java.util.regex.Pattern.compile("-[0-9.][0-9.]*\\s*[A-Za-zµ]*");
    /** Commands whose argument is code, where {@code -1} is an expression. */
    private static final java.util.Set<String> CODE = java.util.Set.of("js", "java", "run");

    private static void checkOptions(CommandSpec spec, List<String> args) {
        int i = 0;
        while (i < args.size() && spec.subcommands().containsKey(args.get(i))) {
            spec = spec.subcommands().get(args.get(i)).getCommandSpec();
            i++;
        }
        for (; i < args.size(); i++) {
            String w = args.get(i);
            if (w.equals("--")) {
                return;
            }
            if (!w.startsWith("-") && spec.parser().stopAtPositional()) {
                return; // the rest belongs to the command's argument (run FILE.js --script-option)
            }
            if (NEGATIVE.matcher(w).matches() && !CODE.contains(spec.root().name())) {
                // picocli takes '-1h' for an unknown option and then misses the duration: no option starts with a
                // digit, so it is a negative size or duration, and every size and duration is 0 or more
                throw new ShellException("'" + w + "' is negative", "sizes and durations are 0 or more");
            }
            if (!w.startsWith("-") || w.length() < 2 || Character.isDigit(w.charAt(1)) || w.charAt(1) == '.') {
                continue;
            }
            String name = w.contains("=") ? w.substring(0, w.indexOf('=')) : w;
            OptionSpec option = spec.findOption(name);
            if (option == null) {
                List<String> known = spec.options().stream().filter(o -> !o.hidden()).map(OptionSpec::longestName)
                        .toList();
                String command = spec.qualifiedName(" ");
                throw new ShellException(command + ": unknown option '" + name + "'", Suggest.nearest(name, known)
                        .map(s -> "did you mean `" + s + "`?").orElse("`" + command + " --help` shows the options"));
            }
            if (option.arity().max() > 0 && !w.contains("=")) {
                i += option.arity().max() == 1 ? 1 : 0;
            }
        }
    }

    private void error(String message) {
        ctx.output().error(location.isEmpty() ? message : location + ": " + message);
    }

    /**
     * A parameter of the facade ({@code os}, {@code hostOs}, {@code swap}, {@code timeout}) as the running command's
     * option spells it ({@code --os}, {@code --host-os}); the name itself when the command has no such option (a lab
     * file's key, a script's field). A parameter of another call ({@code restore.path}) is another command line's
     * ({@link CallOptions}).
     */
    private String option(String parameter) {
        if (parameter.contains(".")) {
            return CallOptions.of(parameter);
        }
        if (running != null) {
            String kebab = parameter.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
            for (String candidate : List.of(kebab, kebab.replaceFirst("-bytes$", ""),
                    kebab.replaceFirst("-bytes-per-second$", ""), kebab.replaceFirst("s$", ""))) {
                OptionSpec o = running.findOption("--" + candidate);
                if (o != null) {
                    return o.longestName();
                }
            }
        }
        return parameter;
    }

    private static List<String> names(CommandSpec spec) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
            if (e.getKey().equals(e.getValue().getCommandName())) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** "unknown command 'vm strat' (did you mean `vm start`?)", or a pointer to {@code help}. */
    ShellException unknown(List<String> words) {
        String first = words.getFirst();
        Optional<CommandGroup> group = ctx.catalog().find(first);
        String typed = group.isPresent() && words.size() > 1 ? first + " " + words.get(1) : first;
        return new ShellException("unknown command '" + typed + "'",
                suggestion(words).map(s -> "did you mean `" + s + "`?").orElse(group.isPresent()
                        ? "help " + group.get().name() + " lists its verbs" : "help lists the commands"));
    }

    private Optional<String> suggestion(List<String> words) {
        String first = words.getFirst();
        List<String> paths = ctx.commands().suggestible();
        Optional<CommandGroup> group = ctx.catalog().find(first);
        if (group.isPresent()) { // a known group, an unknown verb: the nearest verb of that group
            List<String> verbs = paths.stream().filter(p -> p.startsWith(first + " ")).toList();
            return Suggest.nearest(first + " " + words.get(1), verbs);
        }
        Map<String, String> verbs = new java.util.LinkedHashMap<>(); // verb -> first path with it: start -> vm start
        for (String p : paths) {
            if (p.indexOf(' ') > 0 && p.indexOf(' ') == p.lastIndexOf(' ')) {
                verbs.putIfAbsent(p.substring(p.indexOf(' ') + 1), p);
            }
        }
        if (verbs.containsKey(first)) { // a verb without its group: `start web1`
            return Optional.of(verbs.get(first));
        }
        Optional<String> groupName = Suggest.nearest(first, ctx.catalog().names());
        if (groupName.isPresent()) { // `hots list` -> `host list`
            String withVerb = words.size() > 1 ? groupName.get() + " " + words.get(1) : "";
            return Optional.of(paths.contains(withVerb) ? withVerb : groupName.get());
        }
        if (words.size() > 1) {
            Optional<String> two = Suggest.nearest(first + " " + words.get(1), paths);
            if (two.isPresent()) {
                return two;
            }
        }
        return Suggest.nearest(first, verbs.keySet()).map(verbs::get); // a misspelt verb alone: `strat web1`
    }

    private static String parameterError(ParameterException e) {
        String command = e.getCommandLine().getCommandSpec().qualifiedName(" ");
        String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        msg = msg.isEmpty() ? msg : Character.toLowerCase(msg.charAt(0)) + msg.substring(1);
        msg = msg.replaceFirst("^(unknown option|missing required (?:option|options|parameter|parameters)): ", "$1 ");
        String hint = "`" + command + " --help` shows the usage";
        if (e instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            hint = "did you mean `" + u.getSuggestions().getFirst() + "`?";
        }
        return command + ": " + msg + " (" + hint + ")";
    }

    private void debug(Throwable e) {
        if (ctx.debug()) {
            PrintWriter err = ctx.output().err();
            e.printStackTrace(err);
            err.flush();
        }
    }
}
