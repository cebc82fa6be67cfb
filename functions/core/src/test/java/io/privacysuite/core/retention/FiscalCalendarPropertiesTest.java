package io.privacysuite.core.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Property-style tests of the fiscal-year retention math: random fiscal-year starts, tax periods, time zones and
 * cancellation instants (leap days, year ends and DST changes over-sampled), each property checked on thousands of
 * cases from a fixed seed. A failure names the seed and the case so it can be replayed exactly.
 */
class FiscalCalendarPropertiesTest {
    private static final long SEED = Long.getLong("retention.seed", 20261122L);
    private static final int CASES = 5_000;
    private static final List<ZoneId> ZONES = List.of(ZoneId.of("UTC"), ZoneId.of("Europe/Amsterdam"),
            ZoneId.of("America/New_York"), ZoneId.of("Australia/Sydney"), ZoneId.of("Pacific/Kiritimati"),
            ZoneId.of("Pacific/Pago_Pago"), ZoneId.of("Asia/Kolkata"), ZoneId.of("America/Sao_Paulo"));

    record Case(FiscalCalendar calendar, Instant cancelledAt) {}

    private static Case randomCase(Random random) {
        MonthDay start;
        do {
            int month = 1 + random.nextInt(12);
            int day = 1 + random.nextInt(random.nextInt(4) == 0 ? 3 : 31);
            start = MonthDay.of(month, Math.min(day, month == 2 ? 28 : java.time.Month.of(month).maxLength()));
        } while (start.getMonthValue() == 2 && start.getDayOfMonth() == 29);
        ZoneId zone = ZONES.get(random.nextInt(ZONES.size()));
        FiscalCalendar calendar = new FiscalCalendar(start, 1 + random.nextInt(15), zone);
        LocalDate date;
        switch (random.nextInt(4)) {
            // Around the fiscal-year boundary itself.
            case 0 -> date = start.atYear(2000 + random.nextInt(60)).plusDays(random.nextInt(5) - 2);
            // Leap days and their neighbours.
            case 1 -> date = LocalDate.of(2000 + 4 * random.nextInt(15), 2, 29).plusDays(random.nextInt(3) - 1);
            // Year ends.
            case 2 -> date = LocalDate.of(2000 + random.nextInt(60), 12, 31).plusDays(random.nextInt(3));
            default -> date = LocalDate.ofEpochDay(LocalDate.of(2000, 1, 1).toEpochDay() + random.nextInt(60 * 366));
        }
        ZonedDateTime at = date.atStartOfDay(zone).plusSeconds(random.nextInt(24 * 3600));
        if (random.nextInt(5) == 0) {
            at = date.atStartOfDay(zone).plusSeconds(random.nextBoolean() ? 0 : 24 * 3600 - 1);
        }
        return new Case(calendar, at.toInstant());
    }

    private static void forAll(Consumer<Case> property) {
        Random random = new Random(SEED);
        for (int i = 0; i < CASES; i++) {
            Case c = randomCase(random);
            try {
                property.accept(c);
            } catch (AssertionError e) {
                throw new AssertionError("property failed (seed " + SEED + ", case " + i + "): " + c, e);
            }
        }
    }

    @Test
    void erasureIsAlwaysTheFirstInstantOfAFiscalYear_inTheFiscalZone() {
        forAll(c -> {
            Instant erasure = c.calendar().erasureAfterCancellation(c.cancelledAt());
            LocalDate day = LocalDate.ofInstant(erasure, c.calendar().zone());
            assertThat(MonthDay.from(day)).isEqualTo(c.calendar().start());
            assertThat(erasure).isEqualTo(day.atStartOfDay(c.calendar().zone()).toInstant());
        });
    }

