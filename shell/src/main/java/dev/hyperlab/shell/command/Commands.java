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
    /** Groups holding one verb ({@link #lineFor}), by "group verb". */
    private final Map<String, CommandLine> single = new HashMap<>();
    private final CommandLine.IFactory factory;

    Commands(ShellContext ctx) {
        this.ctx = ctx;
        this.factory = new ContextFactory(ctx);
    }

    /**
     * Builds a small definition, so that what every first definition of a JVM makes once is made on the calling
     * thread: the dynamic proxy classes of the annotations ({@code @Command}, {@code @Option}, {@code @Parameters},
     * {@code @Mixin} and the JDK's {@code @Retention}), which no AOT cache holds and which the JDK generates
     * interpreted (35-40 ms of CPU), and picocli's class initialisation. A front end calls this on a spare core as it
     * starts; the definition itself is thrown away. Another thread asking for the same proxy class meanwhile waits
     * for it rather than making it again.
     */
    public static void warmUp() {
        new CommandLine(new Warm(), CommandLine.defaultFactory());
    }

    /** What {@link #warmUp} builds: one of each annotation the shell's commands use. */
    @CommandLine.Command(name = "warm-up")
    private static final class Warm {
        @CommandLine.Mixin
        HelpOption help;
        @CommandLine.Option(names = "--flag")
        boolean flag;
        @CommandLine.Parameters(index = "0", paramLabel = "<name>")
        String name;
    }

    /** The definition of a group, built on first use. */
    public synchronized CommandLine line(CommandGroup group) {
        return built.computeIfAbsent(group.name(), n -> build(group));
    }

    /**
     * The definition to run {@code group args} with. Unattended (-c, a command file, a script), when {@code args}
     * starts with one of the group's verbs, it is a group holding that verb alone: picocli reflects over the one
     * command's class, not over every verb's (the {@code vm} group's 17 verbs, 103 options, were 40 ms of main-thread
     * CPU before {@code vm list} ran; docs/performance.md, issue 15). The REPL, and a line with no verb, an option
     * or an unknown verb (whose error lists or suggests the verbs), get the whole group, as do {@code help} and
     * completion through {@link #line(CommandGroup)}.
     */
    public synchronized CommandLine lineFor(CommandGroup group, java.util.List<String> args) {
        CommandLine whole = built.get(group.name());
        if (whole != null || !ctx.unattended() || args.isEmpty() || args.getFirst().startsWith("-")) {
            return whole != null ? whole : line(group);
        }
        String verb = args.getFirst();
        CommandLine one = single.get(group.name() + " " + verb);
        if (one != null) {
            return one;
        }
        Class<?> verbClass = verbClass(group.command(), verb);
        if (verbClass == null) {
            return line(group);
        }
        Object groupObject;
        try {
            groupObject = factory.create(group.command());
        } catch (Exception e) {
            return line(group);
        }
        CommandLine cl = new CommandLine(CommandSpec.wrapWithoutInspection(groupObject).name(group.name())
                .addMixin("help", CommandSpec.forAnnotatedObject(new HelpOption())), factory);
        cl.addSubcommand(new CommandLine(verbClass, factory));
        configure(group, cl);
        single.put(group.name() + " " + verb, cl);
        return cl;
    }

    /**
     * The class of the group's verb named {@code verb} (or one of its aliases), or null: also when the group defines
     * more than its verbs and {@code --help} (a group option the one-verb group would not have).
     */
    private static Class<?> verbClass(Class<?> groupClass, String verb) {
        CommandLine.Command group = groupClass.getAnnotation(CommandLine.Command.class);
        if (group == null) {
            return null;
        }
        for (java.lang.reflect.Field f : groupClass.getDeclaredFields()) {
            if (f.getType() != HelpOption.class) {
                return null;
            }
        }
        for (java.lang.reflect.Method m : groupClass.getDeclaredMethods()) {
            if (!m.isSynthetic()) {
                return null;
            }
        }
        for (Class<?> c : group.subcommands()) {
            CommandLine.Command sub = c.getAnnotation(CommandLine.Command.class);
            if (sub != null && (sub.name().equals(verb) || java.util.Arrays.asList(sub.aliases()).contains(verb))) {
                return c;
            }
        }
        return null;
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
        return configure(group, cl);
    }

    private CommandLine configure(CommandGroup group, CommandLine cl) {
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
