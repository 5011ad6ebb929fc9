package dev.hyperlab.core.engine.machine;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.hyperlab.core.engine.persist.SavedDoc;
import dev.hyperlab.core.calibration.Calibration;
import dev.hyperlab.core.calibration.GuestIoRates;
import dev.hyperlab.core.calibration.Workload;
import dev.hyperlab.core.sim.Activity;
import dev.hyperlab.core.sim.ActivityOwner;
import dev.hyperlab.core.sim.SharedResource;
import dev.hyperlab.core.sim.Simulation;
import java.io.IOException;
import java.util.Map;

/**
 * A running VM's workload on its host: its CPU demand on the host's cores and its disk I/O on the host's datastore,
 * each a steady activity that never finishes, shared by the same fair-share solver as boot steps. What the solver
 * gives it against what it asks for is the VM's CPU ready time and its disk slowdown; its remaining work counts what
 * it was given, so nothing is sampled and nothing is queued while it runs.
 *
 * <p>Totals run from the VM's last start ({@link #reset}) and are brought up to date ({@link #settle}) whenever the
 * demand changes (the VM stops running, pauses, or gets another workload), so the current rates apply since
 * {@link #since} only.
 */
public final class WorkloadRun implements ActivityOwner {
    /** Activity tags, after StepRun's parts. */
    public static final int CPU = 6;
    public static final int DISK = 7;
    /**
     * Work that does not finish: twice what the activity could do at its cap in the 1e9 s (30 years) beyond which the
     * resource schedules no completion, so a steady activity queues no event and a wait nothing else can satisfy still
     * ends at once. Scaled to the cap, not one huge constant: the resource takes each moment's work off the remaining
     * amount, and a millisecond at the cap must stay far above the rounding step of that amount (here 4e-7 of it).
     */
    static double endless(double cap) {
        return cap * 2e9;
    }

    private final VmMachine vm;
    Activity cpu;
    Activity disk;
    private boolean running;
    /** Lab time the current rates apply from. */
    private long since;
    /** Demand per second now: gigacycles, device-seconds, bytes written (at full speed), bytes read. */
    private double cpuRate;
    private double diskRate;
    private double writeRate;
    private double readRate;
    /** Bytes per second through its NIC now (at full CPU), each way: its workload's, at most what the NIC carries. */
    private double netRxRate;
    private double netTxRate;
    /** Each activity's remaining work at {@link #since}: what it got since is that less its remaining work now. */
    private double cpuMark;
    private double diskMark;
    // totals since the VM's last start, up to since
    private double cpuWanted;
    private double cpuGot;
    private double diskWanted;
    private double diskGot;
    private double written;
    private double read;
    private double netRx;
    private double netTx;
    private long runningNanos;
    /**
     * Share of its normal pace the guest runs its workload at (1; less while a live migration throttles its vCPUs or
     * fetches its pages after a post-copy switch). Set back to 1 before the command that changed it returns, so it is
     * never saved other than 1.
     */
    private double pace = 1;
    /**
     * Samples over time ({@link StatSampler}), oldest first, at most {@link #MAX_SAMPLES}: lab time, CPU wanted and got
     * (megacycles, since the VM's last start), disk latency now (ns), bytes written since its last start, guest memory
     * used. Kept across restarts: a total that went down marks a new start.
     */
    private java.util.ArrayDeque<long[]> samples; // made by the first sample: a storm's 100,000 VMs have none
    /** 30 days of samples at {@link StatSampler#INTERVAL_NANOS}; older ones are dropped first. */
    static final int MAX_SAMPLES = 30 * 24 * 6;
    /** A sample: time, CPU wanted and got (ms), disk latency (ns), written, memory used, received, sent (bytes). */
    private static final int SAMPLE_COLUMNS = 8;

    WorkloadRun(VmMachine vm) {
        this.vm = vm;
    }

    public String machineName() {
        return vm.name;
    }

    public boolean running() {
        return running;
    }

    /** Whether it runs and puts demand through the host's solver (what {@link StatSampler} samples). */
    boolean charged() {
        return running && (cpu != null || disk != null);
    }

    /** Records a sample of its totals at {@code now}. */
    void sample(long now) {
        Totals t = totals(now);
        keep(new long[] {now, Math.round(t.cpuWanted() * 1e3), Math.round(t.cpuGot() * 1e3),
                Math.round(vm.diskLatency() * 1e9), Math.round(t.written()), vm.memoryUsedNow(), Math.round(t.netRx()),
                Math.round(t.netTx())});
    }

