package dev.hyperlab.bench;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.engine.LabModel;
import dev.hyperlab.core.model.Calibration;
import dev.hyperlab.core.sim.EventLog;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 2's speed promise: a boot storm of 100,000 VMs on 10,000 hosts simulated to completion in at most 10 s of
 * wall time and 2 GiB of heap on 2 cores, and at least 10x faster than CloudSim Plus doing the equivalent (hosts, and
 * VMs each running one boot-length cloudlet, all submitted at once), which runs in a child JVM.
 *
 * <pre>
 * ./mvnw -q -B -pl bench -am package -DskipTests
 * java -Xmx2g -cp 'bench/target/hyperlab-bench.jar:bench/target/lib/*' dev.hyperlab.bench.BootStormBench [hosts] [vmsPerHost]
 * </pre>
 */
public final class BootStormBench {
    static final int CORES = 16;
    static final int VCPUS = 2;

    private BootStormBench() {}

    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int perHost = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        System.out.printf("boot storm: %d hosts x %d VMs = %d VMs, %d cores per host, %s max heap%n", hosts, perHost,
                hosts * perHost, CORES, Sizes.format(Runtime.getRuntime().maxMemory()));

        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        long t0 = System.nanoTime();
        EventLog.Digest digest = new EventLog.Digest();
        LabModel lab = LabModel.inMemory(2026);
        lab.sim().setLog(digest);
        for (int h = 0; h < hosts; h++) {
            String name = "h" + h;
            lab.createHost(HostSpec.of(name, CORES, Sizes.parse("128GiB")).withFirmware("bios"));
            lab.installHost(name, HypervisorType.TYPE1, null);
            lab.powerOn(name);
        }
        lab.advance(Duration.ofMinutes(10), ProgressListener.NONE);
        if (lab.hostsIn(HostState.RUNNING) != hosts) {
            throw new IllegalStateException("hosts running: " + lab.hostsIn(HostState.RUNNING));
        }
        long t1 = System.nanoTime();
        List<String> names = new ArrayList<>(hosts * perHost);
        for (int h = 0; h < hosts; h++) {
            for (int v = 0; v < perHost; v++) {
                String name = "vm" + h + "-" + v;
                lab.createVm(VmSpec.of(name, "h" + h, VCPUS, Sizes.parse("4GiB")).withOs("linux-server"));
                names.add(name);
            }
        }
        for (String n : names) {
            lab.startVm(n);
        }
        lab.advance(Duration.ofHours(1), ProgressListener.NONE);
        long t2 = System.nanoTime();
        int running = lab.vmsIn(VmState.RUNNING);
        long peakHeap = peakHeap();
        double hyperlabS = (t2 - t0) / 1e9;
        System.out.printf("hyperlab: hosts booted in %.3f s wall, %d/%d VMs running after the storm in %.3f s wall;"
                        + " total %.3f s; %d events; peak heap %s; event-log sha256 %s%n",
                (t1 - t0) / 1e9, running, names.size(), (t2 - t1) / 1e9, hyperlabS, lab.sim().processedEvents(),
                Sizes.format(peakHeap), digest.hex().substring(0, 16));
        lab = null;
        System.gc();

        // CloudSim Plus: each VM runs a cloudlet as long as a linux-server boot's CPU work (kernel + init)
        long lengthMi = Math.round((Calibration.VM_KERNEL_S + Calibration.LINUX_SERVER_USERSPACE_S)
                * Calibration.REFERENCE_CORE_GHZ * 1000);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = List.of(java, "-Xmx16g", "-cp", System.getProperty("java.class.path"),
                CloudSimPlusStorm.class.getName(), "" + hosts, "" + perHost, "" + CORES, "" + VCPUS, "" + lengthMi);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        double peerS = Double.NaN;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.out.println("  | " + line);
                int i = line.indexOf("wall_s=");
                if (line.startsWith("cloudsimplus ") && i >= 0) {
                    peerS = Double.parseDouble(line.substring(i + 7).split(" ")[0]);
                }
            }
        }
        int rc = p.waitFor();
        System.out.printf("cloudsimplus: %.3f s wall (exit %d)%n", peerS, rc);
        System.out.printf("RESULT hyperlab=%.3fs (target <= 10 s) heap=%s (target <= 2 GiB) cloudsimplus=%.3fs"
                + " speedup=%.1fx (target >= 10x)%n", hyperlabS, Sizes.format(peakHeap), peerS, peerS / hyperlabS);
    }

    /** Sum of the heap pools' peak usage since the reset. */
    static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    static String classPath() {
        return System.getProperty("java.class.path").replace(File.pathSeparatorChar, ':');
    }
}
