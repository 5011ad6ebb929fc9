package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.ApplyResult;
import dev.hyperlab.api.lab.Backups;
import dev.hyperlab.api.lab.BoundBy;
import dev.hyperlab.api.lab.ConsoleText;
import dev.hyperlab.api.lab.Disk;
import dev.hyperlab.api.lab.DiskRepair;
import dev.hyperlab.api.lab.DiskSpec;
import dev.hyperlab.api.lab.Host;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.LabInfo;
import dev.hyperlab.api.lab.MemorySample;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Profiles;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmInfo;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.core.lab.DiskUsage;
import dev.hyperlab.core.lab.Labs;
import dev.hyperlab.core.qemu.qmp.QmpClient;
import dev.hyperlab.core.qemu.qmp.QmpException;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The {@link Lab} facade over real QEMU virtual machines on this machine (issue 16; docs/qemu.md). Its one host is
 * {@code local}; each VM is a QEMU process started by {@code vm start}, in its own session so that it outlives the
 * shell, reached through its QMP socket, its serial console appended to a log in the lab. What the lab keeps
 * ({@link QemuLabFile}) is each VM's configuration and what hyperlab last did to its process; what the process does
 * now is asked of the process. A VM whose process is gone while hyperlab had not stopped it has crashed; one found
 * running when the lab opens is taken up again (its monitor reconnected, its console watched).
 *
 * <p>Lab time is wall time since the lab was made; {@code advance} waits. Disks are the same real images as in a
 * simulated lab and go through the same disk code. Commands that need the model (hosts of one's own,
 * snapshots, memory) are refused with a hint.
 */