    @Test
    void exactlyNFullFiscalYearsLieBetweenTheYearOfCancellationAndErasure() {
        forAll(c -> {
            FiscalCalendar cal = c.calendar();
            LocalDate cancelledOn = LocalDate.ofInstant(c.cancelledAt(), cal.zone());
            LocalDate erasedOn = LocalDate.ofInstant(cal.erasureAfterCancellation(c.cancelledAt()), cal.zone());
            // Fiscal-year starts strictly after the cancellation day, up to and including the erasure day:
            // the N full years begin at the first N of them, erasure at the (N+1)th.
            int starts = 0;
            for (LocalDate s = cal.fiscalYearStartOf(cancelledOn).plusYears(1); !s.isAfter(erasedOn); s = s.plusYears(1)) {
                starts++;
            }
            assertThat(starts).isEqualTo(cal.taxYears() + 1);
            assertThat(cal.fiscalYearStartOf(cancelledOn)).isBeforeOrEqualTo(cancelledOn);
            assertThat(cal.fiscalYearStartOf(cancelledOn).plusYears(1)).isAfter(cancelledOn);
        });
    }

    @Test
    void erasureIsNeverSoonerThanNYearsAndAtMostNPlusOneYearsAfterCancellation() {
        forAll(c -> {
            FiscalCalendar cal = c.calendar();
            ZonedDateTime cancelled = c.cancelledAt().atZone(cal.zone());
            Instant erasure = cal.erasureAfterCancellation(c.cancelledAt());
            assertThat(erasure).isAfter(cancelled.plusYears(cal.taxYears()).toInstant());
            assertThat(erasure).isBeforeOrEqualTo(cancelled.plusYears(cal.taxYears() + 1L).plusDays(1).toInstant());
        });
    }

    @Test
    void laterCancellationNeverErasesEarlier() {
        forAll(c -> {
            FiscalCalendar cal = c.calendar();
            Instant later = c.cancelledAt().plusSeconds(1 + new Random(c.cancelledAt().getEpochSecond()).nextInt(400 * 86400));
            assertThat(cal.erasureAfterCancellation(later)).isAfterOrEqualTo(cal.erasureAfterCancellation(c.cancelledAt()));
        });
    }

    @Test
    void theWholeFiscalYearOfCancellationSharesOneErasureDate() {
        forAll(c -> {
            FiscalCalendar cal = c.calendar();
            LocalDate start = cal.fiscalYearStartOf(c.cancelledAt());
            Instant first = start.atStartOfDay(cal.zone()).toInstant();
            Instant last = start.plusYears(1).atStartOfDay(cal.zone()).toInstant().minusSeconds(1);
            assertThat(cal.erasureAfterCancellation(first)).isEqualTo(cal.erasureAfterCancellation(c.cancelledAt()));
            assertThat(cal.erasureAfterCancellation(last)).isEqualTo(cal.erasureAfterCancellation(c.cancelledAt()));
            assertThat(cal.erasureAfterCancellation(last.plusSeconds(1)))
                    .isEqualTo(start.plusYears(cal.taxYears() + 2L).atStartOfDay(cal.zone()).toInstant());
        });
    }

    @Test
    void endUserExpiryIsTwelveMonthsLater_clampedOnlyAtMonthEnds() {
        RetentionPolicy policy = new RetentionPolicy(12);
        Random random = new Random(SEED);
        for (int i = 0; i < CASES; i++) {
            Instant written = Instant.ofEpochSecond(946_684_800L + (long) (random.nextDouble() * 1_900_000_000L));
            Instant expiry = policy.expiryOf(DataCategory.END_USER, written);
            var w = written.atOffset(java.time.ZoneOffset.UTC);
            var e = expiry.atOffset(java.time.ZoneOffset.UTC);
            String context = "seed " + SEED + ", written " + written;
            assertThat(e.getYear()).as(context).isEqualTo(w.getYear() + 1);
            assertThat(e.getMonth()).as(context).isEqualTo(w.getMonth());
            assertThat(e.toLocalTime()).as(context).isEqualTo(w.toLocalTime());
            assertThat(e.getDayOfMonth()).as(context)
                    .isEqualTo(Math.min(w.getDayOfMonth(), e.toLocalDate().lengthOfMonth()));
        }
    }
}
