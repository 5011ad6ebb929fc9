package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.Destructive;
import dev.hyperlab.shell.command.Outcome;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.command.WaitOptions;
import dev.hyperlab.shell.completion.LiveNames;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * The one-VM lifecycle verbs: {@code vm shutdown|destroy|reboot|suspend|resume|delete NAME}. Each is one facade
 * call on the VM; the VM's lifecycle refuses what its state does not allow. Those that start lasting work take
 * {@code --wait/--no-wait/--timeout}.
 */
final class VmActions {
    private VmActions() {}

    /** A verb on one VM that takes effect at once. */
    abstract static class Action extends ChangeCommand {
        @Parameters(paramLabel = "NAME", description = "The VM.", completionCandidates = LiveNames.Vms.class)
        String name;

        Action(ShellContext ctx) {
            super(ctx);
        }

        abstract void act(Vm vm);

        @Override
        protected void apply(Lab lab) {
            act(lab.vm(name));
        }

        @Override
        protected void report(Lab lab, boolean dryRun) {
            if (!dryRun) {
                out().println(name + " " + lab.findVm(name).map(v -> style().state(v.state().id())).orElse("deleted"));
            }
        }

        @Override
        protected List<String> machines() {
            return List.of(name);
        }
    }

    /** A verb that starts lasting work (a shutdown, a boot, saving memory): it can wait until the work is over. */
    abstract static class Lasting extends Action {
        @Mixin
        WaitOptions await;

        private Wait wait = Wait.NONE;
        private Duration from;

        Lasting(ShellContext ctx) {
            super(ctx);
        }

        abstract void act(Vm vm, Wait wait);

        /** Whether the verb waits when nobody is at the prompt (batch mode), as virsh does for it. */
        boolean waitsUnattended() {
            return false;
        }

        @Override
        final void act(Vm vm) {
            act(vm, wait);
        }

        @Override
        protected void apply(Lab lab) {
            wait = await.wait(waitsUnattended() && ctx.unattended());
            from = lab.now();
            super.apply(lab);
        }

        @Override
        protected void report(Lab lab, boolean dryRun) {
            if (!dryRun) {
                out().println(Outcome.vm(lab, name, from, wait, style()));
            }
        }
    }

    @Command(name = "shutdown", description = "Ask the guest to shut down cleanly, as the ACPI power button does: it "
            + "stops its services and syncs its file systems (the shutdown phase of its timeline), then powers off. A "
            + "guest that does not answer (no ACPI) or has not shut down when the hypervisor's shutdown timeout (3m) "
            + "runs out is forced off.")
    static final class Shutdown extends Lasting {
        Shutdown(ShellContext ctx) {
            super(ctx);
        }

        @Override
        void act(Vm vm, Wait wait) {
            vm.shutdown(wait);
        }
    }

    @Command(name = "destroy", description = "Stop the VM at once, like pulling the plug (-> shutoff).")
    static final class Destroy extends Action implements Destructive {
        Destroy(ShellContext ctx) {
            super(ctx);
        }

        @Override
        void act(Vm vm) {
            vm.destroy();
        }
    }

    @Command(name = "reboot", description = "Restart the guest: back through firmware, bootloader and OS.")
    static final class Reboot extends Lasting {
        Reboot(ShellContext ctx) {
            super(ctx);
        }

        @Override
        void act(Vm vm, Wait wait) {
            vm.reboot(wait);
        }
    }

    @Command(name = "suspend", description = "Save the VM's memory to disk and release its host resources. Waits "
            + "until it is suspended in batch mode (a command file, piped commands, -c) unless given --no-wait.")
    static final class Suspend extends Lasting {
        Suspend(ShellContext ctx) {
            super(ctx);
        }

        @Override
        boolean waitsUnattended() {
            return true;
        }

        @Override
        void act(Vm vm, Wait wait) {
            vm.suspend(wait);
        }
    }

    @Command(name = "resume", description = "Bring a suspended VM back to running (its memory is read back).")
    static final class Resume extends Lasting {
        Resume(ShellContext ctx) {
            super(ctx);
        }

        @Override
        void act(Vm vm, Wait wait) {
            vm.resume(wait);
        }
    }

    @Command(name = "delete", description = "Remove the VM and its disk images (images attached by path are kept).")
    static final class Delete extends Action implements Destructive {
        Delete(ShellContext ctx) {
            super(ctx);
        }

        @Override
        void act(Vm vm) {
            vm.delete();
        }
    }
}
