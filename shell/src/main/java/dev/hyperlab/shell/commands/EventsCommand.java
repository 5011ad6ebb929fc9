package dev.hyperlab.shell.commands;

import dev.hyperlab.api.lab.EventFilter;
import dev.hyperlab.api.lab.LabEvent;
import dev.hyperlab.core.lab.EventLogFile;
import dev.hyperlab.shell.command.Args;
import dev.hyperlab.shell.command.ShellCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Json;
import dev.hyperlab.shell.render.Times;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code events [--vm NAME] [--since T] [--last N] [--follow] [--json]}, as {@code virsh event} and
 * {@code govc events}: what happened to the hosts and VMs, from the lab's event log.
 */
@Command(name = "events", description = "The lab's events, oldest first: state changes, boot phases, snapshots, "
        + "backups, memory moves. --follow keeps printing new ones as the lab runs (Ctrl-C ends it); it reads the "
        + "log without opening the lab, so it can watch a lab another hyperlab is driving (hyperlab --lab DIR -c "
        + "'events --follow'). JSON: one object a line, {\"time\": seconds, \"machine\": ..., \"event\": ...}.")
public final class EventsCommand extends ShellCommand {
    /** How often --follow looks for new lines (wall clock: it only paces the screen, never the lab). */
    private static final long FOLLOW_POLL_MS = 200;

    @Option(names = {"--vm", "--host"}, paramLabel = "NAME", description = "Only events of this VM or host.",
            completionCandidates = LiveNames.Machines.class)
    String machine = "";

    @Option(names = "--since", paramLabel = "T", description = "Only events at this lab time or later (1h, 2d).")
    String since = "";

    @Option(names = "--last", paramLabel = "N", description = "Only the newest N events (before --follow's new ones).")
    int last;

    @Option(names = "--follow", description = "Keep printing events as they are logged, until Ctrl-C.")
    boolean follow;

    @Option(names = "--json", description = "One JSON object a line (JSON Lines).")
    boolean json;

    EventsCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        EventFilter filter = new EventFilter(machine, since.isEmpty() ? Duration.ZERO : Args.duration("--since",
                since), last);
        if (!follow) {
            // the session's lab when it is open (the facade checks the name); else the log, read without the lock
            List<LabEvent> events = ctx.openLab().isPresent() || ctx.labDirectory().isEmpty()
                    ? lab().events(filter) : EventLogFile.read(ctx.labDirectory().get(), filter);
            events.forEach(this::print);
            if (events.isEmpty() && !json) {
                out().println("no events" + (machine.isEmpty() && since.isEmpty() ? " yet" : " match"));
            }
            out().flush();
            return 0;
        }
        Path dir = ctx.labDirectory().orElseThrow(() -> new ShellException("only a lab in a directory has an event "
                + "log to follow", "hyperlab --lab DIR"));
        ArrayDeque<LabEvent> tail = new ArrayDeque<>();
        long at = EventLogFile.follow(dir, 0, filter, e -> {
            tail.addLast(e);
            if (last > 0 && tail.size() > last) {
                tail.removeFirst();
            }
        });
        tail.forEach(this::print);
        out().flush();
        AtomicBoolean stop = new AtomicBoolean();
        try (AutoCloseable hook = ctx.onCancel(() -> stop.set(true))) {
            while (!stop.get()) {
                Thread.sleep(FOLLOW_POLL_MS);
                at = EventLogFile.follow(dir, at, filter, this::print);
                out().flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // Ctrl-C: the follow is over
        } catch (Exception e) {
            throw new IllegalStateException(e); // closing the cancel hook: it cannot fail
        }
        return 0;
    }

    private void print(LabEvent e) {
        if (json) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("time", e.time());
            line.put("machine", e.machine());
            line.put("event", e.event());
            Json.line(line, out());
        } else {
            out().printf("%14s  %-14s  %s%n", Times.at(e.time()), e.machine(), e.event());
        }
    }
}
