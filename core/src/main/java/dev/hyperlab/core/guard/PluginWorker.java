package dev.hyperlab.core.guard;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The platform thread one plugin's calls run on, in a thread group of its own: threads the plugin starts from it join
 * the group, so stopping the worker reaches them too. Once stopped, every thread of the group is interrupted, and
 * plugin code running on any of them throws {@link PluginStopped} at its next loop iteration or method call (the
 * checkpoints {@link PluginCodeRewriter} puts in plugin classes). What still runs after that is blocked outside the
 * plugin's code (in the JDK, in native code): {@link #liveThreads()} counts it.
 */
final class PluginWorker {
    /** How long {@link #stop} waits for the threads it stopped to end before what lives on counts as quarantined. */
    private static final long STOP_GRACE_NANOS = 250_000_000L;

    private final Threads threads;
    private final ExecutorService executor;

    PluginWorker(String plugin) {
        this.threads = new Threads("plugin " + plugin);
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(threads, r, "plugin " + plugin);
            t.setDaemon(true); // a plugin thread that never ends never keeps the shell from exiting
            return t;
        });
    }

    <T> Future<T> submit(Callable<T> call) {
        return executor.submit(call);
    }

    /** Gives the worker up: no more calls, and its threads, the plugin's own included, are told to stop. */
    void stop() {
        threads.stopped = true; // before the interrupts, so a thread they wake meets its next checkpoint stopped
        PluginHooks.stopping();
        executor.shutdownNow();
        threads.interrupt();
        // A moment for the threads to wind down: an idle worker, or a plugin thread that meets a checkpoint, ends within
        // a few milliseconds, and counting it as quarantined meanwhile would blame a plugin that did nothing wrong (seen
        // as "1 thread quarantined" after a plain `plugin disable`). What is still alive after this is really blocked.
        long deadline = System.nanoTime() + STOP_GRACE_NANOS;
        while (threads.activeCount() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** How many threads of the worker's group (its own and those the plugin started) are alive. */
    int liveThreads() {
        return threads.activeCount();
    }

    /** The group of a worker's threads; {@link PluginHooks#checkpoint} asks it whether it was stopped. */
    static final class Threads extends ThreadGroup {
        volatile boolean stopped;

        Threads(String name) {
            super(name);
        }

        /** A thread the plugin started that ends because it was stopped ends quietly: that is what stopping means. */
        @Override
        public void uncaughtException(Thread t, Throwable e) {
            if (!(e instanceof PluginStopped)) {
                super.uncaughtException(t, e);
            }
        }
    }
}