    /** Adds sample {@code row}, dropping the oldest when {@link #MAX_SAMPLES} are kept. */
    private void keep(long[] row) {
        if (samples == null) {
            samples = new java.util.ArrayDeque<>();
        } else if (samples.size() == MAX_SAMPLES) {
            samples.removeFirst();
        }
        samples.add(row);
    }

    /** Its samples (see {@link #samples}), oldest first. */
    public java.util.List<long[]> samples() {
        return samples == null ? java.util.List.of() : java.util.List.copyOf(samples);
    }

    /** The VM starts (a boot from off): its totals start again. */
    void reset() {
        cpuWanted = cpuGot = diskWanted = diskGot = written = read = netRx = netTx = 0;
        runningNanos = 0;
    }

    /** The guest runs its workload from now: its demand goes on the host's resources. */
    void start(Workload w) {
        Simulation sim = vm.env.sim();
        HostMachine h = vm.hostMachine();
        running = true;
        since = sim.now();
        readRate = w.readBytesPerSecond() * pace;
        if (!w.charged()) {
            // idle: nothing on the host; a Windows guest's steady writes still reach its disk (GuestIo)
            cpuRate = diskRate = 0;
            writeRate = GuestIoRates.steadyWriteBytesPerSecond(vm.profileOrDefault()) * pace;
            return;
        }
        writeRate = w.writeBytesPerSecond() * pace;
        // its network traffic through the guest's NIC, at most what the NIC carries (an emulated e1000: a twentieth of
        // virtio-net's stream), each byte costing host CPU on the same cores as its vCPUs' work
        double net = w.netBytesPerSecond() * pace;
        double netShare = net > 0 ? Math.min(1, vm.netCapBytesPerSecond() / net) : 1;
        netRxRate = w.netRxBytesPerSecond() * pace * netShare;
        netTxRate = w.netTxBytesPerSecond() * pace * netShare;
        cpuRate = Math.min(vm.vcpus, h.cores) * w.cpuPerVcpu() * h.ghz * pace
                + (netRxRate + netTxRate) * vm.netGigacyclesPerByte();
        diskRate = w.readOps() + w.randomWriteOps() + w.appendOps() > 0 ? diskSecondsPerSecond(w, h, vm) * pace : 0;
        if (cpuRate > 0) {
            cpuMark = endless(cpuRate);
            // its CPU shares and reservation apply to its running work as to its boot (docs/calibration.md vm.resources.*)
            cpu = new Activity(h.cpu, this, CPU, cpuMark, cpuRate, vm.cpuShareWeight(), vm.cpuFloor()).asSteady();
            sim.start(cpu);
        }
        if (diskRate > 0) {
            diskMark = endless(diskRate);
            // its disk shares, IOPS limit and reservation apply to its running I/O as to its boot's
            double ops = w.readOps() + w.randomWriteOps() + w.appendOps();
            double diskCap = vm.diskCap(diskRate, diskRate, ops);
            disk = new Activity(h.diskResource(), this, DISK, diskMark, diskCap, vm.diskShareWeight(),
                    vm.diskFloor(diskCap, diskRate, ops)).asSteady();
            sim.start(disk);
        }
    }

    /**
     * Device-seconds per second its I/O costs on the host's datastore, through the guest's block device and the
     * hypervisor's I/O path, as a boot's I/O is costed (virtio-blk's read and write factors, the VM's block driver or
     * emulated controller, a type 2 host's path): an emulated disk costs twice the device time while the VM runs.
     */
    private static double diskSecondsPerSecond(Workload w, HostMachine h, VmMachine vm) {
        double path = h.hypervisorDiskFactor() * vm.blockEfficiency();
        return h.datastoreModel().deviceSeconds(w.diskOver(), Calibration.VIRTIO_BLK_READ_FACTOR * path,
                Calibration.VIRTIO_BLK_WRITE_FACTOR * path, 1.0) / Workload.COSTING_SECONDS;
    }

    /** Sets its pace (see {@link #pace}); the caller restarts it so its demand follows. */
    void pace(double share) {
        pace = share;
    }

    /** Its pace now (1 unless a live migration slows it). */
    double paceNow() {
        return pace;
    }

