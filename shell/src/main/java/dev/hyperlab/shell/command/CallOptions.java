package dev.hyperlab.shell.command;

import dev.hyperlab.api.lab.LabException;
import java.util.Map;

/**
 * The shell's words for a parameter of another facade call than the one refused, which a lab's message names with
 * its call ({@code {restoreAsVm.name}}, see {@link LabException}): the command line that gives it. Core knows no
 * flags; the parameters of the refused call itself are the running command's options ({@link Dispatcher}), these are
 * the others: another command's options, or {@code hyperlab}'s own. A test checks that each option here exists.
 */
public final class CallOptions {
    /** By {@code call.parameter}; the call is the facade's method (or the spec record whose field it is). */
    public static final Map<String, String> WORDS = Map.ofEntries(
            Map.entry("restore.path", "--to PATH"),
            Map.entry("restoreFiles.directory", "--to DIR"),
            Map.entry("restoreAsVm.name", "--as-vm NAME"),
            Map.entry("restoreToHost.host", "--to-host HOST"),
            Map.entry("image.host", "backup run HOST --image"),
            Map.entry("backupHostFiles.paths", "backup run HOST --files PATH..."),
            Map.entry("copyFiles.directory", "disk get IMAGE DIR --to TARGET"),
            Map.entry("VmSpec.os", "vm create NAME --os"),
            Map.entry("DiskSpec.os", "disk create FILE --os"),
            Map.entry("setDiskBudget.budget", "lab set --disk-budget"),
            Map.entry("open.dir", "hyperlab --lab DIR"),
            Map.entry("open.backend", "--backend"),
            Map.entry("migrate.host", "--to HOST"),
            Map.entry("linkedCloneAs.name", "--linked"),
            Map.entry("VmChange.vcpus", "--vcpus"),
            Map.entry("VmChange.memoryBytes", "--memory"),
            Map.entry("VmResources.cpuReservationMhz", "--cpu-reservation"),
            Map.entry("HostSpec.cores", "--cores"),
            Map.entry("HostSpec.ramBytes", "--ram"),
            Map.entry("HostSpec.firmware", "host create NAME --firmware"),
            Map.entry("createHost.profileFile", "--profile FILE"),
            Map.entry("calibrate.profileFile", "host calibrate local --out FILE"),
            Map.entry("calibrate.maxAtOnce", "--max"));

    private CallOptions() {}

    /** The command line for {@code parameter} ({@code call.parameter}); the facade's words for one not listed. */
    public static String of(String parameter) {
        String words = WORDS.get(parameter);
        return words != null ? words : LabException.facadeWords(parameter);
    }
}
