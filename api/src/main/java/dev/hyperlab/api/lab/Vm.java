package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import java.util.List;
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
 * running  -- shutdown --> shutoff      (guest shutdown, takes lab time; forced off after a timeout)
 * running  -- destroy  --> shutoff      (power cut)
 * paused   -- destroy  --> shutoff      (power cut while a snapshot saves or a revert loads its state)
 * running  -- reboot   --> starting
 * running  -- suspend  --> suspended    (memory saved to disk)
 * suspended -- resume  --> running
 * any but starting/running/paused -- delete --> gone   (a paused VM holds its host's memory: destroy it first)
 * running/starting -- snapshot create --> paused --> as it was   (while its state is saved)
 * defined/shutoff/crashed -- snapshot create --> as it was        (its disks only)
 * any -- snapshot revert --> the snapshot's state                 (running ones via paused, loading their state)
 * defined/shutoff/crashed -- set --> as it was                    (its definition changes: vm set)
 * defined/shutoff/crashed -- clone --> as it was                  (a copy appears, defined: vm clone)
 * defined/shutoff/crashed -- migrate --> as it was                (on another host: vm migrate, offline)
 * running -- migrate --live --> running                         (on another host: pre-copy, paused to stop-and-copy)
 * defined/shutoff/crashed -- rename --> as it was                 (under its new name: vm rename)
 * </pre>
 *
 * <p>A call that starts lasting work returns at once; its overload taking a {@link Wait} returns once the work is over.
 *
 * <pre>{@code
 * Vm vm = lab.vm("web1");
 * vm.start();
 * vm.waitFor(VmState.RUNNING, Duration.ofMinutes(2));
 * vm.shutdown(Wait.DONE);   // returns once the guest has shut down
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public interface Vm {

    String name();

    VmState state();

    /** A snapshot of the VM's configuration and state. */
    @API(status = EXPERIMENTAL, since = "0.1")
    VmInfo info();

    /** Asks the host's hypervisor to start the VM (subject to its start policy). The host must be running. */
    void start();

    /** {@link #start()}, then waits as {@code wait} says until the VM runs (its boot is over). */
    @API(status = EXPERIMENTAL, since = "0.1")
    void start(Wait wait);

    /**
     * Asks the guest to shut down cleanly, as a hypervisor does with the ACPI power button: the guest stops its
     * services and syncs its file systems, which takes lab time (the {@code shutdown} phase of its timeline), then
     * powers off. A guest that has not shut down when the hypervisor's shutdown timeout runs out, or that does not
     * answer the request at all (no ACPI), is forced off, as {@link #destroy()} would.
     */
    void shutdown();

    /** {@link #shutdown()}, then waits as {@code wait} says until the VM is shut off. */
    @API(status = EXPERIMENTAL, since = "0.1")
    void shutdown(Wait wait);

    /** Stops the VM at once, like pulling the plug. */
    void destroy();

    /** Restarts the guest: it goes back through firmware, bootloader and OS. */
    void reboot();

    /** {@link #reboot()}, then waits as {@code wait} says until the VM runs again. */
    @API(status = EXPERIMENTAL, since = "0.1")
    void reboot(Wait wait);

    /** Saves the VM's memory to disk and releases its host resources. */
    @WaitsUnattended
    void suspend();

    /** {@link #suspend()}, then waits as {@code wait} says until the VM is suspended. */
    @API(status = EXPERIMENTAL, since = "0.1")
    void suspend(Wait wait);

    /** Brings a suspended VM back to running. */
    void resume();

    /** {@link #resume()}, then waits as {@code wait} says until the VM runs. */
    @API(status = EXPERIMENTAL, since = "0.1")
    void resume(Wait wait);

    /** Removes the VM and its disk images (images attached by path are kept). */
    void delete();

    /**
     * Changes the VM's definition ({@code vm set}) while it is defined, shut off or crashed: vCPUs, memory,
     * firmware, drivers and start-policy group, as {@code virsh ... --config} does; the next boot shows the guest's
     * reaction (a boot disk without its driver stops the boot). A running VM is refused ({@code NOT_ALLOWED}: memory
     * and CPU hot-plug are not modelled). A value out of range, an unknown driver or firmware, a driver installed
     * twice or removed when not installed is refused ({@code INVALID}, {@code NOT_FOUND}), changing nothing. Returns
     * the VM as it is after the change.
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    VmInfo set(VmChange change);

    /**
     * Clones the VM as {@code name} ({@code vm clone}), as {@code virt-clone} does: the same definition on the same host,
     * defined, with a full copy of every disk in images of its own (the data as the guest sees it; the source's
     * snapshots and backups stay with the source) and its Secure Boot keys. Allowed while the VM is defined, shut off
     * or crashed. The lab's clock runs on for the time the host's datastore takes to read and write the data. A name
     * in use is refused ({@code CONFLICT}), changing nothing. Returns the clone.
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    Vm cloneAs(String name);

    /**
     * A linked clone ({@code vm clone --linked}), as {@code qemu-img create -b} and Proxmox's linked clones make one:
     * every disk of the clone is a thin qcow2 overlay whose backing file is this VM's disk, so it takes no copy and
     * next to no lab time (the overlay's metadata written once). This VM then serves as the clone's template: while a
     * linked clone reads through its disks it is not started, reverted or deleted (refused, naming the clone). The
     * clone gets a new identity, as {@link #cloneAs} gives. Returns the clone.
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    Vm linkedCloneAs(String name);

    /**
     * Sets the VM's resource controls ({@code vm set --cpu-shares --cpu-reservation --cpu-limit --mem-reservation
     * --mem-limit}; see {@link VmResources}), in any state, as vSphere changes a VM's resource allocation while it runs:
     * the CPU controls apply from the VM's next step of work, the memory ones from its next reclaim or touch of memory. A reservation its running VM's
     * host cannot cover is refused ({@code INSUFFICIENT}), as is a limit below the reservation ({@code INVALID});
     * nothing changes then. Returns the VM as it is after.
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    VmInfo setResources(VmResources resources);

    /**
     * Moves the stopped VM to host {@code host} ({@code vm migrate --to}), as Proxmox's {@code qm migrate} of a stopped VM
     * on local storage: its disks' data goes from this host's datastore to the other's, and the lab's clock runs on
     * for the copy. The destination must run a hypervisor and have the cores and memory the VM is given. A running VM
     * is refused ({@code NOT_ALLOWED}: {@link #migrate(String, MigrateOptions)} with {@link MigrateOptions#LIVE} moves
     * it), as is its own host ({@code INVALID}).
     * Returns the VM as it is after the move.
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    VmInfo migrate(String host);

    /**
     * Moves the VM to host {@code host} as {@code options} say ({@code vm migrate --to [--live]}). Live, a running VM
     * moves as QEMU's pre-copy migration moves it: its local disks are copied first (block migration), then its memory
     * in use in rounds over the hosts' link, each round sending what the guest's workload dirtied during the last,
     * until the remainder fits the downtime limit; the guest pauses for that stop-and-copy and runs on the destination
     * with its workload, memory, disks and history. The lab runs on meanwhile. A migration that would never converge
     * (the guest dirties memory at least as fast as the link sends it) is refused with both rates ({@code
     * INSUFFICIENT}) unless {@code autoConverge} throttles the guest; so is a destination without room. A stopped VM
     * with {@code live} is refused ({@code NOT_ALLOWED}), as a running one without it. Nothing changes when refused.
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    MigrationInfo migrate(String host, MigrateOptions options);

    /**
     * Renames the stopped VM ({@code vm rename}), as {@code virsh domrename}: it keeps its host, definition, history
     * and disk files (where they are). This handle keeps the old name: use the one returned. A name in use is refused
     * ({@code CONFLICT}), as is a VM with snapshots holding its running state ({@code NOT_ALLOWED}: that state names
     * the VM), changing nothing.
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    Vm rename(String newName);

    /** Its memory as the hypervisor sees it ({@code mem stat}). */
    @API(status = EXPERIMENTAL, since = "0.1")
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

    /**
     * The VM's serial console log from byte {@code from} on (see {@link ConsoleText}). Real VMs (the QEMU backend,
     * docs/qemu.md) have one; simulated VMs do not.
     *
     * @throws LabException NOT_ALLOWED for a simulated VM
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    default ConsoleText console(long from) {
        throw LabException.notAllowed("VM " + name() + " is simulated: it has no serial console",
                "real VMs have one (hyperlab --backend qemu, docs/qemu.md)");
    }

    // ---- snapshots (docs/snapshots.md) ----------------------------------------------------------------------------

    /**
     * Every snapshot of the VM ({@code snapshot list}): hyperlab's in the order they were taken, then those made
     * outside hyperlab that its first disk holds ({@link SnapshotInfo#external()}).
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    java.util.List<SnapshotInfo> snapshots();

    /** The snapshot named {@code name}; throws {@link LabException} ({@code NOT_FOUND}) if the VM has none. */
    @API(status = EXPERIMENTAL, since = "0.1")
    SnapshotInfo snapshot(String name);

    /**
     * Takes a snapshot ({@code snapshot create}): every disk of the VM at once, all or none, and, unless the VM is
     * stopped or {@code options} say disk only, its whole runtime state (memory, balloon, the work in progress) in
     * the first disk's VM-state area. A running VM pauses while its state is written (the {@code snapshot} phase of
     * its timeline) and then goes on where it was. The new snapshot's parent is the current one; it becomes current.
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    @WaitsUnattended
    SnapshotInfo createSnapshot(String name, SnapshotOptions options);

    /**
     * {@link #createSnapshot(String, SnapshotOptions)}, then waits as {@code wait} says until the VM's pause is over
     * (it runs again, or goes on with its boot).
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    SnapshotInfo createSnapshot(String name, SnapshotOptions options, Wait wait);

    /** {@link #createSnapshot(String, SnapshotOptions)} with memory state when the VM runs, and no description. */
    @API(status = EXPERIMENTAL, since = "0.1")
    @WaitsUnattended
    default SnapshotInfo createSnapshot(String name) {
        return createSnapshot(name, SnapshotOptions.DEFAULT);
    }

    /** {@link #createSnapshot(String)}, then waits as {@code wait} says until the VM's pause is over. */
    @API(status = EXPERIMENTAL, since = "0.1")
    default SnapshotInfo createSnapshot(String name, Wait wait) {
        return createSnapshot(name, SnapshotOptions.DEFAULT, wait);
    }

    /**
     * Reverts the VM to snapshot {@code name} ({@code snapshot revert}): its disks read exactly as they did then, its
     * configuration is the snapshot's, and it is in the state it was in: a VM that ran runs again from that point
     * (after loading its state: the {@code revert} phase), one that was stopped, or a disk-only snapshot of a running
     * one, is shut off. Whatever the VM was doing is abandoned. The snapshot becomes current.
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    @WaitsUnattended
    void revertTo(String name);

    /** {@link #revertTo(String)}, then waits as {@code wait} says until the VM's state is loaded (when it ran). */
    @API(status = EXPERIMENTAL, since = "0.1")
    void revertTo(String name, Wait wait);

    /**
     * Deletes snapshot {@code name} from every disk, freeing the clusters only it used ({@code snapshot delete}).
     * Its children move up to its parent, as libvirt does; with {@code children} they are deleted too. Deleting the
     * current snapshot makes its parent current. Returns the names deleted.
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    java.util.List<String> deleteSnapshot(String name, boolean children);

    /**
     * {@link #deleteSnapshot(String, boolean)}, then waits as {@code wait} says until the VM runs on: a running VM's
     * disks are drained while the image frees the snapshot's clusters (a short {@code snapshot} pause).
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    java.util.List<String> deleteSnapshot(String name, boolean children, Wait wait);

    /**
     * SHA-256 (hex) of the VM's runtime state as a snapshot saves it: configuration, lifecycle state, the guest's
     * memory state (balloon, pages in use) and its work in progress (plan, step, what each part has left). History
     * (timeline, samples) and the host's placement of pages (resident or swapped, shared) are not part of it. A VM
     * reverted to a snapshot has the digest the snapshot recorded, once its state is loaded.
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    String stateDigest();

    /**
     * Enrolls the RSA key of PEM file {@code certificateFile} (an X.509 certificate, or a public key) in this
     * machine's Secure Boot db ({@code vm secureboot enroll}): from its next boot, a Secure Boot firmware also boots loaders signed
     * by it ({@code disk sign}). It stays enrolled with the lab. An unreadable or non-RSA file, or a key already
     * enrolled, is refused ({@code INVALID}, {@code CONFLICT}), changing nothing.
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    SecureBootKey secureBootEnroll(@HostPath String certificateFile);

    /**
     * The keys enrolled in this machine's Secure Boot db, in the order enrolled; its firmware trusts its own db's keys
     * (the secureboot plugin's: the hyperlab lab CA) on top of them.
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    List<SecureBootKey> secureBootKeys();

    /**
     * What its workload asked of its host since it last started and what it got ({@code vm stat}): CPU ready, disk
     * latency, bytes written and read, memory its guest uses.
     */
    @API(status = EXPERIMENTAL, since = "0.3")
    VmStat stat();
}
