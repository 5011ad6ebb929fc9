package dev.hyperlab.core.engine;

import dev.hyperlab.core.storage.workload.GuestWrite;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongFunction;

/**
 * Makes a sequence of guest writes ahead of their use, on the machine's other cores: making the bytes (log lines,
 * database pages) costs more than writing them, and each batch depends only on its own random stream, so batches can
 * be made in any order and in parallel while the simulation's thread writes them, strictly in sequence. What lands in
 * the images is therefore the same as if one thread made and wrote each batch in turn.
 *
 * <p>At most {@link #AHEAD} batches are made ahead (a few MiB); {@link #close()} drops those not taken (a cancelled
 * run), whose making has no effect on anything.
 */
final class GuestWriteAhead implements AutoCloseable {
    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** Batches made ahead at most: enough to keep every core busy while one batch is written. */
    private static final int AHEAD = 2 * THREADS;
    private static final ExecutorService MAKERS = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "hyperlab-guest-writes");
        t.setDaemon(true);
        return t;
    });

    private final LongFunction<List<GuestWrite>> batch;
    private final long count;
    private final ArrayDeque<Future<List<GuestWrite>>> ahead = new ArrayDeque<>();
    private long submitted;

    /** Batches {@code 0 .. count - 1}, batch {@code i} made by {@code batch.apply(i)} (on any thread). */
    GuestWriteAhead(long count, LongFunction<List<GuestWrite>> batch) {
        this.count = count;
        this.batch = batch;
    }

    /** The next batch in sequence; call at most {@code count} times. */
    List<GuestWrite> next() {
        while (submitted < count && ahead.size() < AHEAD) {
            long i = submitted++;
            ahead.add(MAKERS.submit(() -> batch.apply(i)));
        }
        Future<List<GuestWrite>> f = ahead.poll();
        if (f == null) {
            throw new IllegalStateException("no batch left");
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true; // a cancel: answered at the caller's next safe point, after this batch
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        for (Future<List<GuestWrite>> f : ahead) {
            f.cancel(false);
        }
        ahead.clear();
    }
}
