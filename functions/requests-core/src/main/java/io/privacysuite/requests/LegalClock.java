package io.privacysuite.requests;

import io.privacysuite.core.Env;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;

/**
 * Computes deadlines. Receipt is the instant the request arrived at intake (the earliest defensible start),
 * converted to the configured legal time zone: a request at 23:30 UTC on 31 January is received on 1 February
 * in Europe/Brussels. Periods follow Regulation 1182/71 as the EDPB applies it to Art. 12(3): a month ends on the
 * same day-of-month in the next month, or that month's last day when it has no such day (31 Jan -> 28/29 Feb),
 * which {@link LocalDate#plusMonths} does. Public holidays are not modelled (the deadline is never later than
 * the law's; a holiday rule could only move it later).
 */
public final class LegalClock {
    public static final int GDPR_MAX_EXTENSION_MONTHS = 2;
    public static final int CCPA_ACK_BUSINESS_DAYS = 10;
    public static final int CCPA_RESPONSE_DAYS = 45;
    public static final int CCPA_MAX_EXTENSION_DAYS = 45;

    private final Regime regime;
    private final ZoneId zone;

    public LegalClock(Regime regime, ZoneId zone) {
        this.regime = regime;
        this.zone = zone;
    }

    /** Reads {@code LEGAL_REGIME} (GDPR, GDPR_30_DAYS or CCPA; default GDPR) and {@code LEGAL_TIME_ZONE} (Europe/Brussels). */
    public static LegalClock from(Env env) {
        return new LegalClock(Regime.valueOf(env.get("LEGAL_REGIME", "GDPR").toUpperCase(Locale.ROOT)),
                ZoneId.of(env.get("LEGAL_TIME_ZONE", "Europe/Brussels")));
    }

    public Regime regime() {
        return regime;
    }

    public ZoneId zone() {
        return zone;
    }

    public LocalDate receiptDate(Instant receivedAt) {
        return LocalDate.ofInstant(receivedAt, zone);
    }

    public Deadline deadlineFor(Instant receivedAt) {
        LocalDate received = receiptDate(receivedAt);
        return switch (regime) {
            case GDPR -> new Deadline(regime, zone, received, null, received.plusMonths(1), received.plusMonths(1),
                    0, null);
            // A promise of 30 days never outlasts the law's calendar month (31 January: 28 February, not 2 March).
            case GDPR_30_DAYS -> {
                LocalDate due = min(received.plusDays(30), received.plusMonths(1));
                yield new Deadline(regime, zone, received, null, due, due, 0, null);
            }
            case CCPA -> new Deadline(regime, zone, received, plusBusinessDays(received, CCPA_ACK_BUSINESS_DAYS),
                    received.plusDays(CCPA_RESPONSE_DAYS), received.plusDays(CCPA_RESPONSE_DAYS), 0, null);
        };
    }

    /**
     * Extends a deadline by {@code amount} more months (GDPR) or days (CCPA). Refused without a reason, after the
     * first period has ended, or beyond the maximum (two months in total; 45 days in total). Extensions add up:
     * one month now and one more later, both decided within the first period, is allowed.
     */
    public Deadline extend(Deadline current, int amount, String reason, Instant now) {
        if (reason == null || reason.isBlank()) {
            throw new DeadlineRuleException("reason_required", "An extension needs a reason; it is emailed to the person.");
        }
        if (!now.isBefore(current.firstPeriodEndsAt())) {
            throw new DeadlineRuleException("first_period_over", "An extension must be decided and told to the "
                    + "person within the first period, which ended on " + current.originalDueOn() + ".");
        }
        int max = current.regime() == Regime.CCPA ? CCPA_MAX_EXTENSION_DAYS : GDPR_MAX_EXTENSION_MONTHS;
        String unit = current.regime() == Regime.CCPA ? "days" : "months";
        if (amount < 1) {
            throw new DeadlineRuleException("invalid_extension", "Extend by at least 1 " + unit + ".");
        }
        int total = current.extension() + amount;
        if (total > max) {
            throw new DeadlineRuleException("extension_too_long", "At most " + max + " " + unit
                    + " in total; already extended by " + current.extension() + ".");
        }
        LocalDate due = switch (current.regime()) {
            // From receipt, not from the previous due date, so month ends stay right (31 Jan + 3 months = 30 Apr),
            // and never past receipt + 3 months in either GDPR regime.
            case GDPR, GDPR_30_DAYS -> current.receivedOn().plusMonths(1L + total);
            case CCPA -> current.originalDueOn().plusDays(total);
        };
        String reasons = current.extensionReason() == null ? reason.strip()
                : current.extensionReason() + "\n" + reason.strip();
        return new Deadline(current.regime(), current.zone(), current.receivedOn(), current.acknowledgeBy(),
                current.originalDueOn(), due, total, reasons);
    }

    private static LocalDate min(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? a : b;
    }

    /** Counts {@code days} business days (Monday to Friday) after {@code start}. */
    public static LocalDate plusBusinessDays(LocalDate start, int days) {
        LocalDate date = start;
        int counted = 0;
        while (counted < days) {
            date = date.plusDays(1);
            if (date.getDayOfWeek() != DayOfWeek.SATURDAY && date.getDayOfWeek() != DayOfWeek.SUNDAY) {
                counted++;
            }
        }
        return date;
    }
}
