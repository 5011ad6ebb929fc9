package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * One point of a machine's memory over time, recorded whenever it changes: for a host its used, free, swapped and
 * shared memory; for a VM its actual size, resident, swapped and shared memory.
 *
 * <pre>{@code
 * lab.memoryHistory(List.of("web1")).forEach(s -> System.out.println(s.time() + " " + s.used()));
 * }</pre>
 *
 * <p>EXPERIMENTAL, and so are the facade methods that return it: hyperlab makes these records and adds components
 * to them as features land, which changes their constructor. Read them by their accessors (every accessor stays); do
 * not construct them.
 *
 * @param machine host or VM name
 * @param time lab time
 * @param size a host's usable memory, or a VM's actual (ballooned) size
 * @param used a host's used memory, or a VM's resident memory
 * @param swapped swapped-out memory
 * @param shared memory saved by (host) or backed by (VM) shared pages
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record MemorySample(String machine, Duration time, long size, long used, long swapped, long shared) {}
