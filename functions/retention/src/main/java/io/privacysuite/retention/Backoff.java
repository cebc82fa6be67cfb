package io.privacysuite.retention;

/** Capped exponential back-off with jitter for unprocessed batch items and transaction conflicts. */
final class Backoff {
    static final int MAX_ATTEMPTS = 8;

    private Backoff() {}

    static void sleep(int attempt) {
        if (attempt > MAX_ATTEMPTS) {
            throw new IllegalStateException("DynamoDB kept refusing writes after " + MAX_ATTEMPTS + " attempts");
        }
        long cap = Math.min(2_000L, 20L << Math.min(attempt, 10));
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }
}
