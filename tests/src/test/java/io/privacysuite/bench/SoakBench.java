package io.privacysuite.bench;

import io.privacysuite.local.LocalSuite;
import java.time.Duration;

/**
 * A few minutes of mixed load on the local HTTP API ({@link Soak}); prints requests/s, p50/p99, errors, lost writes and
 * the stack's heap (after GC) and thread count at start and end: a leak shows as growth. {@code -Dbench.soak.seconds}
 * (default 180) and {@code -Dbench.soak.clients} (default 8) size it.
 */
final class SoakBench {
    private SoakBench() {}

    static void run(LocalSuite stack) throws InterruptedException {
        int seconds = Integer.getInteger("bench.soak.seconds", 180);
        int clients = Integer.getInteger("bench.soak.clients", 8);
        Soak soak = new Soak(stack, Soak.registerSites(stack, 8));
        // A short warm-up (JIT, connection pools, first containers), not counted.
        new Soak(stack, Soak.registerSites(stack, 1)).run(Duration.ofSeconds(10), clients);
        Soak.Result result = soak.run(Duration.ofSeconds(seconds), clients);
        System.out.println(result.describe() + " (" + clients + " clients)");
        result.errorSamples().forEach(e -> System.out.println("  error: " + e));
    }
}
