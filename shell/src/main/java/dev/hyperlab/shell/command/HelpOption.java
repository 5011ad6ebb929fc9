package dev.hyperlab.shell.command;

import picocli.CommandLine.Option;

/** The {@code --help} every command and group takes (a picocli mixin): prints the usage from the definition. */
public final class HelpOption {
    @Option(names = "--help", usageHelp = true, description = "Show this help.")
    boolean help;
}