    /** The guest stops running its workload (it stops, pauses, or is about to get another one). */
    void stop() {
        if (!running) {
            return;
        }
        settle();
        Simulation sim = vm.env.sim();
        if (cpu != null) {
            sim.cancel(cpu);
            cpu = null;
        }
        if (disk != null) {
            sim.cancel(disk);
            disk = null;
        }
        running = false;
        cpuRate = diskRate = writeRate = readRate = netRxRate = netTxRate = 0;
    }

    /** Brings the totals up to now. */
    private void settle() {
        long now = vm.env.sim().now();
        Totals t = totals(now);
        cpuWanted = t.cpuWanted;
        cpuGot = t.cpuGot;
        diskWanted = t.diskWanted;
        diskGot = t.diskGot;
        written = t.written;
        read = t.read;
        netRx = t.netRx;
        netTx = t.netTx;
        runningNanos = t.runningNanos;
        if (cpu != null) {
            cpuMark = Execution.remainingNow(cpu, now);
        }
        if (disk != null) {
            diskMark = Execution.remainingNow(disk, now);
        }
        since = now;
    }

    /** The totals since the VM's start as of {@code now}, without changing anything. */
    Totals totals(long now) {
        if (!running) {
            return new Totals(cpuWanted, cpuGot, diskWanted, diskGot, written, read, runningNanos, netRx, netTx);
        }
        double dt = (now - since) / 1e9;
        double gotCpu = cpu == null ? 0 : cpuMark - Execution.remainingNow(cpu, now);
        double gotDisk = disk == null ? 0 : diskMark - Execution.remainingNow(disk, now);
        // its I/O goes at the pace the disk gives it: a VM given half its disk demand writes half its bytes
        double ioShare = diskRate > 0 ? Math.min(1, gotDisk / (diskRate * Math.max(dt, 1e-9))) : 1;
        // its network bytes go at the pace the cores give its CPU work: a NIC's bytes need the CPU that moves them
        double cpuShare = cpuRate > 0 ? Math.min(1, gotCpu / (cpuRate * Math.max(dt, 1e-9))) : 1;
        return new Totals(cpuWanted + cpuRate * dt, cpuGot + gotCpu, diskWanted + diskRate * dt, diskGot + gotDisk,
                written + writeRate * dt * ioShare, read + readRate * dt * ioShare, runningNanos + (now - since),
                netRx + netRxRate * dt * cpuShare, netTx + netTxRate * dt * cpuShare);
    }

    /** Bytes per second the guest reads and writes now at the pace its disk gives it (its page cache grows by them). */
    double ioBytesPerSecondNow() {
        if (!running) {
            return 0;
        }
        // an activity not yet given its share (it started at this instant) counts at its full demand
        double share = disk != null && diskRate > 0 && disk.rate() > 0 ? Math.min(1, disk.rate() / diskRate) : 1;
        return (readRate + writeRate) * share;
    }

    /** Bytes per second the guest writes to its disk now, at the pace its disk gives it. */
    double writeBytesPerSecondNow() {
        if (!running) {
            return 0;
        }
        double share = disk != null && diskRate > 0 && disk.rate() > 0 ? Math.min(1, disk.rate() / diskRate) : 1;
        return writeRate * share;
    }

    /**
     * The same VM moved to another host (a live migration): its totals since its start go on from {@code old}'s, which
     * has stopped.
     */
    void continueTotals(WorkloadRun old) {
        Totals t = old.totals(vm.env.sim().now());
        cpuWanted = t.cpuWanted();
        cpuGot = t.cpuGot();
        diskWanted = t.diskWanted();
        diskGot = t.diskGot();
        written = t.written();
        read = t.read();
        netRx = t.netRx();
        netTx = t.netTx();
        runningNanos = t.runningNanos();
    }

    /** Its disk demand now, device-seconds per second (0 when it asks none or does not run). */
    double diskDemandNow() {
        return running ? diskRate : 0;
    }

    /** Share of its disk demand the disk gives it now (1 when it asks nothing or is not slowed). */
    double diskShareNow() {
        return disk != null && diskRate > 0 && disk.rate() > 0 ? Math.min(1, disk.rate() / diskRate)
                : disk != null && diskRate > 0 ? 0 : 1;
    }

