package dev.hyperlab.shell.command;

/**
 * Marks a command that throws something away for good (a running guest's work, a VM, a snapshot, a host's power):
 * the shell never offers one as the correction of a mistyped command ("did you mean `host reset`?" for
 * {@code host delete} would turn a typo into a power cut).
 */
public interface Destructive {}
