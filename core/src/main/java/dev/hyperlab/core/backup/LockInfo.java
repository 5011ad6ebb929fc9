package dev.hyperlab.core.backup;

/**
 * A lock file in the repository.
 *
 * @param name the lock file's name under {@code locks/}
 * @param pid the process that holds it
 * @param host the host name that process runs on
 * @param exclusive true for prune (nothing else may run), false for backup, restore and check
 * @param operation what the process is doing, for messages
 * @param stale true when the lock protects no one: it expired (see {@code expired}), or its process is provably gone
 *     (same host and boot, and no live process with that pid and start time)
 * @param time when it was written or last refreshed (epoch milliseconds by the repository's clock); 0 for a lock
 *     written before locks carried their time
 * @param expired true when it was not refreshed for 30 minutes (restic's limit) and its process is not known to be
 *     gone: a lock of another host becomes stale only this way
 */
public record LockInfo(String name, long pid, String host, boolean exclusive, String operation, boolean stale, long time,
        boolean expired) {}
