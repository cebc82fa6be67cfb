package io.privacysuite.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.privacysuite.core.Env;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ConsentsTableTest {
    private static final Instant AT = Instant.parse("2026-11-29T23:59:59.250Z");

    private static ConsentRecord record(String id) {
        return ConsentRecord.builder().consentId(id).version(3).siteId("shop").siteGroup("shop")
                .categories(Categories.ALL).method(ConsentMethod.ACCEPT_ALL).bannerVersion("v1")
                .pageUrl("https://shop.example/").recordedAt(AT).validUntil(AT.plusSeconds(86_400))
                .expiresAt(Instant.parse("2027-11-29T23:59:59Z")).retentionRule("end_user_12m").key("k.sig").build();
    }

    @Test
    void anItem_shouldCarryItsShardKey_andTheTimeOrderedSortKey_andNoLegacyKey() {
        String id = "7f1f5a52-0c7e-4a51-8d59-5b0e2b1c9d10";
        Map<String, AttributeValue> item = ConsentsTable.toItem(record(id), 8);

        int shard = ConsentsTable.shardOf(id, 8);
        assertThat(shard).isBetween(0, 7);
        assertThat(item.get(ConsentsTable.SITE_DAY_PK).s()).isEqualTo("shop#2026-11-29#" + shard);
        assertThat(item.get(ConsentsTable.SITE_DAY_SK).s()).isEqualTo("2026-11-29T23:59:59.250Z#" + id + "#V#000003");
        assertThat(item).doesNotContainKey(ConsentsTable.LEGACY_SITE_DAY_PK);
        assertThat(ConsentsTable.fromItem(item)).isEqualTo(record(id));
        assertThat(ConsentsTable.KEY_PLUMBING).contains(ConsentsTable.SITE_DAY_PK, ConsentsTable.LEGACY_SITE_DAY_PK);
    }

    @Test
    void theShard_shouldBeFixedPerConsent_andOneShardShouldBeShardZero() {
        String id = UUID.randomUUID().toString();
        assertThat(ConsentsTable.shardOf(id, 16)).isEqualTo(ConsentsTable.shardOf(id, 16));
        assertThat(ConsentsTable.shardOf(id, 1)).isZero();
        // Pinned: every JVM and every deployed version must put a consent on the same shard.
        assertThat(ConsentsTable.shardOf("00000000-0000-0000-0000-000000000000", 8)).isEqualTo(1);
        assertThat(ConsentsTable.shardOf("00000000-0000-0000-0000-000000000000", 16)).isEqualTo(9);
        assertThat(ConsentsTable.shardOf("7f1f5a52-0c7e-4a51-8d59-5b0e2b1c9d10", 8)).isEqualTo(7);
        assertThat(ConsentsTable.siteDayShard("shop#2026-11-29", 5)).isEqualTo("shop#2026-11-29#5");
        assertThat(ConsentsTable.siteDayShard("shop", LocalDate.parse("2026-11-29"), 5)).isEqualTo("shop#2026-11-29#5");
    }

    @Test
    void randomIds_shouldSpreadEvenlyOverTheShards() {
        Random random = new Random(42);
        for (int shards : new int[] {2, 8, 16, 64}) {
            int n = 64_000;
            int[] counts = new int[shards];
            for (int i = 0; i < n; i++) {
                counts[ConsentsTable.shardOf(new UUID(random.nextLong(), random.nextLong()).toString(), shards)]++;
            }
            double expected = (double) n / shards;
            double chi = 0;
            for (int c : counts) {
                chi += (c - expected) * (c - expected) / expected;
            }
            // Far above the 0.1% critical value of chi-square for 63 degrees of freedom (103.4): a broken hash
            // (one shard, or half of them) lands in the thousands.
            assertThat(chi).as(shards + " shards").isLessThan(150);
        }
    }

    @Test
    void theShardCount_shouldComeFromTheTemplatesParameter_withinItsBounds() {
        assertThat(ConsentsTable.shards(Env.of(Map.of()))).isEqualTo(ConsentsTable.DEFAULT_SHARDS);
        assertThat(ConsentsTable.shards(Env.of(Map.of(ConsentsTable.SHARDS_VARIABLE, "32")))).isEqualTo(32);
        assertThatThrownBy(() -> ConsentsTable.shards(Env.of(Map.of(ConsentsTable.SHARDS_VARIABLE, "0"))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ConsentsTable.shards(Env.of(Map.of(ConsentsTable.SHARDS_VARIABLE, "65"))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aShardsPage_shouldCoverItsShareOfThePageWithMargin_butNeverMoreThanThePage() {
        assertThat(SiteDayIndex.perShardPage(1000, 8)).isBetween(125 + 1, 1000);
        assertThat(SiteDayIndex.perShardPage(1, 8)).isEqualTo(1);
        assertThat(SiteDayIndex.perShardPage(5000, 1)).isEqualTo(5000);
        assertThat(SiteDayIndex.perShardPage(5000, 64)).isLessThan(200);
    }
}
