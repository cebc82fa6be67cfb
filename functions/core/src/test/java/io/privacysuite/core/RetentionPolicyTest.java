package io.privacysuite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    @Test
    void shouldExpireEndUserDataTwelveMonthsAfterWriting_byDefault() {
        RetentionPolicy policy = RetentionPolicy.from(Env.of(Map.of()));
        assertThat(policy.expiryOf(DataCategory.END_USER, Instant.parse("2026-11-22T10:00:00Z")))
                .isEqualTo(Instant.parse("2027-11-22T10:00:00Z"));
        assertThat(policy.ruleName(DataCategory.END_USER)).isEqualTo("end_user_12m");
    }

    @Test
    void shouldClampMonthEnds_andLeapDays() {
        RetentionPolicy policy = new RetentionPolicy(12);
        assertThat(policy.expiryOf(DataCategory.END_USER, Instant.parse("2028-02-29T08:00:00Z")))
                .isEqualTo(Instant.parse("2029-02-28T08:00:00Z"));
        assertThat(new RetentionPolicy(1).expiryOf(DataCategory.END_USER, Instant.parse("2027-01-31T00:00:00Z")))
                .isEqualTo(Instant.parse("2027-02-28T00:00:00Z"));
    }

    @Test
    void shouldTreatAPassedTtlAsExpired_evenBeforeDynamoDbDeletesIt() {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");
        assertThat(RetentionPolicy.isExpired(now.getEpochSecond(), now)).isTrue();
        assertThat(RetentionPolicy.isExpired(now.getEpochSecond() - 1, now)).isTrue();
        assertThat(RetentionPolicy.isExpired(now.getEpochSecond() + 1, now)).isFalse();
    }

    @Test
    void shouldRefuseARetentionLongerThanThePolicyPromises() {
        assertThatThrownBy(() -> RetentionPolicy.from(Env.of(Map.of("CONSENT_LIFETIME_MONTHS", "13"))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