public final class QemuLab implements Lab, AutoCloseable {
    /** How long QEMU has to open its monitor socket after its process starts. */
    static final Duration MONITOR_TIMEOUT = Duration.ofSeconds(30);
    /** How long a monitor command may take (QEMU answers in milliseconds; a VM under load, in seconds). */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);
    /** How often the console watcher and the waits look again. */
    private static final long POLL_MILLIS = 25;
    /** The OS profile whose disk hyperlab builds: a real Linux that boots in seconds under TCG. */
    static final String TINY_LINUX = "tiny-linux";
    /** Where the lab remembers its QEMU's version (see {@link QemuBinary#find(String, Path)}). */
    static final String QEMU_CACHE = "qemu-binary";

    private final Path dir;
    private final AutoCloseable lock;
    private final QemuBinary qemu;
    private final long createdMillis;
    private final Map<String, QemuVmRecord> vms = new LinkedHashMap<>();
    private final Map<String, QmpClient> monitors = new HashMap<>();
    private final Map<String, ConsoleWatcher> watchers = new ConcurrentHashMap<>();
    private final Map<String, Process> children = new HashMap<>();
    private final QemuSnapshots snapshots = new QemuSnapshots(this);
    private final QemuMemory memory = new QemuMemory(this);
    private final QemuStats stats = new QemuStats(this);
    private final Thread watching;
    private Lab images;
    private ProgressListener progress = ProgressListener.NONE;
    private volatile boolean closed;

    private QemuLab(Path dir, AutoCloseable lock, QemuBinary qemu, QemuLabFile.Contents contents) {
        this.dir = dir;
        this.lock = lock;
        this.qemu = qemu;
        this.createdMillis = contents.createdMillis();
        contents.vms().forEach(v -> vms.put(v.name(), v));
        takeUpRunningVms();
        this.watching = Thread.ofPlatform().daemon().name("hyperlab-qemu-consoles").start(this::watchConsoles);
    }

    /** Whether {@code dir} holds a QEMU lab. */
    public static boolean isQemuLab(Path dir) {
        return QemuLabFile.exists(dir);
    }

    /**
     * Opens the QEMU lab in {@code dir}, creating it when the directory holds no lab. {@code lock} takes the lab
     * directory's lock (released on close). QEMU is checked first: without a usable QEMU nothing is written.
     */
    /**
     * What {@code lab list} shows of a QEMU lab, read from its file without opening it (a lab open elsewhere is listed
     * too): its lab time (wall time since it was made) and its VMs.
     */
    public static Summary summary(Path dir) {
        QemuLabFile.Contents c = QemuLabFile.read(dir);
        return new Summary(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - c.createdMillis())),
                c.vms().size());
    }

    /** @see #summary(Path) */
    public record Summary(Duration time, int vms) {}

    public static QemuLab open(Path dir, java.util.function.Supplier<AutoCloseable> lock) {
        return open(dir, lock, () -> QemuBinary.find(QemuBinary.defaultCommand(), dir.resolve(QEMU_CACHE)));
    }

    /** {@link #open(Path, java.util.function.Supplier)} with the QEMU binary found by {@code find} (tests). */
    static QemuLab open(Path dir, java.util.function.Supplier<AutoCloseable> lock,
            java.util.function.Supplier<QemuBinary> find) {
        QemuBinary qemu = find.get();
        AutoCloseable held = lock.get();
        try {
            QemuLabFile.Contents contents;
            if (QemuLabFile.exists(dir)) {
                contents = QemuLabFile.read(dir);
            } else {
                contents = new QemuLabFile.Contents(System.currentTimeMillis(), List.of());
                QemuLabFile.write(dir, contents);
            }
            return new QemuLab(dir, held, qemu, contents);
        } catch (RuntimeException e) {
            try {
                held.close();
            } catch (Exception ignored) {
                // the lock goes with the process anyway
            }
            throw e;
        }
    }

    QemuBinary qemu() {
        return qemu;
    }

    // ---- the lab ----------------------------------------------------------------------------------------------------

    @Override
    public LabInfo info() {
        requireOpen();
        List<String> images = vms.values().stream().flatMap(v -> v.disks().stream()).toList();
        DiskUsage used = DiskUsage.of(dir, images);
        int running = (int) vms.keySet().stream().filter(n -> state(n) == VmState.RUNNING).count();
        return new LabInfo(dir.toString(), 0, now(), 1, 1, vms.size(), running, 0, "qemu " + qemu.version(),
                List.of(), used.allocated(), used.apparent(), dir.toFile().getUsableSpace(), 0, "none", "qemu");
    }

    /** Wall time since the lab was made. */
    @Override
    public Duration now() {
        return Duration.ofMillis(Math.max(0, System.currentTimeMillis() - createdMillis));
    }

    @Override
    public List<Host> hosts() {
        return List.of(new QemuHost(this));
    }

    @Override
    public Host host(String name) {
        return findHost(name).orElseThrow(() -> LabException.notFound("no host '" + name + "'",
                "a QEMU lab has one host, local"));
    }

    @Override
    public Optional<Host> findHost(String name) {
        return QemuHost.NAME.equals(name) ? Optional.of(new QemuHost(this)) : Optional.empty();
    }

    @Override
    public Host createHost(HostSpec spec) {
        throw LabException.notAllowed("a QEMU lab has one host, local: this machine",
                "create VMs on it: {VmSpec.os} tiny-linux; simulated labs have hosts of their own");
    }

    @Override
    public Host createHost(String name, String profileFile) {
        throw LabException.notAllowed("a QEMU lab has one host, local (this machine): a host profile makes a "
                + "simulated host", "use it in a simulated lab (a lab made without {open.backend} qemu)");
    }

    @Override
    public List<Vm> vms() {
        requireOpen();
        return vms.keySet().stream().map(n -> (Vm) new QemuVm(this, n)).toList();
    }

    @Override
    public Vm vm(String name) {
        return findVm(name).orElseThrow(() -> LabException.notFound("no VM '" + name + "'", "vm list lists them"));
    }

    @Override
    public Optional<Vm> findVm(String name) {
        requireOpen();
        return vms.containsKey(name) ? Optional.of(new QemuVm(this, name)) : Optional.empty();
    }

    @Override
    public Vm createVm(VmSpec spec) {
        if (!spec.workload().isEmpty()) {
            throw QemuVm.later("workloads"); // a real guest runs what it runs: there is no model to give one
        }
        if (spec.vcpusCeiling() > spec.vcpus() || spec.memoryCeiling() > spec.memoryBytes()) {
            throw QemuVm.later("CPU and memory hot-add"); // -smp maxcpus and -m maxmem are not passed to QEMU yet
        }
        requireOpen();
        if (vms.containsKey(spec.name())) {
            throw LabException.conflict("VM '" + spec.name() + "' exists", "give another name, or vm delete it");
        }
        if (!spec.host().isEmpty() && !spec.host().equals(QemuHost.NAME)) {
            throw LabException.notFound("no host '" + spec.host() + "'", "a QEMU lab has one host, local");
        }
        checkVcpus(spec.vcpus());
        checkMemory(spec.memoryBytes());
        String firmware = spec.firmware().isEmpty() ? "bios" : spec.firmware();
        checkFirmware(firmware);
        checkDrivers(spec.drivers());
        List<String> disks = new ArrayList<>();
        for (String d : spec.disks()) {
            Path p = Path.of(d).toAbsolutePath().normalize();
            if (!Files.isRegularFile(p)) {
                throw LabException.notFound("no disk image " + d, "disk create makes one");
            }
            ImageFormat.of(p); // readable
            disks.add(p.toString());
        }
        if (disks.isEmpty()) {
            if (!spec.os().equals(TINY_LINUX)) {
                throw LabException.invalid("a real VM boots a real disk: give {disks} FILE, or {os} " + TINY_LINUX
                        + " for hyperlab's test guest", "{DiskSpec.os} " + TINY_LINUX + " builds one");
            }
            QemuVmFiles files = QemuVmFiles.of(dir, spec.name());
            files.create();
            Path disk = files.dir().resolve("disk0.qcow2");
            long size = dev.hyperlab.core.calibration.OsProfiles.get(TINY_LINUX).imageSize(); // the profile's own disk
            images().createDisk(DiskSpec.of(disk.toString(), size).withOs(TINY_LINUX).withFirmware(firmware));
            disks.add(disk.toString());
        }
        vms.put(spec.name(), QemuVmRecord.defined(spec.name(), spec.vcpus(), spec.memoryBytes(), firmware, spec.os(),
                disks, spec.bootPriority()));
        save();
        return new QemuVm(this, spec.name());
    }

    private static void checkVcpus(int vcpus) {
        if (vcpus < 1 || vcpus > QemuHost.cores()) {
            throw LabException.invalid("a VM here has 1 to " + QemuHost.cores() + " vCPUs (this machine's cores), not "
                    + vcpus, "e.g. {vcpus} 1");
        }
    }

    private static void checkMemory(long bytes) {
        if (bytes < (32L << 20) || bytes > QemuHost.memoryBytes() / 2) {
            throw LabException.invalid("a VM here has 32 MiB to half this machine's memory ("
                    + (QemuHost.memoryBytes() / 2 >> 20) + " MiB)", "e.g. {memoryBytes} 256MiB");
        }
    }

    private static void checkFirmware(String firmware) {
        if (!firmware.equals("bios") && !firmware.equals("uefi")) {
            throw LabException.invalid("firmware '" + firmware + "' is not one QEMU boots here",
                    "bios (SeaBIOS) or uefi (OVMF)");
        }
    }

    private static void checkDrivers(List<String> drivers) {
        if (!drivers.isEmpty() && !drivers.equals(List.of("virtio-blk"))) {
            throw LabException.invalid("real VMs get their disks as virtio-blk and no other device",
                    "leave out {drivers}");
        }
    }

    /**
     * {@code vm set} of a stopped real VM: its record changes, and the next start's QEMU command line follows it.
     * Drivers are QEMU's devices here (the disks are virtio-blk, always), so none is added or removed.
     */
    VmInfo set(String name, dev.hyperlab.api.lab.VmChange change) {
        QemuVmRecord r = record(name);
        if (change.isEmpty()) {
            return info(name);
        }
        if (change.autostart().isPresent()) {
            throw QemuVm.later("autostart"); // its one host is this machine, running whenever hyperlab does
        }
        if (change.workload().isPresent()) {
            throw QemuVm.later("workloads"); // a real guest runs what it runs: there is no model to give one
        }
        if (change.maxVcpus().isPresent() || change.maxMemoryBytes().isPresent()) {
            throw QemuVm.later("CPU and memory hot-add"); // -smp maxcpus and -m maxmem are not passed to QEMU yet
        }
        VmState s = state(name);
        if (s != VmState.DEFINED && s != VmState.SHUTOFF && s != VmState.CRASHED) {
            throw LabException.notAllowed("VM " + name + " is " + s.id(), "its definition changes while it is off: "
                    + "vm shutdown " + name + " first");
        }
        int vcpus = change.vcpus().orElse(r.vcpus());
        checkVcpus(vcpus);
        long memory = change.memoryBytes().orElse(r.memory());
        checkMemory(memory);
        String firmware = change.firmware().orElse(r.firmware());
        checkFirmware(firmware);
        checkDrivers(change.addDrivers());
        checkDrivers(change.removeDrivers());
        update(new QemuVmRecord(name, vcpus, memory, firmware, r.os(), r.disks(),
                change.bootPriority().orElse(r.bootPriority()), r.power(), r.reason(), r.snapshots(),
                r.currentSnapshot(), Math.min(r.balloonTarget(), memory)));
        return info(name);
    }

    @Override
    public ApplyResult apply(String yaml) {
        throw LabException.notAllowed("lab files (apply) describe simulated labs", "create real VMs with vm create");
    }

    @Override
    public void startVms(List<String> names) {
        for (String n : names) {
            record(n); // every name is checked before anything starts
        }
        for (String n : names) {
            start(n, Wait.NONE);
        }
    }

    @Override
    public List<Disk> disks() {
        return images().disks();
    }

    @Override
    public Disk disk(String path) {
        return images().disk(path);
    }

    @Override
    public Disk createDisk(DiskSpec spec) {
        return images().createDisk(spec);
    }

    @Override
    public Disk convertDisk(String source, String target, String format) {
        return images().convertDisk(source, target, format);
    }

    @Override
    public DiskRepair repairDisk(String path) {
        return images().repairDisk(path);
    }

    @Override
    public dev.hyperlab.api.lab.SignedLoader signLoader(String image, String keyFile, String certificateFile) {
        throw QemuVm.later("signing loaders");
    }

    @Override
    public Backups initBackups(String repo, String password) {
        requireOpen();
        return QemuBackups.init(this, repo, password);
    }

    @Override
    public Backups backups(String repo, String password) {
        requireOpen();
        return QemuBackups.open(this, repo, password);
    }

    @Override
    public Profiles profiles() {
        return images().profiles();
    }

    /** Waits {@code duration} of wall time: lab time here is the machine's. */
    @Override
    public void advance(Duration duration) {
        requireOpen();
        Duration target = now().plus(duration);
        while (now().compareTo(target) < 0) {
            progress.progress(now(), target, 0);
            sleep(Math.min(200, target.minus(now()).toMillis() + 1));
        }
    }

    @Override
    public void setDiskBudget(String budget) {
        throw LabException.notAllowed("a QEMU lab has no disk budget: its guests write what they write",
                "disk budgets bound simulated guests' writes");
    }

    @Override
    public List<TimelinePhase> timeline(List<String> machines) {
        requireOpen();
        for (String m : machines) {
            if (!m.equals(QemuHost.NAME)) {
                record(m);
            }
        }
        List<TimelinePhase> out = new ArrayList<>();
        for (QemuVmRecord v : vms.values()) {
            if (machines.isEmpty() || machines.contains(v.name())) {
                ConsoleWatcher w = watchers.get(v.name());
                if (w != null) {
                    w.poll();
                }
                QemuVmFiles files = QemuVmFiles.of(dir, v.name());
                out.addAll(BootTimeline.phases(v.name(), BootLog.read(files.timeline()), createdMillis * 1000));
                out.addAll(BackupLog.phases(v.name(), BackupLog.read(files.backups()), createdMillis * 1000));
            }
        }
        out.sort(Comparator.comparing(TimelinePhase::start));
        return out;
    }

    @Override
    public List<MemorySample> memoryHistory(List<String> machines) {
        throw QemuVm.later("memory histories");
    }

    @Override
    public Lab fork() {
        throw LabException.notAllowed("a QEMU lab cannot be forked: its VMs are real processes",
                "fork simulated labs");
    }

    @Override
    public void onProgress(ProgressListener listener) {
        progress = listener == null ? ProgressListener.NONE : listener;
    }

    /** Closes the lab; its VMs go on running (as with virsh), to be taken up again when it opens. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watching.interrupt();
        watchers.values().forEach(ConsoleWatcher::poll);
        monitors.values().forEach(QmpClient::close);
        monitors.clear();
        if (images != null) {
            images.close();
        }
        try {
            lock.close();
        } catch (Exception e) {
            // the lock goes with the process anyway
        }
    }

    // ---- VMs --------------------------------------------------------------------------------------------------------

    VmState state(String name) {
        QemuVmRecord v = record(name);
        return switch (v.power()) {
            case DEFINED -> VmState.DEFINED;
            case OFF -> VmState.SHUTOFF;
            case SUSPENDED -> VmState.SUSPENDED;
            case CRASHED -> VmState.CRASHED;
            case ON -> liveState(v);
        };
    }

    private VmState liveState(QemuVmRecord v) {
        QemuVmFiles files = QemuVmFiles.of(dir, v.name());
        if (files.process().isEmpty()) {
            crashed(v, files);
            return VmState.CRASHED;
        }
        String status;
        try {
            status = status(v.name());
        } catch (QmpException e) {
            if (files.process().isEmpty()) {
                crashed(v, files);
                return VmState.CRASHED;
            }
            return VmState.STARTING; // alive, its monitor not answering yet (or busy)
        }
        return switch (status) {
            case "shutdown" -> { // the guest powered off; -no-shutdown kept QEMU for us to end
                quit(v.name(), files);
                watcher(v.name()).ended("the guest powered off");
                update(v.with(QemuVmRecord.Power.OFF, "the guest powered off"));
                yield VmState.SHUTOFF;
            }
            case "paused", "suspended" -> VmState.PAUSED;
            case "internal-error", "guest-panicked", "io-error" -> {
                String why = "QEMU stopped the VM: " + status;
                quit(v.name(), files);
                update(v.with(QemuVmRecord.Power.CRASHED, why));
                yield VmState.CRASHED;
            }
            case "running" -> watcher(v.name()).ready() ? VmState.RUNNING : VmState.STARTING;
            default -> VmState.STARTING; // inmigrate, prelaunch, restore-vm: coming up
        };
    }

    VmInfo info(String name) {
        QemuVmRecord v = record(name);
        VmState s = state(name);
        List<VmInfo.VmDiskInfo> disks = new ArrayList<>();
        for (String d : v.disks()) {
            long size;
            String format;
            try {
                var info = images().disk(d).info();
                size = info.virtualSize();
                format = info.format();
            } catch (LabException e) {
                size = 0;
                format = "unreadable";
            }
            disks.add(new VmInfo.VmDiskInfo(d, format, size));
        }
        return new VmInfo(name, QemuHost.NAME, s, v.vcpus(), v.memory(), v.firmware(), v.os(), disks,
                List.of("virtio-blk", "virtio-balloon"), v.bootPriority(), record(name).reason(), "", false,
                dev.hyperlab.core.calibration.Workloads.IDLE, VmInfo.Identity.NONE, dev.hyperlab.api.lab.VmResources.DEFAULT,
                v.vcpus(), v.memory());
    }

    void start(String name, Wait wait) {
        QemuVmRecord v = record(name);
        VmState s = state(name);
        if (s == VmState.SUSPENDED) {
            throw LabException.notAllowed("VM " + name + " is suspended", "vm resume " + name + " starts it from its"
                    + " saved memory");
        }
        if (s != VmState.DEFINED && s != VmState.SHUTOFF && s != VmState.CRASHED) {
            throw LabException.notAllowed("VM " + name + " is " + s.id(), "vm shutdown or vm destroy it first");
        }
        v = record(name);
        launch(v, false, "");
        update(v.with(QemuVmRecord.Power.ON, ""));
        if (wait.waits()) {
            waitFor(name, VmState.RUNNING, wait.timeout());
        }
    }

    /** Starts QEMU for {@code v} and waits until its monitor answers; on any failure nothing is left running. */
    private void launch(QemuVmRecord v, boolean incoming, String loadvm) {
        QemuVmFiles files = QemuVmFiles.of(dir, v.name());
        files.create();
        for (String d : v.disks()) {
            if (!Files.isRegularFile(Path.of(d))) {
                throw LabException.notFound("VM " + v.name() + "'s disk " + d + " is gone", "vm delete it, or put "
                        + "the image back");
            }
        }
        List<String> command = QemuCommandLine.of(qemu, v, files, incoming, loadvm);
        try {
            Files.deleteIfExists(files.socket());
            Files.deleteIfExists(files.pidFile());
            Files.writeString(files.qemuLog(), "hyperlab: " + String.join(" ", command) + "\n");
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot prepare " + files.dir() + ": " + e.getMessage(),
                    "check the lab directory", e);
        }
        ConsoleWatcher w = watcher(v.name());
        if (!incoming && loadvm.isEmpty()) {
            w.bootBegins("start");
        }
        Process p;
        try {
            p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(files.qemuLog().toFile()))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new LabException(LabException.Kind.NOT_FOUND, "cannot run " + qemu.command() + ": " + e.getMessage(),
                    "install qemu-system-x86 and util-linux (setsid)", e);
        }
        children.put(v.name(), p);
        QmpClient qmp;
        try {
            qmp = connectWhileAlive(p, files);
        } catch (RuntimeException e) {
            p.destroyForcibly();
            awaitExit(p);
            String last = String.join(" / ", lastWords(files, 3));
            throw LabException.invalid("QEMU did not start VM " + v.name() + (last.isEmpty() ? "" : ": " + last),
                    "its whole log is " + files.qemuLog());
        }
        monitors.put(v.name(), qmp);
        w.phase("vmm", "qmp", "QMP greeting: QEMU " + qmp.greeting().version());
        memory.startStatistics(v.name());
        if (!incoming && loadvm.isEmpty() && v.balloonTarget() != v.memory()) {
            update(record(v.name()).withBalloonTarget(v.memory())); // a new boot starts with the balloon empty
        }
    }

    private QmpClient connectWhileAlive(Process p, QemuVmFiles files) {
        long deadline = System.nanoTime() + MONITOR_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("QEMU exited with status " + p.exitValue());
            }
            if (Files.exists(files.socket())) {
                return QmpClient.connect(files.socket(), MONITOR_TIMEOUT);
            }
            sleep(POLL_MILLIS);
        }
        throw new IllegalStateException("no monitor socket within " + MONITOR_TIMEOUT.toSeconds() + " s");
    }

    void shutdown(String name, Wait wait) {
        VmState s = state(name);
        if (s != VmState.RUNNING && s != VmState.STARTING) {
            throw LabException.notAllowed("VM " + name + " is " + s.id(), "only a running VM shuts down");
        }
        command(name, "system_powerdown", Map.of());
        if (wait.waits()) {
            waitFor(name, VmState.SHUTOFF, wait.timeout());
        }
    }

    void destroy(String name) {
        QemuVmRecord v = record(name);
        VmState s = state(name);
        if (s == VmState.DEFINED || s == VmState.SHUTOFF || s == VmState.CRASHED) {
            throw LabException.notAllowed("VM " + name + " is " + s.id(), "nothing runs to destroy");
        }
        if (s == VmState.SUSPENDED) {
            deleteQuietly(QemuVmFiles.of(dir, name).memoryState());
        } else {
            quit(name, QemuVmFiles.of(dir, name));
            watcher(name).ended("destroyed");
        }
        update(record(name).with(QemuVmRecord.Power.OFF, ""));
    }

    void reboot(String name, Wait wait) {
        VmState s = state(name);
        if (s != VmState.RUNNING && s != VmState.STARTING) {
            throw LabException.notAllowed("VM " + name + " is " + s.id(), "vm start starts it");
        }
        command(name, "system_reset", Map.of());
        watcher(name).bootBegins("reset");
        if (wait.waits()) {
            waitFor(name, VmState.RUNNING, wait.timeout());
        }
    }

    /**
     * Saves the VM's memory to {@code memory.state} in its directory (QEMU migrates to a file through {@code exec:})
     * and ends its process: nothing of it runs, as a suspended simulated VM holds nothing on its host. It returns once
     * the memory is saved, also when not asked to wait (the wait's timeout bounds the save when it is asked).
     */
    void suspend(String name, Wait wait) {
        VmState s = state(name);
        if (s != VmState.RUNNING && s != VmState.PAUSED) {
            throw LabException.notAllowed("VM " + name + " is " + s.id(), "only a running VM suspends");
        }
        QemuVmFiles files = QemuVmFiles.of(dir, name);
        deleteQuietly(files.memoryState());
        command(name, "stop", Map.of());
        command(name, "migrate", Map.of("uri", "exec:cat > " + QemuCommandLine.shellQuoted(files.memoryState())));
        // the save is awaited even unasked (--no-wait, the interactive shell's default): QEMU must end only once the
        // memory is on disk, and a zero timeout failed every suspend whose save was not over at the first look
        long deadline = System.nanoTime() + (wait.waits() ? wait.timeout() : Wait.DEFAULT_TIMEOUT).toNanos();
        while (true) {
            String status = migration(name);
            if (status.equals("completed")) {
                break;
            }
            if (status.equals("failed") || status.equals("cancelled") || System.nanoTime() > deadline) {
                command(name, "migrate_cancel", Map.of());
                command(name, "cont", Map.of());
                deleteQuietly(files.memoryState());
                throw new LabException(LabException.Kind.IO, "saving VM " + name + "'s memory " + (status.isEmpty()
                        ? "did not finish" : status), "the VM runs on; is the disk full?");
            }
            sleep(POLL_MILLIS);
        }
        update(record(name).with(QemuVmRecord.Power.SUSPENDED, ""));
        watcher(name).phase("vmm", "suspended", "memory saved to " + files.memoryState().getFileName());
        quit(name, files);
    }

    void resume(String name, Wait wait) {
        VmState s = state(name);
        if (s == VmState.PAUSED) {
            command(name, "cont", Map.of());
            return;
        }
        if (s != VmState.SUSPENDED) {
            throw LabException.notAllowed("VM " + name + " is " + s.id(), "only a suspended VM resumes");
        }
        QemuVmRecord v = record(name);
        QemuVmFiles files = QemuVmFiles.of(dir, name);
        launch(v, true, "");
        update(v.with(QemuVmRecord.Power.ON, ""));
        watcher(name).phase("vmm", "resume", "memory loaded from " + files.memoryState().getFileName());
        long deadline = System.nanoTime() + (wait.waits() ? wait.timeout() : MONITOR_TIMEOUT).toNanos();
        while (true) {
            String status = status(name);
            if (status.equals("running")) {
                break;
            }
            String loaded = migration(name);
            if (loaded.equals("completed")) {
                command(name, "cont", Map.of()); // it was stopped to be saved: it stays stopped until told
            } else if (loaded.equals("failed") || System.nanoTime() > deadline) {
                quit(name, files);
                update(record(name).with(QemuVmRecord.Power.SUSPENDED, ""));
                throw new LabException(LabException.Kind.IO, "VM " + name + "'s saved memory did not load ("
                        + (loaded.isEmpty() ? status : loaded) + ")", "its memory is kept in " + files.memoryState()
                        + "; vm destroy " + name + " discards it");
            }
            sleep(POLL_MILLIS);
        }
        deleteQuietly(files.memoryState());
    }

    void delete(String name) {
        VmState s = state(name);
        if (s != VmState.DEFINED && s != VmState.SHUTOFF && s != VmState.CRASHED) {
            throw LabException.notAllowed("VM " + name + " is " + s.id(), "vm destroy it first");
        }
        vms.remove(name);
        watchers.remove(name);
        save();
        QemuVmFiles files = QemuVmFiles.of(dir, name);
        try (Stream<Path> all = Files.exists(files.dir()) ? Files.walk(files.dir()) : Stream.empty()) {
            all.sorted(Comparator.reverseOrder()).forEach(QemuLab::deleteQuietly);
        } catch (IOException e) {
            // the VM is gone from the lab; files left behind are only files
        }
    }

    /**
     * Waits until the VM is in {@code wanted}. A VM that reaches a state it cannot leave on its own (crashed, shut
     * off) ends the wait with an error; a VM still booting when the time is up is stopped (a guest that never gets
     * ready must not go on running unseen) and the error shows the console's last lines.
     */
    void waitFor(String name, VmState wanted, Duration timeout) {
        long start = System.nanoTime();
        Duration target = now().plus(timeout);
        while (true) {
            VmState s = state(name);
            if (s == wanted) {
                return;
            }
            if (s == VmState.CRASHED || (s == VmState.SHUTOFF && wanted == VmState.RUNNING)) {
                throw LabException.notAllowed("VM " + name + " is " + s.id() + (record(name).reason().isEmpty() ? ""
                        : ": " + record(name).reason()), "vm console " + name + " shows what it printed");
            }
            if (System.nanoTime() - start >= timeout.toNanos()) {
                String last = String.join(" / ", QemuVmFiles.lastLines(QemuVmFiles.of(dir, name).console(), 3));
                if (wanted == VmState.RUNNING && s == VmState.STARTING) {
                    quit(name, QemuVmFiles.of(dir, name));
                    update(record(name).with(QemuVmRecord.Power.OFF, "it did not get ready within "
                            + timeout.toSeconds() + " s"));
                    throw new LabException(LabException.Kind.TIMEOUT, "VM " + name + " did not get ready within " + timeout.toSeconds()
                            + " s and was stopped; its console last said: " + (last.isEmpty() ? "nothing" : last),
                            "vm console " + name + " shows it all");
                }
                throw new LabException(LabException.Kind.TIMEOUT, "VM " + name + " is " + s.id() + ", not " + wanted.id() + ", after "
                        + timeout.toSeconds() + " s", "vm console " + name + " shows what it printed");
            }
            progress.progress(now(), target, s == VmState.STARTING ? 1 : 0);
            sleep(POLL_MILLIS * 4);
        }
    }

    ConsoleText console(String name, long from) {
        record(name);
        QemuVmFiles files = QemuVmFiles.of(dir, name);
        boolean live = record(name).power() == QemuVmRecord.Power.ON && files.process().isPresent();
        File f = files.console().toFile();
        long size = f.length();
        long at = Math.max(0, Math.min(from, size));
        int n = (int) Math.min(size - at, 1 << 20);
        if (n == 0) {
            return new ConsoleText("", at, live);
        }
        try (RandomAccessFile r = new RandomAccessFile(f, "r")) {
            byte[] buf = new byte[n];
            r.seek(at);
            r.readFully(buf);
            return new ConsoleText(new String(buf, StandardCharsets.UTF_8), at + n, live);
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot read " + files.console() + ": " + e.getMessage(),
                    "check the lab directory", e);
        }
    }

    // ---- snapshots (QemuSnapshots decides; these run QEMU for it) --------------------------------------------------

    QemuSnapshots snapshots() {
        return snapshots;
    }

    QemuStats stats() {
        return stats;
    }

    QemuMemory memory() {
        return memory;
    }

    Path dir() {
        return dir;
    }

    long createdMillis() {
        return createdMillis;
    }

    /** Records a phase of the VM's timeline that no console line shows (a snapshot saved). */
    void phase(String name, String phase, String step, String text) {
        watcher(name).phase(phase, step, text);
    }

    /**
     * Runs a QMP job ({@code snapshot-save}, {@code snapshot-load}, {@code snapshot-delete}) to its end and dismisses
     * it; an error the job concluded with is the command's error.
     */
    void job(String name, String command, Map<String, ?> args, Duration timeout) {
        String id = "hyperlab-" + command + "-" + System.nanoTime();
        Map<String, Object> a = new LinkedHashMap<>(args);
        a.put("job-id", id);
        command(name, command, a);
        awaitJob(name, id, command, timeout);
    }

    /**
     * Waits for the QMP job {@code id} (started with {@code auto-dismiss} off, or one that does not dismiss itself) to
     * conclude, and dismisses it; an error it concluded with is thrown, naming {@code command}.
     */
    void awaitJob(String name, String id, String command, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<?, ?> job = null;
            if (command(name, "query-jobs", Map.of()) instanceof List<?> jobs) {
                for (Object o : jobs) {
                    if (o instanceof Map<?, ?> m && id.equals(m.get("id"))) {
                        job = m;
                    }
                }
            }
            if (job == null) {
                throw new LabException(LabException.Kind.IO, "QEMU lost its " + command + " job for VM " + name,
                        "vm info " + name + " shows its state");
            }
            if ("concluded".equals(job.get("status"))) {
                command(name, "job-dismiss", Map.of("id", id));
                if (job.get("error") instanceof String error) {
                    throw LabException.notAllowed("QEMU's " + command + " for VM " + name + " failed: " + error,
                            "vm info " + name + " shows its state");
                }
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new LabException(LabException.Kind.TIMEOUT, "QEMU's " + command + " for VM " + name
                        + " did not end within " + timeout.toSeconds() + " s", "vm info " + name + " shows its state");
            }
            sleep(POLL_MILLIS);
        }
    }

    /** Records that the VM runs on from a snapshot's saved state. */
    void restored(String name, String tag) {
        watcher(name).restored(tag);
    }

    /** Starts QEMU from the internal snapshot {@code tag} of the VM's disks ({@code -loadvm}): it runs from there. */
    void launchFromSnapshot(String name, String tag, boolean paused) {
        QemuVmRecord v = record(name);
        launch(v, false, tag);
        update(v.with(QemuVmRecord.Power.ON, ""));
        watcher(name).restored(tag);
        if (paused) {
            command(name, "stop", Map.of());
        }
    }

    /** Ends a VM's QEMU so that its disks can be reverted to a disk-only snapshot. */
    void stopForRevert(String name) {
        quit(name, QemuVmFiles.of(dir, name));
        watcher(name).ended("stopped to revert its disks");
        update(record(name).with(QemuVmRecord.Power.OFF, ""));
    }

    // ---- processes and monitors -------------------------------------------------------------------------------------

    /** The VM's QEMU status ({@code running}, {@code paused}, {@code shutdown}, ...) as its monitor says. */
    String status(String name) {
        Object r = command(name, "query-status", Map.of());
        return r instanceof Map<?, ?> m && m.get("status") instanceof String s ? s : "";
    }

    /** The status of the VM's migration (a suspend's save, a resume's load): {@code completed}, {@code failed}, .... */
    private String migration(String name) {
        Object r = command(name, "query-migrate", Map.of());
        return r instanceof Map<?, ?> m && m.get("status") instanceof String s ? s : "";
    }

    Object command(String name, String command, Map<String, ?> args) {
        QmpClient qmp = monitor(name);
        try {
            return qmp.execute(command, args, COMMAND_TIMEOUT);
        } catch (dev.hyperlab.core.qemu.qmp.QmpCommandException e) {
            throw LabException.notAllowed("QEMU refused " + command + " for VM " + name + ": " + e.getMessage(),
                    "vm info " + name + " shows its state");
        }
    }

    /** The VM's monitor connection, connecting (again) when there is none or it closed. */
    private QmpClient monitor(String name) {
        QmpClient qmp = monitors.get(name);
        if (qmp == null || !qmp.isOpen()) {
            if (qmp != null) {
                qmp.close();
            }
            qmp = QmpClient.connect(QemuVmFiles.of(dir, name).socket(), Duration.ofSeconds(5));
            monitors.put(name, qmp);
        }
        return qmp;
    }

    /** Ends the VM's QEMU: {@code quit} through its monitor, or SIGKILL when that does not work. */
    private void quit(String name, QemuVmFiles files) {
        Optional<ProcessHandle> p = files.process();
        try {
            monitor(name).execute("quit", Map.of(), COMMAND_TIMEOUT);
        } catch (QmpException e) {
            // a monitor that does not answer: the signal below ends it
        }
        QmpClient qmp = monitors.remove(name);
        if (qmp != null) {
            qmp.close();
        }
        p.ifPresent(h -> {
            try {
                h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        });
        Process child = children.remove(name);
        if (child != null) {
            awaitExit(child);
        }
        watcher(name).poll();
    }

    private void crashed(QemuVmRecord v, QemuVmFiles files) {
        Process child = children.remove(v.name());
        String exit = "";
        if (child != null && !child.isAlive()) {
            int status = child.exitValue();
            exit = status > 128 ? " (killed by signal " + (status - 128) + ")" : " (exit status " + status + ")";
        }
        List<String> last = lastWords(files, 3);
        String why = "QEMU's process ended without hyperlab stopping it" + exit
                + (last.isEmpty() ? "" : "; its last words: " + String.join(" / ", last));
        QmpClient qmp = monitors.remove(v.name());
        if (qmp != null) {
            qmp.close();
        }
        watcher(v.name()).ended("QEMU's process ended");
        watchers.remove(v.name());
        update(v.with(QemuVmRecord.Power.CRASHED, why));
    }

    /** QEMU's last lines of output, leaving out the command line hyperlab wrote at the top. */
    private static List<String> lastWords(QemuVmFiles files, int n) {
        return QemuVmFiles.lastLines(files.qemuLog(), n + 1).stream().filter(l -> !l.startsWith("hyperlab: "))
                .toList();
    }

    /** VMs left running by an earlier process: their consoles are watched again; VMs whose QEMU died, crashed. */
    private void takeUpRunningVms() {
        for (QemuVmRecord v : List.copyOf(vms.values())) {
            if (v.power() == QemuVmRecord.Power.ON) {
                QemuVmFiles files = QemuVmFiles.of(dir, v.name());
                if (files.process().isEmpty()) {
                    crashed(v, files);
                } else {
                    watcher(v.name()).poll();
                }
            }
        }
    }

    private ConsoleWatcher watcher(String name) {
        return watchers.computeIfAbsent(name, n -> new ConsoleWatcher(QemuVmFiles.of(dir, n)));
    }

    private void watchConsoles() {
        while (!closed) {
            for (ConsoleWatcher w : watchers.values()) {
                w.poll();
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void awaitExit(Process p) {
        try {
            p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the lab file -----------------------------------------------------------------------------------------------

    QemuVmRecord record(String name) {
        requireOpen();
        QemuVmRecord v = vms.get(name);
        if (v == null) {
            throw LabException.notFound("no VM '" + name + "'", "vm list lists them");
        }
        return v;
    }

    void update(QemuVmRecord v) {
        vms.put(v.name(), v);
        save();
    }

    private void save() {
        QemuLabFile.write(dir, new QemuLabFile.Contents(createdMillis, List.copyOf(vms.values())));
    }

    /** The disk code of the simulation (images are the same real files), for disk commands and tiny-linux disks. */
    private Lab images() {
        if (images == null) {
            images = Labs.unsavedWithImageFiles(dir);
        }
        return images;
    }

    private void requireOpen() {
        if (closed) {
            throw LabException.notAllowed("this lab is closed", "open it again");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException(LabException.Kind.CANCELLED, "cancelled", "the VMs go on as they were");
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // left behind: only a file
        }
    }
}
