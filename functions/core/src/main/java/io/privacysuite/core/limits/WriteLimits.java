package io.privacysuite.core.limits;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fixed one-minute windows per key (a site, a client's /24 or /48), enforced across containers by a shared counter
 * that is written in chunks, not per request: a container leases {@code chunk} writes at a time from the window's
 * shared budget and spends them from memory, so the cost is one conditional UpdateItem per chunk. A rule may also
 * allow {@code freeLocal} writes per window and container without any shared write, so the common case (a visitor
 * giving one consent) costs nothing. When the shared budget is spent the key is refused in memory until the window
 * ends (no write per refused request). If the shared counter cannot be reached, the container grants itself one
 * chunk and goes on (consents are not lost to a throttled counter table). Effective ceiling per window:
 * {@code perMinute + containers x freeLocal}, give or take one chunk per container.
 */
public final class WriteLimits {
    /** Keys tracked per window and rule before new ones share one overflow budget (bounded memory). */
    static final int MAX_KEYS = 20_000;

    public record Rule(String name, long perMinute, int freeLocal, int chunk) {
        public Rule {
            if (perMinute < 1 || chunk < 1 || freeLocal < 0) {
                throw new IllegalArgumentException("rule " + name + ": perMinute and chunk >= 1, freeLocal >= 0");
            }
        }

        /** A rule sized for its limit: chunks of about 1/50 of it (1..50), and {@code freeLocal} free writes. */
        public static Rule of(String name, long perMinute, int freeLocal) {
            int chunk = (int) Math.max(1, Math.min(50, perMinute / 50));
            return new Rule(name, perMinute, (int) Math.min(freeLocal, perMinute), chunk);
        }
    }

    /** Allowed, or refused until {@code retryAfterSeconds} have passed. */
    public record Decision(boolean allowed, long retryAfterSeconds) {
        static final Decision ALLOW = new Decision(true, 0);
    }

    private static final class Bucket {
        int localUsed;
        int leased;
        boolean exhausted;
    }

    private final SharedCounter shared;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile long window = Long.MIN_VALUE;

    public WriteLimits(SharedCounter shared, Clock clock) {
        this.shared = shared;
        this.clock = clock;
    }

    public Decision acquire(Rule rule, String key) {
        long nowMillis = clock.millis();
        long current = Math.floorDiv(nowMillis, 60_000L);
        if (current != window) {
            synchronized (this) {
                if (current != window) {
                    buckets.clear();
                    window = current;
                }
            }
        }
        String id = rule.name() + "#" + key;
        Bucket bucket = buckets.get(id);
        if (bucket == null) {
            if (buckets.size() >= MAX_KEYS) {
                id = rule.name() + "#overflow";
            }
            bucket = buckets.computeIfAbsent(id, k -> new Bucket());
        }
        long windowEndSeconds = (current + 1) * 60;
        synchronized (bucket) {
            if (bucket.exhausted) {
                return new Decision(false, Math.max(1, windowEndSeconds - nowMillis / 1000));
            }
            if (bucket.localUsed < rule.freeLocal()) {
                bucket.localUsed++;
                return Decision.ALLOW;
            }
            if (bucket.leased > 0) {
                bucket.leased--;
                return Decision.ALLOW;
            }
            boolean granted;
            try {
                granted = shared.tryAdd(id + "#" + current, rule.chunk(), rule.perMinute(),
                        Instant.ofEpochSecond(windowEndSeconds + 3600));
            } catch (RuntimeException unreachable) {
                granted = true;
            }
            if (!granted) {
                bucket.exhausted = true;
                return new Decision(false, Math.max(1, windowEndSeconds - nowMillis / 1000));
            }
            bucket.leased = rule.chunk() - 1;
            return Decision.ALLOW;
        }
    }
}
