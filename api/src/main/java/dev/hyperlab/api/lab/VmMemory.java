package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * What {@code mem stat VM} shows, in bytes, in the spirit of {@code virsh dommemstat}.
 *
 * <pre>{@code
 * VmMemory m = lab.vm("web1").memory();
 * System.out.println(Sizes.format(m.balloon()) + " in the balloon");
 * }</pre>
 *
 * <p>EXPERIMENTAL, and so are the facade methods that return it: hyperlab makes these records and adds components
 * to them as features land, which changes their constructor. Read them by their accessors (every accessor stays); do
 * not construct them.
 *
 * @param configured the VM's configured (maximum) memory
 * @param target the balloon target: the logical memory size the hypervisor asks the guest to have
 * @param actual the logical memory size the guest has now (moves toward the target as the balloon driver works)
 * @param balloon memory held by the balloon ({@code configured - actual})
 * @param usable memory the guest could still use without the host reclaiming anything ({@code actual - guest use})
 * @param resident guest memory backed by host memory now (what the host pays for, sharing aside)
 * @param swapped guest memory the host swapped out to its swap space
 * @param shared guest memory the host backs with pages shared with other guests (KSM / TPS)
 * @param majorFaults swap-ins: host page faults the guest waited for a disk read on
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record VmMemory(
        long configured, long target, long actual, long balloon, long usable, long resident, long swapped,
        long shared, long majorFaults) {}
