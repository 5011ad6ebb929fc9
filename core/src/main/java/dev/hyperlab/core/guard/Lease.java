package dev.hyperlab.core.guard;

/**
 * What a plugin may touch during one guarded call (boot devices, backup sinks and disks). When the call returns or is
 * cut off the lease expires: a plugin thread that goes on after its time, or keeps a reference, can no longer read
 * disk images or write the repository under the engine's feet. Each use holds the lease's lock, so once
 * {@link #expire()} returns no use is in progress and none will start.
 *
 * <p>It also tells the guard whether a long call is still making progress (a backup strategy may legitimately run for
 * minutes, as long as it keeps reading and storing), and which exceptions came from the engine's side of a use rather
 * than from the plugin's own code.
 */
final class Lease {
    private boolean expired;
    private volatile long lastUse = System.nanoTime(); // wall clock: only ever decides a cut-off, never a result
    private volatile int inUse;
    /** Exceptions a use threw from the engine's side (I/O failures), by identity. */
    private final java.util.Set<Throwable> engineFailures =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    /** Something the plugin calls on the engine's side. */
    interface Use<T, E extends Exception> {
        T run() throws E;
    }

    <T, E extends Exception> T use(Use<T, E> use) throws E {
        synchronized (this) {
            if (expired) {
                throw new IllegalStateException("used after its call ended (a plugin must not keep devices, disks"
                        + " or sinks beyond the call that got them)");
            }
            inUse++;
            try {
                return use.run();
            } catch (Exception e) {
                if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
                    engineFailures.add(e); // a disk or the repository failed: not the plugin's fault
                }
                throw e;
            } finally {
                inUse--;
                lastUse = System.nanoTime();
            }
        }
    }

    /** Ends the lease; waits for a use in progress. */
    synchronized void expire() {
        expired = true;
    }

    /** Whether {@code t} is an I/O failure one of this lease's uses threw (which the plugin let through). */
    synchronized boolean engineThrew(Throwable t) {
        return engineFailures.contains(t);
    }

    /** Whether the plugin is inside a use, or finished one less than {@code nanos} ago. */
    boolean activeWithin(long nanos) {
        return inUse > 0 || System.nanoTime() - lastUse < nanos;
    }
}
