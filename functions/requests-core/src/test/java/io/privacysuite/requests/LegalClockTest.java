package io.privacysuite.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LegalClockTest {
    private static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");
    private static final LegalClock GDPR = new LegalClock(Regime.GDPR, BRUSSELS);

    private static Instant noonUtc(String date) {
        return LocalDate.parse(date).atTime(12, 0).toInstant(ZoneOffset.UTC);
    }

    @Nested
    class CalendarMonth {
        @ParameterizedTest(name = "received {0} -> due {1}")
        @CsvSource({
                "2026-01-15, 2026-02-15",
                "2027-01-31, 2027-02-28",   // no 31 February: the month's last day
                "2028-01-31, 2028-02-29",   // leap year
                "2028-01-30, 2028-02-29",
                "2028-01-29, 2028-02-29",
                "2026-03-31, 2026-04-30",
                "2026-12-31, 2027-01-31",   // across the year end
                "2028-02-29, 2028-03-29",   // from a leap day
                "2026-02-28, 2026-03-28",   // not "end of month to end of month"
        })
        void shouldEndOnSameDayNextMonth_orThatMonthsLastDay(String received, String due) {
            Deadline d = GDPR.deadlineFor(noonUtc(received));

            assertThat(d.receivedOn()).isEqualTo(LocalDate.parse(received));
            assertThat(d.dueOn()).isEqualTo(LocalDate.parse(due));
            assertThat(d.originalDueOn()).isEqualTo(d.dueOn());
            assertThat(d.acknowledgeBy()).isNull();
        }

        @Test
        void shouldBecomeOverdueAtMidnightAfterTheDueDate_inTheLegalTimeZone() {
            Deadline d = GDPR.deadlineFor(noonUtc("2026-01-15"));

            // 16 Feb 00:00 in Brussels (UTC+1 in winter) is 15 Feb 23:00 UTC.
            assertThat(d.dueAt()).isEqualTo(Instant.parse("2026-02-15T23:00:00Z"));
            assertThat(d.isOverdue(Instant.parse("2026-02-15T22:59:59Z"))).isFalse();
            assertThat(d.isOverdue(Instant.parse("2026-02-15T23:00:00Z"))).isTrue();
        }
    }

    @Nested
    class TimeZones {
        @Test
        void shouldCountReceiptInTheLegalTimeZone_lateEveningUtcIsNextDayInBrussels() {
            Deadline d = GDPR.deadlineFor(Instant.parse("2026-01-31T23:30:00Z"));

            assertThat(d.receivedOn()).isEqualTo(LocalDate.parse("2026-02-01"));
            assertThat(d.dueOn()).isEqualTo(LocalDate.parse("2026-03-01"));
        }

        @Test
        void shouldKeepUtcDate_whenLegalTimeZoneIsUtc() {
            Deadline d = new LegalClock(Regime.GDPR, ZoneOffset.UTC).deadlineFor(Instant.parse("2026-01-31T23:30:00Z"));

            assertThat(d.receivedOn()).isEqualTo(LocalDate.parse("2026-01-31"));
            assertThat(d.dueOn()).isEqualTo(LocalDate.parse("2026-02-28"));
        }

        @Test
        void shouldCountReceiptOnPreviousDay_westOfUtc() {
            Deadline d = new LegalClock(Regime.CCPA, ZoneId.of("America/Los_Angeles"))
                    .deadlineFor(Instant.parse("2026-03-01T05:00:00Z"));

            assertThat(d.receivedOn()).isEqualTo(LocalDate.parse("2026-02-28"));
        }

        @Test
        void shouldUseSummerTimeOffset_forDueInstant() {
            Deadline d = GDPR.deadlineFor(noonUtc("2026-06-10"));

            // 11 July 00:00 CEST (UTC+2).
            assertThat(d.dueAt()).isEqualTo(Instant.parse("2026-07-10T22:00:00Z"));
        }
    }

    @Nested
    class ThirtyDays {
        private final LegalClock thirty = new LegalClock(Regime.GDPR_30_DAYS, BRUSSELS);

        @Test
        void shouldDueOnTheEarlierOfThirtyDaysAndOneCalendarMonth() {
            // 31 January: 30 days is 2 March, the month ends 28 February.
            assertThat(thirty.deadlineFor(noonUtc("2027-01-31")).dueOn()).isEqualTo(LocalDate.parse("2027-02-28"));
            // 1 February: 30 days is 3 March, the month ends 1 March.
            assertThat(thirty.deadlineFor(noonUtc("2027-02-01")).dueOn()).isEqualTo(LocalDate.parse("2027-03-01"));
            // 1 July: 30 days (31 July) comes first.
            assertThat(thirty.deadlineFor(noonUtc("2027-07-01")).dueOn()).isEqualTo(LocalDate.parse("2027-07-31"));
        }

        @Test
        void shouldRefuseAnExtensionDecidedAfterOneCalendarMonthFromReceipt() {
            Deadline d = thirty.deadlineFor(noonUtc("2027-01-31"));

            assertThatThrownBy(() -> thirty.extend(d, 1, "volume", noonUtc("2027-03-01")))
                    .isInstanceOfSatisfying(DeadlineRuleException.class,
                            e -> assertThat(e.code()).isEqualTo("first_period_over"));
            assertThat(thirty.extend(d, 1, "volume", noonUtc("2027-02-28")).dueOn()).isEqualTo(LocalDate.parse("2027-03-31"));
        }
    }

    @Nested
    class Ccpa {
        private final LegalClock ccpa = new LegalClock(Regime.CCPA, ZoneId.of("America/Los_Angeles"));

        @Test
        void shouldAcknowledgeWithinTenBusinessDays_skippingWeekends() {
            // Friday 6 Nov 2026: business days Mon 9 .. Fri 13, Mon 16 .. Fri 20 -> 20 Nov.
            Deadline d = ccpa.deadlineFor(Instant.parse("2026-11-06T20:00:00Z"));

            assertThat(d.acknowledgeBy()).isEqualTo(LocalDate.parse("2026-11-20"));
            assertThat(d.dueOn()).isEqualTo(LocalDate.parse("2026-12-21"));
        }

        @Test
        void shouldCountFromSaturday_toSecondFridayAfter() {
            assertThat(LegalClock.plusBusinessDays(LocalDate.parse("2026-11-07"), 10))
                    .isEqualTo(LocalDate.parse("2026-11-20"));
        }

        @Test
        void shouldAllowUpTo45MoreDays_withinTheFirst45() {
            Deadline d = ccpa.deadlineFor(Instant.parse("2026-01-05T18:00:00Z"));

            Deadline extended = ccpa.extend(d, 45, "complex request", Instant.parse("2026-02-01T00:00:00Z"));

            assertThat(extended.dueOn()).isEqualTo(LocalDate.parse("2026-04-05"));
            assertThatThrownBy(() -> ccpa.extend(extended, 1, "more", Instant.parse("2026-02-02T00:00:00Z")))
                    .isInstanceOf(DeadlineRuleException.class).hasMessageContaining("45");
        }
    }

    @Nested
    class Extension {
        private final Deadline jan31 = GDPR.deadlineFor(noonUtc("2027-01-31"));
        private final Instant withinFirstMonth = noonUtc("2027-02-20");

        @Test
        void shouldExtendByTwoMonths_countedFromReceipt() {
            Deadline extended = GDPR.extend(jan31, 2, "many data sources", withinFirstMonth);

            // 31 Jan + 3 months = 30 April (not 28 Feb + 2 months = 28 April).
            assertThat(extended.dueOn()).isEqualTo(LocalDate.parse("2027-04-30"));
            assertThat(extended.originalDueOn()).isEqualTo(LocalDate.parse("2027-02-28"));
            assertThat(extended.extension()).isEqualTo(2);
            assertThat(extended.extensionReason()).isEqualTo("many data sources");
        }

        @Test
        void shouldAllowTwoSingleMonthExtensions_butNotAThird() {
            Deadline once = GDPR.extend(jan31, 1, "first", withinFirstMonth);
            Deadline twice = GDPR.extend(once, 1, "second", withinFirstMonth.plusSeconds(60));

            assertThat(once.dueOn()).isEqualTo(LocalDate.parse("2027-03-31"));
            assertThat(twice.dueOn()).isEqualTo(LocalDate.parse("2027-04-30"));
            assertThat(twice.extensionReason()).isEqualTo("first\nsecond");
            assertThatThrownBy(() -> GDPR.extend(twice, 1, "third", withinFirstMonth.plusSeconds(120)))
                    .isInstanceOfSatisfying(DeadlineRuleException.class,
                            e -> assertThat(e.code()).isEqualTo("extension_too_long"));
        }

        @Test
        void shouldRefuseThreeMonthsAtOnce() {
            assertThatThrownBy(() -> GDPR.extend(jan31, 3, "too much", withinFirstMonth))
                    .isInstanceOfSatisfying(DeadlineRuleException.class,
                            e -> assertThat(e.code()).isEqualTo("extension_too_long"));
        }

        @Test
        void shouldRefuseWithoutReason() {
            assertThatThrownBy(() -> GDPR.extend(jan31, 1, "  ", withinFirstMonth))
                    .isInstanceOfSatisfying(DeadlineRuleException.class,
                            e -> assertThat(e.code()).isEqualTo("reason_required"));
            assertThatThrownBy(() -> GDPR.extend(jan31, 1, null, withinFirstMonth))
                    .isInstanceOf(DeadlineRuleException.class);
        }

        @Test
        void shouldAllowOnTheLastDayOfTheFirstMonth_inLegalTime() {
            // 28 Feb 2027 23:30 in Brussels = 22:30 UTC: still the first month.
            Deadline extended = GDPR.extend(jan31, 1, "late but in time", Instant.parse("2027-02-28T22:30:00Z"));

            assertThat(extended.dueOn()).isEqualTo(LocalDate.parse("2027-03-31"));
        }

        @Test
        void shouldRefuseOnceTheFirstMonthHasRun() {
            // 1 March 00:00 Brussels = 28 Feb 23:00 UTC.
            assertThatThrownBy(() -> GDPR.extend(jan31, 1, "too late", Instant.parse("2027-02-28T23:00:00Z")))
                    .isInstanceOfSatisfying(DeadlineRuleException.class,
                            e -> assertThat(e.code()).isEqualTo("first_period_over"));
        }

        @Test
        void shouldRefuseASecondExtensionAfterTheFirstMonth_evenIfTheTotalAllowsIt() {
            Deadline once = GDPR.extend(jan31, 1, "first", withinFirstMonth);

            assertThatThrownBy(() -> GDPR.extend(once, 1, "second", noonUtc("2027-03-10")))
                    .isInstanceOfSatisfying(DeadlineRuleException.class,
                            e -> assertThat(e.code()).isEqualTo("first_period_over"));
        }

        @Test
        void shouldRefuseZeroOrNegativeAmounts() {
            assertThatThrownBy(() -> GDPR.extend(jan31, 0, "nothing", withinFirstMonth))
                    .isInstanceOf(DeadlineRuleException.class);
        }

        @Test
        void shouldExtendThirtyDayPolicyFromReceipt_neverPastThreeMonths() {
            LegalClock thirty = new LegalClock(Regime.GDPR_30_DAYS, BRUSSELS);
            Deadline d = thirty.deadlineFor(noonUtc("2026-01-01"));

            assertThat(d.dueOn()).isEqualTo(LocalDate.parse("2026-01-31"));
            assertThat(thirty.extend(d, 2, "volume", noonUtc("2026-01-20")).dueOn())
                    .isEqualTo(LocalDate.parse("2026-04-01"));
            assertThatThrownBy(() -> thirty.extend(d, 3, "volume", noonUtc("2026-01-20")))
                    .isInstanceOf(DeadlineRuleException.class);
        }
    }
}
