package dev.hyperlab.shell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.core.lab.Labs;
import dev.hyperlab.shell.command.Dispatcher;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Output;
import dev.hyperlab.shell.render.Style;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The shell in-process, REPL-style: one session (one {@link ShellContext}, one {@link Dispatcher}) over a lab in
 * memory or in a directory, its output captured.
 */
final class ShellFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** What one command printed and whether it succeeded. */
    record Result(boolean ok, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException("not one JSON document: " + out, e);
            }
        }
    }

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    final ShellContext ctx;
    final Dispatcher dispatcher;

    ShellFixture(Supplier<? extends Lab> lab) {
        Output output = new Output(new PrintWriter(out), new PrintWriter(err), Style.PLAIN, () -> 120, false);
        ctx = new ShellContext(lab, output, BuiltInCommands.catalog(), false);
        dispatcher = new Dispatcher(ctx);
    }

    static ShellFixture inMemory() {
        return new ShellFixture(() -> Labs.inMemory(1));
    }

    static ShellFixture in(Path dir) {
        return new ShellFixture(() -> Labs.open(dir, 1));
    }

    /** Runs commands (';' between them) as the REPL would; what they printed. */
    Result run(String commands) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        boolean ok = dispatcher.runText(commands);
        return new Result(ok, out.toString(), err.toString());
    }

    /** Runs commands that must succeed; their output. */
    String ok(String commands) {
        Result r = run(commands);
        if (!r.ok()) {
            throw new AssertionError("'" + commands + "' failed: " + r.err());
        }
        return r.out();
    }

    /** Two running hosts (type 1, type 2) and three VMs defined on them. */
    ShellFixture small() {
        ok("host create esx1 --cores 16 --ram 64GiB --firmware bios; host install esx1 --hypervisor type1;"
                + "host create ws1 --cores 8 --ram 32GiB --firmware bios --disk ssd:512GiB;"
                + "host install ws1 --hypervisor type2 --host-os linux;"
                + "host power-on esx1; host power-on ws1 --wait; wait host esx1;"
                + "vm create web1 --host esx1 --vcpus 2 --memory 4GiB --os linux-server;"
                + "vm create fc1 --host esx1 --vcpus 1 --memory 256MiB --os microvm;"
                + "vm create dev1 --host ws1 --vcpus 2 --memory 2GiB --os linux-server");
        return this;
    }

    @Override
    public void close() {
        ctx.close();
    }
}
