package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@code lab info} shows.
 *
 * <pre>{@code
 * LabInfo i = lab.info();
 * System.out.println("seed " + i.seed() + ", plugins " + i.plugins());
 * }</pre>
 *
 * <p>EXPERIMENTAL, and so are the facade methods that return it: hyperlab makes these records and adds components
 * to them as features land, which changes their constructor. Read them by their accessors (every accessor stays); do
 * not construct them.
 *
 * @param directory where the lab is stored, or empty for a lab that lives only in memory
 * @param seed the root seed every random stream of the lab is split from
 * @param time lab time now
 * @param hosts number of hosts
 * @param hostsRunning hosts in state running
 * @param vms number of VMs
 * @param vmsRunning VMs in state running
 * @param pendingEvents events scheduled in the future
 * @param engineVersion version of the engine that simulates the lab
 * @param plugins ids of the plugins contributing extensions, sorted
 * @param diskUsed bytes of disk the lab takes: its directory and the images it uses elsewhere, counting the blocks that
 *     hold data (thin images and sparse files take far less than their sizes); 0 for a lab in memory
 * @param diskApparent the same files' sizes added up (what {@code ls} shows)
 * @param diskFree bytes free on the file system of the lab's directory; 0 for a lab in memory
 * @param diskBudget the most new disk space one advance may take before it is refused up front; 0 for a lab in memory
 * @param diskBudgetSetting the budget as set with {@link Lab#setDiskBudget}: {@code auto} (half the free space) or a
 *     size
 * @param backend what runs the lab's machines: {@code simulation} (the embedded model) or {@code qemu} (real QEMU
 *     processes on this machine, docs/qemu.md)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record LabInfo(
        String directory, long seed, Duration time, int hosts, int hostsRunning, int vms, int vmsRunning,
        int pendingEvents, String engineVersion, List<String> plugins, long diskUsed, long diskApparent,
        long diskFree, long diskBudget, String diskBudgetSetting, String backend) {}