    /**
     * @param cpuWanted gigacycles it asked for
     * @param cpuGot gigacycles it was given
     * @param diskWanted device-seconds it asked for
     * @param diskGot device-seconds it was given
     * @param written bytes it wrote
     * @param read bytes it read
     * @param runningNanos lab time it ran its workload
     * @param netRx bytes its guest received through its NIC
     * @param netTx bytes its guest sent through its NIC
     */
    public record Totals(double cpuWanted, double cpuGot, double diskWanted, double diskGot, double written, double read,
            long runningNanos, double netRx, double netTx) {
        /** Share of the CPU it asked for that it waited for instead: CPU ready. */
        public double cpuReady() {
            return cpuWanted > 0 ? Math.max(0, Math.min(1, 1 - cpuGot / cpuWanted)) : 0;
        }
    }

    @Override
    public void activityDone(Activity activity, long now) {
        // after 60 years of lab time: give it another endless amount of work
        SharedResource r = activity.resource();
        double work = endless(activity.cap());
        Activity again = new Activity(r, this, activity.tag(), work, activity.cap(), activity.weight(), activity.floor())
                .asSteady();
        settle();
        if (activity.tag() == CPU) {
            cpu = again;
            cpuMark = work;
        } else {
            disk = again;
            diskMark = work;
        }
        vm.env.sim().start(again);
    }

    /** A saved activity of this run, put back by the codec. */
    void restored(Activity a) {
        if (a.tag() == CPU) {
            cpu = a;
        } else {
            disk = a;
        }
    }

    // ---- saved with the lab (inside the VM's object) ----

    boolean worthSaving() {
        return running || runningNanos != 0 || samples != null;
    }

    void save(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("workloadRun");
        g.writeBooleanField("running", running);
        g.writeNumberField("since", since);
        g.writeArrayFieldStart("rates");
        for (double d : new double[] {cpuRate, diskRate, writeRate, readRate, cpuMark, diskMark, netRxRate, netTxRate}) {
            g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("totals");
        for (double d : new double[] {cpuWanted, cpuGot, diskWanted, diskGot, written, read, netRx, netTx}) {
            g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeNumberField("runningNanos", runningNanos);
        if (samples != null) {
            SavedDoc.writeRows(g, "statSamples", samples());
        }
        g.writeEndObject();
    }

    @SuppressWarnings("unchecked")
    void restore(Map<String, Object> v) throws IOException {
        if (!(v.get("workloadRun") instanceof Map<?, ?> m)) {
            return;
        }
        Map<String, Object> w = (Map<String, Object>) m;
        running = Boolean.TRUE.equals(w.get("running"));
        since = SavedDoc.num(w, "since");
        // a lab saved before workloads had network traffic has six of each: its NIC carried nothing
        double[] r = doubles(w, "rates", 6, 8);
        cpuRate = r[0];
        diskRate = r[1];
        writeRate = r[2];
        readRate = r[3];
        cpuMark = r[4];
        diskMark = r[5];
        netRxRate = r[6];
        netTxRate = r[7];
        double[] t = doubles(w, "totals", 6, 8);
        cpuWanted = t[0];
        cpuGot = t[1];
        diskWanted = t[2];
        diskGot = t[3];
        written = t[4];
        read = t[5];
        netRx = t[6];
        netTx = t[7];
        runningNanos = SavedDoc.num(w, "runningNanos");
        if (w.containsKey("statSamples")) {
            // a saved lab may hold more than the cap (an older build, an edited file): keep the newest
            for (long[] row : SavedDoc.rows(w, "statSamples")) {
                keep(sampleRow(row));
            }
        }
    }

    /** A saved sample row: a lab saved before network counters has 6 numbers (they read as 0 bytes). */
    private static long[] sampleRow(long[] row) throws IOException {
        if (row.length == SAMPLE_COLUMNS) {
            return row;
        }
        if (row.length == SAMPLE_COLUMNS - 2) {
            return java.util.Arrays.copyOf(row, SAMPLE_COLUMNS);
        }
        throw new IOException("saved lab: a VM's workload statSamples row has " + row.length + " numbers, not "
                + SAMPLE_COLUMNS);
    }

    /** The {@code n} numbers saved under {@code key}, or the first {@code legacy} of them and zeros. */
    private static double[] doubles(Map<String, Object> w, String key, int legacy, int n) throws IOException {
        java.util.List<Object> l = SavedDoc.list(w, key);
        if (l.size() != n && l.size() != legacy) {
            throw new IOException("saved lab: a VM's workload " + key + " has " + l.size() + " numbers, not " + n);
        }
        double[] out = new double[n];
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof Number num)) {
                throw new IOException("saved lab: a VM's workload " + key + " is not numbers");
            }
            out[i] = num.doubleValue();
        }
        return out;
    }
}
