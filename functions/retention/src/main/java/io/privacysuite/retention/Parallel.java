package io.privacysuite.retention;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The few threads a batch's independent DynamoDB calls overlap on: the calls are I/O-bound, so a batch's
 * transactions and receipt writes finish in the time of the slowest instead of the sum. One pool per container.
 */
final class Parallel {
    static final int THREADS = 8;

    private Parallel() {}

    static ExecutorService pool() {
        return Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "retention-io");
            t.setDaemon(true);
            return t;
        });
    }

    static <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
