package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The one-VM lifecycle verbs: {@code vm shutdown|destroy|reboot|suspend|resume|delete NAME}. Each is one facade
 * call on the VM; the VM's lifecycle refuses what its state does not allow.
 */
final class VmActions {
    private VmActions() {}

    /** A verb on one VM. */
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
                out().println(name + " " + lab.findVm(name).map(v -> v.state().id()).orElse("deleted"));
            }
        }

        @Override
        protected List<String> machines() {
            return List.of(name);
        }
    }

    @Command(name = "shutdown", description = "Ask the guest to shut down cleanly (takes lab time; running -> shutoff).")
    static final class Shutdown extends Action {
        Shutdown(ShellContext ctx) {
            super(ctx);
        }

        @Override
        void act(Vm vm) {
            vm.shutdown();
        }
    }

    @Command(name = "destroy", description = "Stop the VM at once, like pulling the plug (-> shutoff).")
    static final class Destroy extends Action {
        Destroy(ShellContext ctx) {
            super(ctx);
        }

        @Override
        void act(Vm vm) {
            vm.destroy();
        }
    }

    @Command(name = "reboot", description = "Restart the guest: back through firmware, bootloader and OS.")
    static final class Reboot extends Action {
        Reboot(ShellContext ctx) {
            super(ctx);
        }

        @Override
        void act(Vm vm) {
            vm.reboot();
        }
    }

    @Command(name = "suspend", description = "Save the VM's memory to disk and release its host resources.")
    static final class Suspend extends Action {
        Suspend(ShellContext ctx) {
            super(ctx);
        }

        @Override
        void act(Vm vm) {
            vm.suspend();
        }
    }

    @Command(name = "resume", description = "Bring a suspended VM back to running.")
    static final class Resume extends Action {
        Resume(ShellContext ctx) {
            super(ctx);
        }

        @Override
        void act(Vm vm) {
            vm.resume();
        }
    }

    @Command(name = "delete", description = "Remove the VM and its disk images (images attached by path are kept).")
    static final class Delete extends Action {
        Delete(ShellContext ctx) {
            super(ctx);
        }

        @Override
        void act(Vm vm) {
            vm.delete();
        }
    }
}
