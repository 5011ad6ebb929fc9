package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apiguardian.api.API;

/**
 * A virtualization lab: hosts, VMs and their images, moved forward in lab time by a deterministic simulation.
 *
 * <p>This is the one facade behind every front end: a shell command, a JavaScript call and a Java snippet that do the
 * same thing call the same method here. Every method that changes the lab persists it before returning (a lab opened
 * from a directory), so a lab survives the process. Methods throw {@link LabException} with a one-line message on bad
 * requests and leave the lab unchanged.
 *
 * <pre>{@code
 * Host esx = lab.createHost(HostSpec.of("esx1", 16, Sizes.parse("128GiB")));
 * esx.install(HypervisorType.TYPE1);
 * esx.powerOn();
 * esx.waitFor(HostState.RUNNING, Duration.ofMinutes(10));
 * Vm web = lab.createVm(VmSpec.of("web1", "esx1", 2, Sizes.parse("4GiB")).withOs("linux-server"));
 * web.start();
 * lab.advance("30s");
 * lab.timeline(List.of("web1")).forEach(System.out::println);
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public interface Lab {

    /** Seed, lab time, counts, engine version and plugins. */
    @API(status = EXPERIMENTAL, since = "0.1")
    LabInfo info();

    /** Lab time now. */
    Duration now();

    /** Every host, sorted by name. */
    List<Host> hosts();

    /**
     * The hosts {@code filter} selects, sorted by name ({@code host list --state S [NAME-GLOB]}).
     */
    @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.1")
    default List<Host> hosts(HostFilter filter) {
        return hosts().stream().filter(h -> filter.matches(h.info())).toList();
    }

    /** The host with that name; throws {@link LabException} ({@code NOT_FOUND}) if there is none. */
    Host host(String name);

    /** The host with that name, if any. */
    Optional<Host> findHost(String name);

    /** Defines a powered-off host with blank disks. */
    Host createHost(HostSpec spec);

    /**
     * Defines several powered-off hosts in one request ({@code host create NAME...}), as {@link #createHost(HostSpec)}
     * each: every spec is checked first, and one refusal (a name taken or given twice, a size out of range) refuses
     * them all and changes nothing. The lab is saved once rather than once per host. Returns them in the order given.
     */
    @API(status = EXPERIMENTAL, since = "0.5")
    default List<Host> createHosts(List<HostSpec> specs) {
        return allOrNone(specs, this::createHost, Host::delete);
    }

    /**
     * Defines a powered-off simulated host from a host profile that {@link Host#calibrate} wrote on a real machine
     * ({@code host create NAME --profile FILE}): the real host's cores and memory, and for VMs of the profile's guest
     * and firmware, boot phases that take what they took there when booted alone; what more boots at once cost is the
     * model's. A file that is not such a profile is refused ({@code INVALID}), changing nothing.
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    Host createHost(String name, @HostPath String profileFile);

    /** Every VM, sorted by name. */
    List<Vm> vms();

    /**
     * The VMs {@code filter} selects, sorted by name ({@code vm list --host H --state S --os P [NAME-GLOB]}). A host
     * or OS profile that does not exist is an error ({@code NOT_FOUND}), not an empty list: it is
     * more likely a typo than a question.
     */
    @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.1")
    default List<Vm> vms(VmFilter filter) {
        if (!filter.host().isEmpty()) {
            host(filter.host());
        }
        if (!filter.os().isEmpty() && profiles().os().stream().noneMatch(p -> p.id().equals(filter.os()))) {
            throw LabException.notFound("no OS profile '" + filter.os() + "'", "profiles lists them");
        }
        return vms().stream().filter(v -> filter.matches(v.info())).toList();
    }

    /** The VM with that name; throws {@link LabException} ({@code NOT_FOUND}) if there is none. */
    Vm vm(String name);

    /** The VM with that name, if any. */
    Optional<Vm> findVm(String name);

    /** Defines a VM on a host (state {@code defined}), creating its disk images. */
    Vm createVm(VmSpec spec);

    /**
     * Defines several VMs in one request ({@code vm create NAME...}), as {@link #createVm(VmSpec)} each: every spec is
     * checked before the first VM exists, and one refusal (a name taken or given twice, an unknown host, a size the
     * host cannot give) refuses them all and changes nothing; should an image fail to be made part way (a full disk),
     * the VMs made before it are deleted again. The lab is saved once rather than once per VM, so this is how a script
     * defines a fleet. Returns them in the order given.
     */
    @API(status = EXPERIMENTAL, since = "0.5")
    default List<Vm> createVms(List<VmSpec> specs) {
        return allOrNone(specs, this::createVm, Vm::delete);
    }

    /** Makes one machine per spec; when one is refused, deletes the ones made before it and throws the refusal. */
    private static <S, M> List<M> allOrNone(List<S> specs, Function<S, M> make, Consumer<M> delete) {
        List<M> made = new ArrayList<>(specs.size());
        try {
            for (S spec : specs) {
                made.add(make.apply(spec));
            }
        } catch (RuntimeException e) {
            for (M m : made.reversed()) {
                try {
                    delete.accept(m);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
        return made;
    }

    /**
     * Creates the hosts and VMs a lab file declares (YAML; the format is in docs/commands.md under {@code lab apply}).
     * Idempotent: what exists already as declared is left alone, so applying a file twice changes nothing the second
     * time. All or nothing: an entity that exists but differs from the file, or any invalid entry, refuses the whole
     * file with {@link LabException} and the lab is unchanged.
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    ApplyResult apply(String yaml);

    /**
     * Starts several VMs in one request, the way a boot storm begins ({@code vm start NAME...}). Every start is
     * checked first: an unknown name, or a VM or host whose state does not allow a start, refuses the whole request
     * and changes nothing. Then the whole batch goes to the hosts' hypervisors at once, so a start policy orders it by
     * boot priority; a VM its host cannot promise memory to is refused there, with the reason in its
     * {@link VmInfo#reason()}. The lab is saved once rather than once per VM.
     */
    void startVms(List<String> names);

    /**
     * The disk images the lab knows, sorted by path: its VMs' disks, the base images their overlays share, its
     * physical hosts' disks (once made: {@code host install}, a boot, a bare-metal restore), and the images made by
     * {@link #createDisk} and {@link #convertDisk}.
     */
    List<Disk> disks();

    /**
     * The image at {@code path}: absolute, or relative to the working directory (as {@code qemu-img} resolves it); any
     * qcow2 or raw file, known to the lab or not. Throws {@link LabException} ({@code NOT_FOUND}) when there is no such
     * file, ({@code INVALID}) when it is not a disk image.
     */
    Disk disk(@HostPath String path);

    /**
     * Creates an image file ({@code qemu-img create}): blank, a copy-on-write overlay on {@code spec.backing()}, or with
     * an OS profile's boot layout and OS files so that a VM given it as its first disk boots. The lab records it (see
     * {@link #disks()}). The path must not exist; nothing is written when the spec is refused.
     */
    Disk createDisk(DiskSpec spec);

    /**
     * Copies the image at {@code source} into a new file {@code target} ({@code qemu-img convert}): the backing chain is
     * read through, so the copy stands alone; holes and zero clusters stay sparse. {@code format} is {@code qcow2}
     * (the default when empty) or {@code raw}. The lab records the copy.
     */
    Disk convertDisk(@HostPath String source, @HostPath String target, String format);

    /**
     * Repairs the image at {@code path} as {@code qemu-img check -r all} does ({@code disk repair}): every refcount set
     * to what the image's tables reference (the refcount table and blocks rebuilt past the end of the file when they
     * cannot be trusted), the COPIED flags fixed, QEMU's corrupt mark cleared, then the image checked again. What is
     * the way out when {@code vm create --disk} refused a corrupt image. Throws {@link LabException} ({@code INVALID})
     * when the mapping tables themselves are damaged (nothing is changed then: the data they pointed to cannot be found
     * again), ({@code CONFLICT}) while another program has the image open or VM overlays read it as their base.
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    DiskRepair repairDisk(@HostPath String path);

    /**
     * Signs the EFI loader {@code \EFI\BOOT\BOOTX64.EFI} of image {@code image}'s EFI system partition (raw or qcow2)
     * in place, as {@code sbsign --key KEY --cert CERT} would, replacing a signature it carries: a Secure Boot firmware
     * then boots it on a machine that trusts the certificate ({@link Vm#secureBootEnroll}). {@code keyFile} is a PEM
     * RSA private key (PKCS#8 or PKCS#1, unencrypted, as {@code openssl req -new -x509 -newkey rsa:2048 -nodes} writes
     * it); {@code certificateFile} a PEM X.509 certificate or public key of the same key pair. Refused
     * ({@code INVALID}, {@code NOT_FOUND}) with the image unchanged: not an image, no EFI system partition, no loader,
     * a key that is not RSA, not PEM, or not the certificate's.
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    SignedLoader signLoader(@HostPath String image, @HostPath String keyFile, @HostPath String certificateFile);

    /**
     * Creates a backup repository in {@code dir} ({@code backup init}), which must not exist or be empty; encrypted
     * with a key derived from {@code password} (Argon2id) unless it is empty. Relative paths resolve against the
     * working directory. Changes nothing in the lab.
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    Backups initBackups(@HostPath String dir, String password);

    /**
     * The backup repository in {@code dir}; {@code password} opens an encrypted one (empty for a plain one: a password
     * given for an unencrypted repository is refused, since its config may have been changed to downgrade it). Throws
     * {@link LabException} ({@code NOT_FOUND}) when {@code dir} holds no repository, ({@code INVALID}) for a wrong,
     * missing or needless password.
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    Backups backups(@HostPath String dir, String password);

    /** OS profiles, firmware models and guest drivers available. */
    @API(status = EXPERIMENTAL, since = "0.1")
    Profiles profiles();

    /**
     * Runs the simulation forward by {@code duration} of lab time. Interrupting the calling thread stops early (within a
     * fraction of a second) and throws {@link LabException} ({@code CANCELLED}): the lab is then saved as an advance to
     * the time reached would have left it. Refused up front ({@code INSUFFICIENT}) when the guests' writes could take
     * more new disk space than the lab's disk budget ({@link #setDiskBudget}).
     */
    void advance(Duration duration);

    /**
     * Sets how much new disk space one {@link #advance(Duration)} may take in the lab's images: an advance whose guest
     * writes could take more is refused up front ({@link LabException} {@code INSUFFICIENT}, saying how much it would
     * write). {@code budget} is a size ({@code 20GiB}) or {@code auto}, the default: half the space free on the lab's
     * file system. Saved with the lab; {@link #info()} shows it.
     */
    void setDiskBudget(String budget);

    /** {@link #advance(Duration)} with a duration as people write it ({@code 30s}, {@code 5m}). */
    default void advance(String duration) {
        advance(Durations.parse(duration));
    }

    /** The recorded phases of the named machines (all machines when empty), ordered by start time then machine. */
    @API(status = EXPERIMENTAL, since = "0.1")
    List<TimelinePhase> timeline(List<String> machines);

    /** The phases of every machine. */
    @API(status = EXPERIMENTAL, since = "0.1")
    default List<TimelinePhase> timeline() {
        return timeline(List.of());
    }

    /**
     * Memory over time of the named machines (all when empty): one sample per change, ordered by time then machine.
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    List<MemorySample> memoryHistory(List<String> machines);

    /**
     * Running workloads' figures over time of the named machines (all when empty): CPU ready, disk latency, bytes
     * written and memory used, sampled every 10 minutes of lab time while a workload runs, ordered by time then
     * machine. Empty on a backend that keeps no history (the QEMU backend: {@code vm stat} reads a real VM now).
     */
    @API(status = EXPERIMENTAL, since = "0.4")
    default List<StatSample> statHistory(List<String> machines) {
        return List.of();
    }

    /**
     * The workloads a running VM can have ({@code workload list}): the built-in ones (idle first), then the lab's own
     * sorted by id.
     */
    @API(status = EXPERIMENTAL, since = "0.4")
    default List<WorkloadInfo> workloads() {
        return List.of();
    }

    /**
     * Defines a workload in this lab ({@code workload create}), saved with it, for {@code vm set --workload}. Refuses
     * (changing nothing) an id taken by a built-in or lab workload, an unknown {@code like}, and figures out of range.
     */
    @API(status = EXPERIMENTAL, since = "0.4")
    default WorkloadInfo createWorkload(WorkloadSpec spec) {
        throw LabException.notAllowed("this lab runs no modelled workloads", "workloads are the simulation's");
    }

    /** Removes a workload the lab defined ({@code workload delete}); refused while a VM has it. */
    @API(status = EXPERIMENTAL, since = "0.4")
    default void deleteWorkload(String id) {
        throw LabException.notAllowed("this lab runs no modelled workloads", "workloads are the simulation's");
    }

    /**
     * The lab's events that {@code filter} selects, oldest first: each state change, boot phase, snapshot, backup and
     * memory move of a host or VM, from its event log ({@code events [--vm NAME] [--since T] [--last N]}). Throws
     * {@link LabException} ({@code NOT_FOUND}) for a machine that does not exist, ({@code NOT_ALLOWED}) for a lab that
     * keeps no log (in memory, or a dry run's copy).
     */
    @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.1")
    default List<LabEvent> events(EventFilter filter) {
        throw LabException.notAllowed("this lab keeps no event log", "a lab in a directory keeps one (--lab DIR)");
    }

    /**
     * A throw-away copy of this lab, for dry runs: it starts where this lab is and changes on it (to the model or to
     * images) never reach this lab or its files. Close it when done.
     */
    Lab fork();

    /** Called as a long operation (advance, wait) makes progress; replaces any previous listener. */
    void onProgress(ProgressListener listener);

    /** Saves and releases the lab's files. Further calls fail. */
    void close();
}
