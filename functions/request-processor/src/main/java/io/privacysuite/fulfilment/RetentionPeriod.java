package io.privacysuite.fulfilment;

import java.time.Instant;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.Period;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a retained category is kept, counted from the data's own date (an invoice's date, say; never from the
 * erasure request): {@code "<n> fiscal years"} (full fiscal years after the one the data belongs to, fiscal year
 * starting 1 January unless {@code "<n> fiscal years from MM-dd"}), or an ISO-8601 period such as {@code P10Y} /
 * {@code P24M}.
 */
public record RetentionPeriod(String text, int fiscalYears, MonthDay fiscalYearStart, Period period) {
    private static final Pattern FISCAL = Pattern.compile("(\\d{1,2}) fiscal years?(?: from (\\d{2}-\\d{2}))?");

    public static RetentionPeriod parse(String text) {
        String t = text.strip();
        Matcher m = FISCAL.matcher(t);
        if (m.matches()) {
            MonthDay start = m.group(2) == null ? MonthDay.of(1, 1) : MonthDay.parse("--" + m.group(2));
            return new RetentionPeriod(t, Integer.parseInt(m.group(1)), start, null);
        }
        try {
            Period p = Period.parse(t);
            if (p.isNegative() || p.isZero()) {
                throw new IllegalArgumentException("'" + t + "' must be a positive period");
            }
            return new RetentionPeriod(t, 0, null, p);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + t + "' is neither '<n> fiscal years' nor an ISO period like P10Y");
        }
    }

    /** The day from which data dated {@code from} may be deleted. */
    public LocalDate until(Instant from, ZoneId zone) {
        return until(LocalDate.ofInstant(from, zone));
    }

    /** The day from which data of {@code day} may be deleted. */
    public LocalDate until(LocalDate day) {
        if (period != null) {
            return day.plus(period);
        }
        LocalDate startThisYear = fiscalYearStart.atYear(day.getYear());
        LocalDate currentFiscalYearStart = day.isBefore(startThisYear) ? startThisYear.minusYears(1) : startThisYear;
        // The data's fiscal year ends at the next start; then n full fiscal years follow.
        return currentFiscalYearStart.plusYears(1L + fiscalYears);
    }
}
