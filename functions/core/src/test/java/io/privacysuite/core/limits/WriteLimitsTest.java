package io.privacysuite.core.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WriteLimitsTest {
    /** The shared table, in memory: the same conditional add as the DynamoDB counter. */
    static final class MemoryCounter implements SharedCounter {
        final Map<String, Long> used = new ConcurrentHashMap<>();
        final AtomicInteger writes = new AtomicInteger();
        volatile boolean down;

        @Override
        public synchronized boolean tryAdd(String id, int amount, long limit, Instant expiresAt) {
            if (down) {
                throw new IllegalStateException("throttled");
            }
            writes.incrementAndGet();
            long now = used.getOrDefault(id, 0L);
            if (now > limit - amount) {
                return false;
            }
            used.put(id, now + amount);
            return true;
        }
    }

    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-12-01T10:00:05Z");

        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        public Clock withZone(ZoneId zone) {
            return this;
        }

        public Instant instant() {
            return now;
        }
    }

    static int allowed(WriteLimits limits, WriteLimits.Rule rule, String key, int attempts) {
        int ok = 0;
        for (int i = 0; i < attempts; i++) {
            if (limits.acquire(rule, key).allowed()) {
                ok++;
            }
        }
        return ok;
    }

    @Test
    void aSitesBudgetShouldHoldAcrossContainers_withOneSharedWritePerChunk() {
        MemoryCounter shared = new MemoryCounter();
        ManualClock clock = new ManualClock();
        WriteLimits a = new WriteLimits(shared, clock);
        WriteLimits b = new WriteLimits(shared, clock);
        WriteLimits.Rule site = WriteLimits.Rule.of("site", 1000, 0);

        int total = allowed(a, site, "shop", 700) + allowed(b, site, "shop", 700);

        assertThat(total).isEqualTo(1000);
        assertThat(shared.writes.get()).as("one write per chunk of 20, plus one refused lease each")
                .isLessThanOrEqualTo(1000 / 20 + 2);
        WriteLimits.Decision refused = a.acquire(site, "shop");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(55);
        int writes = shared.writes.get();
        allowed(a, site, "shop", 500);
        assertThat(shared.writes.get()).as("refusals are answered from memory").isEqualTo(writes);
        assertThat(a.acquire(site, "other-shop").allowed()).as("other sites keep their own budget").isTrue();

        clock.now = clock.now.plusSeconds(60);
        assertThat(a.acquire(site, "shop").allowed()).as("a new window").isTrue();
    }

    @Test
    void aClientsFirstWritesShouldCostNothing_andItsFloodBeCappedAcrossContainers() {
        MemoryCounter shared = new MemoryCounter();
        ManualClock clock = new ManualClock();
        WriteLimits.Rule client = WriteLimits.Rule.of("client", 100, 10);
        WriteLimits a = new WriteLimits(shared, clock);

        assertThat(allowed(a, client, "198.51.100.0", 10)).isEqualTo(10);
        assertThat(shared.writes.get()).isZero();

        WriteLimits b = new WriteLimits(shared, clock);
        int flood = allowed(a, client, "198.51.100.0", 500) + allowed(b, client, "198.51.100.0", 500);
        assertThat(10 + flood).as("limit plus each container's free writes").isLessThanOrEqualTo(100 + 2 * 10);
        assertThat(a.acquire(client, "203.0.113.0").allowed()).isTrue();
    }

    @Test
    void anUnreachableCounterShouldNotLoseConsents_butGrantOnlyAChunkAtATime() {
        MemoryCounter shared = new MemoryCounter();
        shared.down = true;
        WriteLimits limits = new WriteLimits(shared, new ManualClock());
        WriteLimits.Rule site = WriteLimits.Rule.of("site", 1000, 0);
        assertThat(allowed(limits, site, "shop", 5)).isEqualTo(5);
    }

    @Test
    void manyDistinctClientsShouldShareOneOverflowBudget_keepingMemoryBounded() {
        MemoryCounter shared = new MemoryCounter();
        WriteLimits limits = new WriteLimits(shared, new ManualClock());
        WriteLimits.Rule client = WriteLimits.Rule.of("client", 5, 5);
        for (int i = 0; i < WriteLimits.MAX_KEYS; i++) {
            limits.acquire(client, "k" + i);
        }
        int overflow = allowed(limits, client, "new-a", 20) + allowed(limits, client, "new-b", 20);
        assertThat(overflow).isLessThanOrEqualTo(5 + 5);
    }
}
