package dev.hyperlab.core.backup;

/**
 * A lock file in the repository.
 *
 * @param name the lock file's name under {@code locks/}
 * @param pid the process that holds it
 * @param host the host name that process runs on
 * @param exclusive true for prune (nothing else may run), false for backup, restore and check
 * @param operation what the process is doing, for messages
 * @param stale true when the process is provably gone: same host and boot, and no live process with that pid and
 *     start time (a lock of another host is never called stale, since its process cannot be seen)
 */
public record LockInfo(String name, long pid, String host, boolean exclusive, String operation, boolean stale) {}
