package dev.hyperlab.shell.command;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The picocli definitions of a session's command groups, each built the first time it is needed (reflection on a
 * group's classes costs start-up time; {@code lab info} builds only the {@code lab} group). Commands are created
 * with the session's {@link ShellContext} injected into their constructor.
 */
public final class Commands {
    static {
        // picocli's default factory otherwise probes for Groovy's Closure class when first used: a class that is on
        // no jar, so the lookup opens and indexes every jar of the class path (27, GraalJS's among them), tens of
        // milliseconds of every command's start (docs/performance.md, issue 15). The shell has no Groovy.
        System.setProperty("picocli.disable.closures", "true");
    }

    private final ShellContext ctx;
    private final Map<String, CommandLine> built = new HashMap<>();
    private final CommandLine.IFactory factory;

    Commands(ShellContext ctx) {
        this.ctx = ctx;
        this.factory = new ContextFactory(ctx);
    }

    /** The definition of a group, built on first use. */
    public synchronized CommandLine line(CommandGroup group) {
        return built.computeIfAbsent(group.name(), n -> build(group));
    }

    public Optional<CommandLine> line(String name) {
        return ctx.catalog().find(name).map(this::line);
    }

    /** Builds every group now (the REPL does this in the background so the first Tab is instant). */
    public void buildAll() {
        ctx.catalog().groups().forEach(this::line);
    }

    /**
     * Every command path: {@code lab info}, {@code lab apply}, {@code profiles}, ... (groups with subcommands give
     * one path per subcommand, recursively).
     */
    public List<String> paths() {
        List<String> out = new ArrayList<>();
        for (CommandGroup g : ctx.catalog().groups()) {
            collect(line(g).getCommandSpec(), g.name(), out);
        }
        return out;
    }

    /**
     * The command paths that may be offered as the correction of a mistyped command: all but the {@link Destructive}
     * ones (a typo must never turn into a power cut).
     */
    public List<String> suggestible() {
        return paths().stream().filter(p -> !(command(p) instanceof Destructive)).toList();
    }

    /** The command object of a path ({@code host reset}), or null when there is no such command. */
    public Object command(String path) {
        String[] words = path.split(" ");
        Optional<CommandLine> line = line(words[0]);
        if (line.isEmpty()) {
            return null;
        }
        CommandLine cl = line.get();
        for (int i = 1; i < words.length && cl != null; i++) {
            cl = cl.getSubcommands().get(words[i]);
        }
        return cl == null ? null : cl.getCommandSpec().userObject();
    }

    private static void collect(CommandSpec spec, String path, List<String> out) {
        if (spec.subcommands().isEmpty()) {
            out.add(path);
            return;
        }
        for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
            if (e.getKey().equals(e.getValue().getCommandName())) { // aliases once
                collect(e.getValue().getCommandSpec(), path + " " + e.getKey(), out);
            }
        }
    }

    private CommandLine build(CommandGroup group) {
        CommandLine cl = new CommandLine(group.command(), factory);
        if (!cl.getCommandName().equals(group.name())) {
            throw new IllegalStateException("group " + group.name() + " defines command " + cl.getCommandName());
        }
        if (group.command().isAnnotationPresent(StopAtPositional.class)) {
            cl.setStopAtPositional(true);
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setAbbreviatedOptionsAllowed(false);
        cl.setOverwrittenOptionsAllowed(false);
        cl.setOut(ctx.output().out());
        cl.setErr(ctx.output().err());
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(ctx.output().style().ansi() ? Ansi.ON : Ansi.OFF));
        cl.setUsageHelpAutoWidth(false);
        cl.setUsageHelpWidth(Math.min(100, ctx.output().columns()));
        return cl;
    }

    /** Creates command objects with the session's context: a constructor taking {@link ShellContext} wins. */
    private record ContextFactory(ShellContext ctx) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                Constructor<K> c = cls.getDeclaredConstructor(ShellContext.class);
                c.setAccessible(true);
                return c.newInstance(ctx);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
