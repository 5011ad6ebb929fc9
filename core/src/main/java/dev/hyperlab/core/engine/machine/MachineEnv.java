package dev.hyperlab.core.engine.machine;

import dev.hyperlab.core.sim.Simulation;
import java.util.List;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.engine.image.ImageStore;

/**
 * What a machine needs from the lab it is in, and nothing more: the simulation and its log, the extensions, the
 * image store, the other machines by name. Machines hold this instead of the whole lab, so that they do not depend
 * on every facade operation the lab carries (and a second backend can give machines its own environment).
 */
public interface MachineEnv {
    Simulation sim();

    /** The lab's root seed: boot plans split their random streams from it. */
    long seed();

    /** Whether the event log records (callers skip building words that nobody reads). */
    boolean logging();

    /** One line in the event log, at the current lab time, for {@code machine}. */
    void log(String machine, String... words);

    /** {@link #log(String, String...)} of one to four words, which a lab logs without an array per line. */
    default void log(String machine, String w1) {
        log(machine, new String[] {w1});
    }

    default void log(String machine, String w1, String w2) {
        log(machine, new String[] {w1, w2});
    }

    default void log(String machine, String w1, String w2, String w3) {
        log(machine, new String[] {w1, w2, w3});
    }

    default void log(String machine, String w1, String w2, String w3, String w4) {
        log(machine, new String[] {w1, w2, w3, w4});
    }

    Extensions extensions();

    /** Refuses, changing nothing, when the firmware or one of the drivers is not available now. */
    void requireExtensions(String firmwareId, List<String> driverIds);

    ImageStore images();

    /** The workload with that id, built-in or the lab's own; {@code LabException} when there is none. */
    dev.hyperlab.core.calibration.Workload workload(String id);

    /** The next number in the order of start requests (the start queue's tie-break). */
    long nextRequest();

    HostMachine hostMachine(String name);

    VmMachine vmMachine(String name);

    /** The boot searches of VMs whose disks are unwritten copies of base images, made once per lab. */
    BootSearchMemo bootSearches();

    /** A VM's step finished: the guest's own disk writes of that step are made (labs whose images take them). */
    void guestStepDone(VmMachine vm, PlannedStep step);

    /** The name of the VM that has the disk at lab path {@code path}, or empty when none has. */
    default String diskOwner(String path) {
        return "";
    }

    /** The VMs (names, sorted) that are linked clones of {@code vm}: their disks read through its disks. */
    default List<String> linkedClonesOf(VmMachine vm) {
        return List.of();
    }
}
