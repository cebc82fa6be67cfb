package io.privacysuite.core.retention;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.ZoneId;

/**
 * Fiscal-year arithmetic for the tax retention of account data: "kept N full fiscal years after the fiscal year
 * of cancellation". A fiscal year runs from {@code start} (a month and day, in {@code zone}) to the day before the
 * next one. Account data cancelled in fiscal year F is erased at the first instant of fiscal year F + N + 1:
 * F itself is not full, F+1 .. F+N are the N full years.
 */
public record FiscalCalendar(MonthDay start, int taxYears, ZoneId zone) {
    public static final FiscalCalendar CALENDAR_YEAR_TEN = new FiscalCalendar(MonthDay.of(1, 1), 10, ZoneId.of("UTC"));

    public FiscalCalendar {
        if (start == null || zone == null) {
            throw new IllegalArgumentException("fiscal year start and time zone are required");
        }
        if (start.getMonthValue() == 2 && start.getDayOfMonth() == 29) {
            // A year that starts on a day most years lack is not a year; every jurisdiction uses a real date.
            throw new IllegalArgumentException("a fiscal year cannot start on 29 February");
        }
        if (taxYears < 1 || taxYears > 30) {
            throw new IllegalArgumentException("tax retention must be 1..30 fiscal years, was " + taxYears);
        }
    }

    /** Parses {@code MM-dd} (e.g. {@code 04-01} for an April-to-March fiscal year). */
    public static FiscalCalendar of(String monthDay, int taxYears, String zone) {
        MonthDay start;
        try {
            start = MonthDay.parse("--" + monthDay);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("fiscal year start must be MM-dd, such as 01-01 or 04-01: " + monthDay);
        }
        ZoneId zoneId;
        try {
            zoneId = ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("unknown fiscal time zone: " + zone);
        }
        return new FiscalCalendar(start, taxYears, zoneId);
    }

    /** The first day of the fiscal year that contains {@code day}. */
    public LocalDate fiscalYearStartOf(LocalDate day) {
        LocalDate candidate = start.atYear(day.getYear());
        return candidate.isAfter(day) ? start.atYear(day.getYear() - 1) : candidate;
    }

    /** The first day of the fiscal year containing the instant, as seen in the fiscal time zone. */
    public LocalDate fiscalYearStartOf(Instant instant) {
        return fiscalYearStartOf(LocalDate.ofInstant(instant, zone));
    }

    /** When account data of an account cancelled at {@code cancelledAt} must be erased. */
    public Instant erasureAfterCancellation(Instant cancelledAt) {
        LocalDate yearOfCancellation = fiscalYearStartOf(cancelledAt);
        // Year arithmetic on the start date: start is never 29 Feb, so plusYears never clamps.
        return yearOfCancellation.plusYears(taxYears + 1L).atStartOfDay(zone).toInstant();
    }

    /** The rule's name as stored on items, e.g. {@code account_tax_10fy_01-01}. */
    public String ruleName() {
        return "account_tax_" + taxYears + "fy_" + String.format("%02d-%02d", start.getMonthValue(), start.getDayOfMonth());
    }
}
