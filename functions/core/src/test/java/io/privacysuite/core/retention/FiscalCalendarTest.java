package io.privacysuite.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.privacysuite.core.Env;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class FiscalCalendarTest {

    @ParameterizedTest(name = "start {0}, {1} years, zone {2}: cancelled {3} -> erased {4}")
    @CsvSource({
            // The example: calendar year, cancelled 2026-05-10, 10 full years 2027..2036.
            "01-01, 10, UTC, 2026-05-10T12:00:00Z, 2037-01-01T00:00:00Z",
            "01-01, 10, UTC, 2026-01-01T00:00:00Z, 2037-01-01T00:00:00Z",
            "01-01, 10, UTC, 2026-12-31T23:59:59Z, 2037-01-01T00:00:00Z",
            "01-01, 8, UTC, 2026-05-10T12:00:00Z, 2035-01-01T00:00:00Z",
            // April-to-March fiscal year: 10 May 2026 is in FY 2026/27; full years 2027/28..2036/37.
            "04-01, 10, UTC, 2026-05-10T12:00:00Z, 2037-04-01T00:00:00Z",
            "04-01, 10, UTC, 2026-03-31T23:59:59Z, 2036-04-01T00:00:00Z",
            "07-01, 10, UTC, 2028-02-29T10:00:00Z, 2038-07-01T00:00:00Z",
            // In Amsterdam 31 Dec 23:30 UTC is already 1 January: the next fiscal year.
            "01-01, 10, Europe/Amsterdam, 2026-12-31T23:30:00Z, 2037-12-31T23:00:00Z",
            "01-01, 10, Europe/Amsterdam, 2026-12-31T22:59:59Z, 2036-12-31T23:00:00Z",
            // A fiscal year starting in summer time in the zone.
            "04-06, 10, Europe/London, 2026-04-05T23:30:00Z, 2037-04-05T23:00:00Z",
    })
    void shouldEraseAccountDataAtStartOfFiscalYearAfterNFullYears(String start, int years, String zone,
                                                                   String cancelled, String expected) {
        FiscalCalendar calendar = FiscalCalendar.of(start, years, zone);
        assertThat(calendar.erasureAfterCancellation(Instant.parse(cancelled))).isEqualTo(Instant.parse(expected));
    }

    @Test
    void shouldRefuseFiscalYearsStartingOnLeapDay_orUnknownZones_orBadPeriods() {
        assertThatThrownBy(() -> FiscalCalendar.of("02-29", 10, "UTC")).hasMessageContaining("29 February");
        assertThatThrownBy(() -> FiscalCalendar.of("13-01", 10, "UTC")).hasMessageContaining("MM-dd");
        assertThatThrownBy(() -> FiscalCalendar.of("01-01", 10, "Mars/Olympus")).hasMessageContaining("time zone");
        assertThatThrownBy(() -> FiscalCalendar.of("01-01", 0, "UTC")).hasMessageContaining("1..30");
    }

    @Test
    void shouldReadFiscalSettingsFromConfiguration() {
        RetentionPolicy policy = RetentionPolicy.from(Env.of(Map.of("FISCAL_YEAR_START", "04-01",
                "TAX_RETENTION_YEARS", "8", "FISCAL_TIME_ZONE", "Europe/Amsterdam", "SWEEPER_GRACE_HOURS", "12")));
        assertThat(policy.fiscal()).isEqualTo(FiscalCalendar.of("04-01", 8, "Europe/Amsterdam"));
        assertThat(policy.sweeperGrace()).isEqualTo(Duration.ofHours(12));
        assertThat(policy.ruleName(DataCategory.ACCOUNT)).isEqualTo("account_tax_8fy_04-01");
        assertThat(policy.expiryAtCancellation(DataCategory.ACCOUNT, Instant.parse("2026-05-10T12:00:00Z")))
                .isEqualTo(Instant.parse("2035-03-31T22:00:00Z"));
    }

    @Test
    void shouldEraseConfigurationSystemAndEndUserDataAtTheMomentOfCancellation() {
        RetentionPolicy policy = new RetentionPolicy(12);
        Instant cancelled = Instant.parse("2026-05-10T12:00:00Z");
        for (DataCategory c : new DataCategory[] {DataCategory.CONFIGURATION, DataCategory.SYSTEM, DataCategory.END_USER}) {
            assertThat(policy.expiryAtCancellation(c, cancelled)).isEqualTo(cancelled);
            assertThat(policy.cancellationRuleName(c)).isEqualTo(c.wire() + "_at_cancellation");
        }
        assertThatThrownBy(() -> policy.expiryAtCancellation(DataCategory.REQUEST_RECORD, cancelled))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldStampTtlAndRuleOnTimeLimitedCategories_andNoTtlOnActiveAccountData() {
        RetentionPolicy policy = new RetentionPolicy(12);
        Instant now = Instant.parse("2026-11-22T10:00:00Z");
        Map<String, AttributeValue> consent = policy.stamp(new HashMap<>(), DataCategory.END_USER, now);
        assertThat(consent.get(RetentionPolicy.TTL_ATTRIBUTE).n())
                .isEqualTo(Long.toString(Instant.parse("2027-11-22T10:00:00Z").getEpochSecond()));
        assertThat(consent.get(RetentionPolicy.RULE_ATTRIBUTE).s()).isEqualTo("end_user_12m");
        assertThat(consent.get(RetentionPolicy.CATEGORY_ATTRIBUTE).s()).isEqualTo("end_user");

        Map<String, AttributeValue> account = new HashMap<>(Map.of(RetentionPolicy.TTL_ATTRIBUTE, AttributeValue.fromN("1")));
        policy.stamp(account, DataCategory.ACCOUNT, now);
        assertThat(account).doesNotContainKey(RetentionPolicy.TTL_ATTRIBUTE);
        assertThat(account.get(RetentionPolicy.RULE_ATTRIBUTE).s()).isEqualTo("account_tax_10fy_01-01");
    }

    @Test
    void shouldTreatAParkedExpiryInThePastAsGoneForReaders() {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");
        Map<String, AttributeValue> parked = Map.of(RetentionPolicy.HELD_TTL_ATTRIBUTE,
                AttributeValue.fromN(Long.toString(now.getEpochSecond() - 1)));
        assertThat(RetentionPolicy.isExpired(parked, now)).isTrue();
        assertThat(RetentionPolicy.isExpired(Map.of(), now)).isFalse();
        assertThat(DataCategory.fromWire("end_user")).isEqualTo(DataCategory.END_USER);
    }
}
