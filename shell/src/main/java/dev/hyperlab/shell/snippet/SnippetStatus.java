package dev.hyperlab.shell.snippet;

import dev.hyperlab.shell.command.ShellContext;

/** What {@code lab info} says about Java snippets, without starting JShell (the first snippet pays for that). */
public final class SnippetStatus {
    private SnippetStatus() {}

    public static String describe(ShellContext ctx) {
        return ctx.existingService(JavaSession.class).map(JavaSession::describe)
                .orElse("JShell not loaded yet (loads with the first java snippet)");
    }
}
