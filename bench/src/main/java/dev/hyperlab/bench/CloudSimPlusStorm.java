package dev.hyperlab.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.cloudsimplus.allocationpolicies.VmAllocationPolicySimple;
import org.cloudsimplus.brokers.DatacenterBroker;
import org.cloudsimplus.brokers.DatacenterBrokerSimple;
import org.cloudsimplus.cloudlets.Cloudlet;
import org.cloudsimplus.cloudlets.CloudletSimple;
import org.cloudsimplus.core.CloudSimPlus;
import org.cloudsimplus.datacenters.DatacenterSimple;
import org.cloudsimplus.hosts.Host;
import org.cloudsimplus.hosts.HostSimple;
import org.cloudsimplus.resources.Pe;
import org.cloudsimplus.resources.PeSimple;
import org.cloudsimplus.utilizationmodels.UtilizationModelFull;
import org.cloudsimplus.vms.Vm;
import org.cloudsimplus.vms.VmSimple;

/**
 * The CloudSim Plus side of the boot-storm benchmark: the same hosts, and VMs each running one boot-length workload
 * (a cloudlet), all submitted at once. Run in its own JVM by {@link BootStormBench} so its heap does not count
 * against hyperlab's.
 */
public final class CloudSimPlusStorm {
    private CloudSimPlusStorm() {}

    /** args: hosts vmsPerHost coresPerHost vcpusPerVm cloudletMi */
    public static void main(String[] args) {
        int hosts = Integer.parseInt(args[0]);
        int perHost = Integer.parseInt(args[1]);
        int cores = Integer.parseInt(args[2]);
        int vcpus = Integer.parseInt(args[3]);
        long lengthMi = Long.parseLong(args[4]);
        org.cloudsimplus.util.Log.setLevel(ch.qos.logback.classic.Level.OFF);
        long t0 = System.nanoTime();
        CloudSimPlus sim = new CloudSimPlus();
        List<Host> hostList = new ArrayList<>(hosts);
        for (int h = 0; h < hosts; h++) {
            List<Pe> pes = new ArrayList<>(cores);
            for (int c = 0; c < cores; c++) {
                pes.add(new PeSimple(2100)); // MIPS of one 2.1 GHz core, the reference core of hyperlab
            }
            hostList.add(new HostSimple(128L * 1024, 10_000, 1_000_000, pes));
        }
        // each VM goes to the host the lab names for it, as hyperlab's `vm create --host` does: the default policy's
        // search over every host for every VM would measure placement, which hyperlab does not do
        VmAllocationPolicySimple placement = new VmAllocationPolicySimple();
        placement.setFindHostForVmFunction((policy, vm) -> Optional.of(hostList.get((int) (vm.getId() / perHost))));
        new DatacenterSimple(sim, hostList, placement);
        DatacenterBroker broker = new DatacenterBrokerSimple(sim);
        List<Vm> vms = new ArrayList<>(hosts * perHost);
        List<Cloudlet> cloudlets = new ArrayList<>(hosts * perHost);
        for (int i = 0; i < hosts * perHost; i++) {
            Vm vm = new VmSimple(2100, vcpus);
            vm.setRam(4096).setBw(100).setSize(10_000);
            vms.add(vm);
            Cloudlet c = new CloudletSimple(lengthMi, 1, new UtilizationModelFull());
            c.setVm(vm);
            cloudlets.add(c);
        }
        broker.submitVmList(vms);
        broker.submitCloudletList(cloudlets);
        sim.start();
        long t1 = System.nanoTime();
        int finished = broker.getCloudletFinishedList().size();
        System.out.printf("cloudsimplus hosts=%d vms=%d finished=%d wall_s=%.3f simulated_s=%.3f%n", hosts,
                hosts * perHost, finished, (t1 - t0) / 1e9, sim.clock());
    }
}
