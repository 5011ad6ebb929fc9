package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.api.lab.ConsoleText;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.shell.command.ShellCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.completion.LiveNames;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vm console NAME}: a real VM's serial console, followed live as {@code tail -f} follows a file. */
@Command(name = "console", description = "A real VM's serial console (the QEMU backend): what the guest printed, kept "
        + "in the lab, then followed live until Ctrl-C or the VM's process ends. Read-only: nothing is typed into it.")
final class VmConsole extends ShellCommand {
    /** How often a followed console is read again. */
    private static final long FOLLOW_MILLIS = 100;

    @Parameters(paramLabel = "NAME", description = "The VM.", completionCandidates = LiveNames.Vms.class)
    String name;

    @Option(names = "--no-follow", description = "Print what the console holds and return.")
    boolean noFollow;

    @Option(names = "--lines", paramLabel = "N", description = "Start with the last N lines only (default: all).")
    int lines;

    VmConsole(ShellContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() throws Exception {
        if (lines < 0) {
            throw new ShellException("--lines must be 0 or more", "e.g. --lines 20");
        }
        Vm vm = lab().vm(name);
        AtomicBoolean stop = new AtomicBoolean();
        try (AutoCloseable hook = ctx.onCancel(() -> stop.set(true))) {
            long from = 0;
            if (lines > 0) { // the last lines are in the log's last megabyte (what one call reads)
                long size = vm.console(Long.MAX_VALUE).next();
                ConsoleText end = vm.console(Math.max(0, size - (1 << 20)));
                print(tail(end.text(), lines));
                from = end.next();
            }
            ConsoleText c;
            do { // the rest of what the log holds, a megabyte at a time
                c = vm.console(from);
                print(c.text());
                from = c.next();
            } while (!c.text().isEmpty());
            while (!noFollow && c.live() && !stop.get() && !Thread.currentThread().isInterrupted()) {
                Thread.sleep(FOLLOW_MILLIS);
                c = vm.console(from);
                print(c.text());
                from = c.next();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // Ctrl-C: following ends, the VM goes on
        }
        out().flush();
        return 0;
    }

    private void print(String text) {
        if (!text.isEmpty()) {
            out().print(text.replace("\r", ""));
            out().flush();
        }
    }

    private static String tail(String text, int n) {
        int at = text.length();
        if (text.endsWith("\n")) {
            at--;
        }
        for (int i = 0; i < n && at > 0; i++) {
            at = text.lastIndexOf('\n', at - 1);
            if (at < 0) {
                return text;
            }
        }
        return text.substring(at + 1);
    }
}
