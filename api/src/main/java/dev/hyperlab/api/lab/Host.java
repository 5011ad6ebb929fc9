package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import java.util.List;
import org.apiguardian.api.API;

/**
 * A physical host of the lab. A handle: it names the host and reads or changes its current state on each call.
 *
 * <p>Lifecycle (each transition not listed is refused with {@link LabException.Kind#NOT_ALLOWED}):
 * <pre>
 * off     -- install   --> off
 * off     -- power-on  --> booting --> running   (or failed, when no boot device boots)
 * failed  -- power-on  --> booting
 * booting/running/failed -- power-off --> off    (its VMs that run crash)
 * booting/running/failed -- reset --> booting    (a power-off, then a power-on)
 * off     -- delete    --> gone       (when no VM is defined on it)
 * </pre>
 *
 * <pre>{@code
 * Host h = lab.host("kvm1");
 * h.install(HypervisorType.TYPE2, HostOs.LINUX);
 * h.powerOn(Wait.upTo(Duration.ofMinutes(5)));   // or powerOn(), then waitFor(HostState.RUNNING, ...)
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public interface Host {

    String name();

    HostState state();

    /** A snapshot of the host's configuration and state. */
    @API(status = EXPERIMENTAL, since = "0.1")
    HostInfo info();

    /** Installs a type 1 hypervisor on the first disk. Allowed while the host is off. */
    void install(HypervisorType type);

    /** Installs a hypervisor; a type 2 one on the given host OS. Allowed while the host is off. */
    void install(HypervisorType type, HostOs hostOs);

    /** Powers the host on: POST, boot-device search, bootloader, OS. Allowed when off or failed. */
    void powerOn();

    /** {@link #powerOn()}, then waits as {@code wait} says until the host runs (or fails to boot). */
    @API(status = EXPERIMENTAL, since = "0.1")
    void powerOn(Wait wait);

    /** Cuts power; VMs running on it stop ({@code crashed}: they were not shut down). */
    void powerOff();

    /** {@link #powerOff()}; the host is off when it returns, whatever {@code wait} says. */
    @API(status = EXPERIMENTAL, since = "0.1")
    void powerOff(Wait wait);

    /** Hardware reset: like power-off then power-on without the power-supply delay. */
    void reset();

    /** {@link #reset()}, then waits as {@code wait} says until the host runs again. */
    @API(status = EXPERIMENTAL, since = "0.1")
    void reset(Wait wait);

    /**
     * Removes the host and its physical disks' images ({@code host delete}). Refused while it is not off
     * ({@code NOT_ALLOWED}) or while VMs are defined on it ({@code CONFLICT}: delete them first), changing nothing.
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    void delete();

    /**
     * Warms the host's read cache with the boot blocks of OS profile {@code os}'s base image ({@code host preload}), as
     * VMware's View Storage Accelerator (CBRC) holds base-disk blocks in host RAM before a boot storm: the host's
     * datastore reads the profile's boot loader, kernel and init files once, sequentially, and later boots of VMs on
     * that base read them from the cache. Needs a running host with a hypervisor. The lab's clock runs on for the read;
     * returns how long it took (zero when the cache already holds them).
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    Duration preload(String os);

    /**
     * Enters or leaves maintenance ({@code host maintenance HOST on|off}), as vSphere's maintenance mode with DRS: to
     * enter, its running VMs migrate live and its stopped ones offline to other running hosts that have room for them
     * (cores, memory they can promise, CPU reservations), highest start priority first, each to the host with the most
     * memory left (then by name); while in maintenance no VM starts on it, is placed on it without a host named, or
     * migrates onto it. When its VMs do not all fit elsewhere, or one cannot move (suspended, a linked clone, a live
     * migration that would not converge), it is refused with the reason ({@code INSUFFICIENT}, {@code NOT_ALLOWED})
     * and nothing changes. Leaving moves nothing back.
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    MaintenanceInfo maintenance(boolean on);

    /** Runs the simulation until the host is in {@code state}; fails if it fails or the timeout passes first. */
    void waitFor(HostState state, Duration timeout);

    /** The VMs defined on this host, sorted by name. */
    List<Vm> vms();

    /** Its memory: committed, used, free, swapped and shared ({@code mem host}). */
    @API(status = EXPERIMENTAL, since = "0.1")
    HostMemory memory();

    MemoryPolicy memoryPolicy();

    /** How the hypervisor reclaims memory from now on ({@code mem policy}). */
    void setMemoryPolicy(MemoryPolicy policy);

    StartPolicy startPolicy();

    /** How the hypervisor starts many VMs; applies to starts requested from now on. */
    void setStartPolicy(StartPolicy policy);

    /**
     * Enrolls the RSA key of PEM file {@code certificateFile} (an X.509 certificate, or a public key) in this
     * machine's Secure Boot db ({@code host secureboot enroll}): from its next boot, a Secure Boot firmware also boots loaders signed
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
     * Boots the real test guest ({@code tiny-linux}) on this host alone, then 2, 3 ... {@code maxAtOnce} at once, times
     * every boot's phases from the real machine's events, and writes a host profile to {@code profileFile} that
     * {@link Lab#createHost(String, String)} makes a simulated host of ({@code host calibrate}). The guests are
     * temporary: they are gone afterwards, whether the calibration ends or fails. Only a real host can be measured: a
     * simulated lab refuses ({@code NOT_ALLOWED}); so does {@code maxAtOnce} outside 1..16 ({@code INVALID}).
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    HostCalibration calibrate(int maxAtOnce, @HostPath String profileFile);

    /** Its running VMs' {@link Vm#stat()}s summed ({@code host stat}). */
    @API(status = EXPERIMENTAL, since = "0.3")
    HostStat stat();
}
