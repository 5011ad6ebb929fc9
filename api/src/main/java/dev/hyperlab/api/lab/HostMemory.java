package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * What {@code mem host HOST} shows, in bytes.
 *
 * <pre>{@code
 * HostMemory m = lab.host("esx1").memory();
 * double overcommit = m.overcommitRatio();
 * }</pre>
 *
 * <p>EXPERIMENTAL, and so are the facade methods that return it: hyperlab makes these records and adds components
 * to them as features land, which changes their constructor. Read them by their accessors (every accessor stays); do
 * not construct them.
 *
 * @param total installed memory
 * @param usable memory for VMs: total less what the hypervisor (and a type 2 host's OS) keeps
 * @param committed configured memory of the VMs holding memory, plus their VMM overhead
 * @param used host memory backing guest pages and VMM overhead now
 * @param free {@code usable - used}
 * @param overcommitRatio {@code committed / usable}
 * @param swapped guest memory in the host's swap space
 * @param swapTotal the host's swap space
 * @param shared memory saved by page sharing (KSM / TPS)
 * @param state the free-memory state ({@code high}, {@code clear}, {@code soft}, {@code hard}, {@code low}), as
 *     ESXi names them: what reclamation the host is doing
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record HostMemory(
        long total, long usable, long committed, long used, long free, double overcommitRatio, long swapped,
        long swapTotal, long shared, String state) {}
