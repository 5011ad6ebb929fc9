package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * A virtual machine of the lab. A handle: it names the VM and reads or changes its current state on each call.
 *
 * <p>Lifecycle (each transition not listed is refused with {@link LabException.Kind#NOT_ALLOWED}):
 * <pre>
 * defined  -- start    --> starting --> running
 * shutoff  -- start    --> starting
 * crashed  -- start    --> starting
 * starting -- destroy  --> shutoff
 * running  -- shutdown --> shutoff      (guest shutdown, takes lab time)
 * running  -- destroy  --> shutoff      (power cut)
 * running  -- reboot   --> starting
 * running  -- suspend  --> suspended    (memory saved to disk)
 * suspended -- resume  --> running
 * any but starting/running -- delete --> gone
 * </pre>
 *
 * <pre>{@code
 * Vm vm = lab.vm("web1");
 * vm.start();
 * vm.waitFor(VmState.RUNNING, Duration.ofMinutes(2));
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public interface Vm {

    String name();

    VmState state();

    /** A snapshot of the VM's configuration and state. */
    VmInfo info();

    /** Asks the host's hypervisor to start the VM (subject to its start policy). The host must be running. */
    void start();

    /** Asks the guest to shut down cleanly. */
    void shutdown();

    /** Stops the VM at once, like pulling the plug. */
    void destroy();

    /** Restarts the guest: it goes back through firmware, bootloader and OS. */
    void reboot();

    /** Saves the VM's memory to disk and releases its host resources. */
    void suspend();

    /** Brings a suspended VM back to running. */
    void resume();

    /** Removes the VM and its disk images (images attached by path are kept). */
    void delete();

    /** Its memory as the hypervisor sees it ({@code mem stat}). */
    VmMemory memory();

    /**
     * Sets the balloon target: the logical memory size the guest should have (QMP's {@code balloon}). Needs a
     * balloon driver in the guest; the balloon reaches it at the driver's pace. At most the configured memory.
     */
    void setBalloonTarget(long bytes);

    /** {@link #setBalloonTarget(long)} with a size as people write it ({@code 8GiB}). */
    default void setBalloonTarget(String size) {
        setBalloonTarget(Sizes.parse(size));
    }

    /** Runs the simulation until the VM is in {@code state}; fails if it crashes or the timeout passes first. */
    void waitFor(VmState state, Duration timeout);
}
